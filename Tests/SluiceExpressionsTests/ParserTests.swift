import SluiceCore
import SluiceExpressions
import Testing

/// The tree as an S-expression, to compare with a table.
func render(_ syntax: ExpressionSyntax) -> String {
    switch syntax.kind {
    case .literal(let literal):
        switch literal {
        case .null: return "NULL"
        case .boolean(let v): return v ? "TRUE" : "FALSE"
        case .integer(let digits): return digits
        case .decimal(let digits): return "dec:" + digits
        case .float(let v): return "float:\(v)"
        case .string(let text): return "'" + text + "'"
        case .date(let days): return "date:\(days)"
        case .timestamp(let micros): return "ts:\(micros)"
        case .timestampTZ(let micros): return "tstz:\(micros)"
        }
    case .column(let name): return name
    case .negate(let x): return "(- \(render(x)))"
    case .not(let x): return "(NOT \(render(x)))"
    case .binary(let op, let l, let r): return "(\(op.rawValue) \(render(l)) \(render(r)))"
    case .isNull(let x, let negated): return "(\(negated ? "IS NOT NULL" : "IS NULL") \(render(x)))"
    case .inList(let x, let items, let negated):
        return "(\(negated ? "NOT IN" : "IN") \(render(x)) [\(items.map(render).joined(separator: " "))])"
    case .between(let x, let low, let high, let negated):
        return "(\(negated ? "NOT BETWEEN" : "BETWEEN") \(render(x)) \(render(low)) \(render(high)))"
    case .like(let x, let pattern, let negated): return "(\(negated ? "NOT LIKE" : "LIKE") \(render(x)) \(render(pattern)))"
    case .caseWhen(let operand, let branches, let otherwise):
        var parts = ["CASE"]
        if let operand { parts.append(render(operand)) }
        for branch in branches { parts.append("[\(render(branch.condition)) \(render(branch.result))]") }
        if let otherwise { parts.append("ELSE \(render(otherwise))") }
        return "(" + parts.joined(separator: " ") + ")"
    case .cast(let x, let type): return "(CAST \(render(x)) \(type))"
    case .call(let name, let arguments): return "(\(name)\(arguments.map { " " + render($0) }.joined()))"
    case .extract(let field, let x): return "(extract \(field) \(render(x)))"
    }
}

@Suite struct ParserTests {
    @Test(arguments: [
        // Precedence, loosest first: OR, AND, NOT, comparison, ||, + -, * / %, unary minus, ::.
        ("a OR b AND c", "(OR a (AND b c))"),
        ("NOT a AND b", "(AND (NOT a) b)"),
        ("NOT a = b", "(NOT (= a b))"),
        ("a + b * c - d", "(- (+ a (* b c)) d)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b % c", "(% (/ a b) c)"),
        ("-a * b", "(* (- a) b)"),
        ("-a::int64", "(- (CAST a int64))"),
        ("a || b + 1 = c", "(= (|| a (+ b 1)) c)"),
        ("a = b IS NULL", "(IS NULL (= a b))"),
        ("x IS NOT NULL AND y IS NULL", "(AND (IS NOT NULL x) (IS NULL y))"),
        ("x NOT IN (1, 2) OR x IN (3)", "(OR (NOT IN x [1 2]) (IN x [3]))"),
        ("x BETWEEN 1 AND 2 AND y", "(AND (BETWEEN x 1 2) y)"),
        ("x NOT BETWEEN a + 1 AND b * 2", "(NOT BETWEEN x (+ a 1) (* b 2))"),
        ("s NOT LIKE 'a%' AND s LIKE '_'", "(AND (NOT LIKE s 'a%') (LIKE s '_'))"),
        ("(a OR b) AND c", "(AND (OR a b) c)"),
        // A qualified name is one column reference: a joined table's column.
        ("customers.tier || c.x.y", "(|| customers.tier c.x.y)"),
        ("c.tier = 'gold' AND t.n > 1.5", "(AND (= c.tier 'gold') (> t.n dec:1.5))"),
        ("a <> b AND a != b", "(AND (<> a b) (<> a b))"),
        // Literals: integers, exact decimals, floats only with an exponent, strings, typed literals.
        ("12.50 + .5 + 3. + 1e3 + 2.5E-2", "(+ (+ (+ (+ dec:12.50 dec:.5) dec:3.) float:1000.0) float:0.025)"),
        ("-2147483648", "-2147483648"),
        ("- 12.5", "dec:-12.5"),
        ("'it''s' || ''", "(|| 'it's' '')"),
        ("DATE '1970-01-02'", "date:1"),
        ("TIMESTAMP '1970-01-01 00:00:01.5'", "ts:1500000"),
        ("TIMESTAMPTZ '1970-01-01 01:00:00+01:00'", "tstz:0"),
        ("TRUE AND false OR Null", "(OR (AND TRUE FALSE) NULL)"),
        // Names: bare (case kept), quoted (any text), keywords only where they are keywords.
        ("Total + \"Order Total\" + \"say \"\"hi\"\"\"", "(+ (+ Total Order Total) say \"hi\")"),
        ("date + timestamp", "(+ date timestamp)"),
        ("\"end\" = \"select\"", "(= end select)"),
        // CASE, CAST, functions, extract.
        ("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END", "(CASE [a 1] [b 2] ELSE 3)"),
        ("case x when 1 then 'one' end", "(CASE x [1 'one'])"),
        ("CAST(x AS decimal(12, 2))", "(CAST x decimal(12,2))"),
        ("CAST(x AS double precision)", "(CAST x float64)"),
        ("x::numeric(5)", "(CAST x decimal(5,0))"),
        ("COALESCE(a, b, 0)", "(coalesce a b 0)"),
        ("Lower(s) || UPPER(t)", "(|| (lower s) (upper t))"),
        ("run_started_at()", "(run_started_at)"),
        ("extract(year FROM ts) + EXTRACT('doy' from d)", "(+ (extract year ts) (extract doy d))"),
        ("a -- a comment\n + b", "(+ a b)"),
    ])
    func parses(text: String, tree: String) throws {
        #expect(render(try ExpressionParser.parse(ExpressionSource(text))) == tree)
    }

    @Test(arguments: [
        ("total + )", "unexpected ')'", 9),
        ("total +", "unexpected end of expression", 8),
        ("", "the expression is empty", 1),
        ("a b", "unexpected 'b'", 3),
        ("lower(s", "expected ')' after the arguments of lower, found end of expression", 8),
        ("(a + b", "expected ')' after the parenthesised expression, found end of expression", 7),
        ("'unterminated", "unterminated string", 1),
        ("\"col", "unterminated quoted name", 1),
        ("\"\" = 1", "a quoted column name cannot be empty", 1),
        ("a = 1 # 2", "unexpected character '#'", 7),
        ("\"größe\" = `x`", "unexpected character '`'", 11),
        ("12abc", "malformed number '12abc'", 1),
        ("1.2.3", "malformed number '1.2.3'", 1),
        ("1e+", "malformed number '1e+': the exponent has no digits", 1),
        ("1e999", "float literal 1e999 is out of range", 1),
        ("a < b < c", "comparisons cannot be chained; combine them with AND", 7),
        ("a IS 5", "expected NULL after IS, found '5'", 6),
        ("a BETWEEN 1 OR 2", "expected AND in BETWEEN, found 'OR'", 13),
        ("CASE END", "expected WHEN in CASE, found 'END'", 6),
        ("CASE WHEN a 1 END", "expected THEN, found '1'", 13),
        ("CASE WHEN a THEN 1", "expected WHEN, ELSE or END in CASE, found end of expression", 19),
        ("CAST(a int32)", "expected AS in CAST, found 'int32'", 8),
        ("CAST(a AS integr)", "unknown type 'integr'; use boolean, int8..int64, uint8..uint64, float32, float64, decimal(p,s) with p <= 38, "
            + "string, json, binary, uuid, date, time, timestamp or timestamptz", 11),
        ("CAST(a AS decimal(39, 2))", "unknown type 'decimal(39, 2)'; use boolean, int8..int64, uint8..uint64, float32, float64, "
            + "decimal(p,s) with p <= 38, string, json, binary, uuid, date, time, timestamp or timestamptz", 11),
        ("DATE '2023-02-29'", "invalid date '2023-02-29'; write DATE 'YYYY-MM-DD'", 1),
        ("TIMESTAMP '2024-01-01 10:00:00+02'", "a TIMESTAMP has no time zone; write TIMESTAMPTZ '2024-01-01 10:00:00+02' for an instant", 1),
        ("extract(year ts)", "expected FROM in extract, found 'ts'", 14),
        ("a AND", "unexpected end of expression", 6),
        ("x IN ()", "unexpected ')'", 7),
        ("THEN", "unexpected 'THEN'", 1),
    ])
    func reportsSyntaxErrorsWithTheirColumn(text: String, message: String, column: Int) {
        #expect(throws: SluiceError.self) { try ExpressionParser.parse(ExpressionSource(text)) }
        do {
            _ = try ExpressionParser.parse(ExpressionSource(text))
        } catch {
            #expect(error.code == .expressionSyntax)
            #expect(error.message == message)
            #expect(error.context.position == column, "\(text)")
        }
    }

    @Test func locatesErrorsInTheConfigurationFile() {
        let origin = ExpressionOrigin(file: "tables/orders.yaml", line: 14, column: 13, keyPath: "tables.orders.filter")
        do {
            _ = try ExpressionParser.parse(ExpressionSource("total > (10 + )", origin: origin))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "tables/orders.yaml:14:27: tables.orders.filter: unexpected ')' [expression_syntax]")
        }
    }

    @Test func countsCharactersNotBytesAndFollowsLineBreaks() {
        // A multi-line block scalar: continuation lines start at column 7 of the file.
        let origin = ExpressionOrigin(file: "t.yaml", line: 3, column: 7, continuationColumn: 7)
        let text = "\"größe\" > 1 AND\n  name = )"
        do {
            _ = try ExpressionParser.parse(ExpressionSource(text, origin: origin))
            Issue.record("expected an error")
        } catch {
            #expect(error.context.line == 4)
            #expect(error.context.position == 7 + 9)
        }
        let source = ExpressionSource("\"größe\" ) ", origin: ExpressionOrigin(line: 1, column: 1))
        #expect(source.position(ofOffset: Array("\"größe\" ".utf8).count) == (line: 1, column: 9))
    }

    @Test func keepsSpansOfNodes() throws {
        let source = ExpressionSource("a + lower(b)")
        let tree = try ExpressionParser.parse(source)
        guard case .binary(_, let left, let right) = tree.kind else { Issue.record("not binary"); return }
        #expect(source.excerpt(tree.span) == "a + lower(b)")
        #expect(source.excerpt(left.span) == "a")
        #expect(source.excerpt(right.span) == "lower(b)")
    }
}
