public import SluiceCore

/// Turns an expression's text into an ``ExpressionSyntax`` tree: a hand-written lexer (``ExpressionLexer``) and a
/// recursive-descent parser that climbs operator precedence (Pratt).
///
/// Precedence, loosest first: `OR`; `AND`; `NOT`; comparisons, `IS [NOT] NULL`, `[NOT] IN`, `[NOT] BETWEEN`,
/// `[NOT] LIKE`; `||`; `+ -`; `* / %`; unary `-`; `::type`. Comparisons do not chain (`a < b < c` is an error);
/// the other operators associate to the left.
///
/// Errors are ``SluiceError``s with code ``SluiceError/Code/expressionSyntax`` located at the offending token:
/// `tables/orders.yaml:14:22: tables.orders.filter: unexpected ')'`.
public struct ExpressionParser {
    /// Words that cannot be bare column names (quote them: `"end"`).
    static let reservedWords: Set<String> = [
        "AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST",
        "AS", "TRUE", "FALSE",
    ]

    private let source: ExpressionSource
    private let tokens: [Token]
    private var index = 0

    private init(source: ExpressionSource, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    /// Parses the whole text as one expression.
    public static func parse(_ source: ExpressionSource) throws(SluiceError) -> ExpressionSyntax {
        let tokens = try ExpressionLexer(source).tokens()
        var parser = ExpressionParser(source: source, tokens: tokens)
        if parser.current.kind == .end {
            throw source.error(.expressionSyntax, "the expression is empty", at: parser.current.span)
        }
        let expression = try parser.expression(above: Level.none)
        guard parser.current.kind == .end else { throw parser.unexpected() }
        return expression
    }

    /// Binding levels: an operator is taken when its level is above the level being parsed.
    private enum Level {
        static let none = 0, or = 1, and = 2, not = 3, comparison = 4, concatenate = 5, additive = 6,
                    multiplicative = 7, unary = 8, cast = 9
    }

    private var current: Token { tokens[index] }

    private func peek(_ offset: Int = 1) -> Token {
        tokens[min(index + offset, tokens.count - 1)]
    }

    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    // MARK: - Operators

    private mutating func expression(above level: Int) throws(SluiceError) -> ExpressionSyntax {
        var left = try prefix()
        var lastWasComparison = false
        while true {
            let token = current
            let operatorLevel: Int
            if token.isKeyword("OR") {
                operatorLevel = Level.or
            } else if token.isKeyword("AND") {
                operatorLevel = Level.and
            } else if let comparison = Self.comparison(token) {
                guard Level.comparison > level else { return left }
                if lastWasComparison {
                    throw source.error(.expressionSyntax, "comparisons cannot be chained; combine them with AND", at: token.span)
                }
                _ = advance()
                let right = try expression(above: Level.comparison)
                left = ExpressionSyntax(.binary(comparison, left, right), span: left.span.lowerBound..<right.span.upperBound)
                lastWasComparison = true
                continue
            } else if token.isKeyword("IS") || token.isKeyword("IN") || token.isKeyword("BETWEEN") || token.isKeyword("LIKE")
                        || (token.isKeyword("NOT") && (peek().isKeyword("IN") || peek().isKeyword("BETWEEN") || peek().isKeyword("LIKE"))) {
                guard Level.comparison > level else { return left }
                left = try predicate(left)
                lastWasComparison = false
                continue
            } else if token.isSymbol(.concatenate) {
                operatorLevel = Level.concatenate
            } else if token.isSymbol(.plus) || token.isSymbol(.minus) {
                operatorLevel = Level.additive
            } else if token.isSymbol(.star) || token.isSymbol(.slash) || token.isSymbol(.percent) {
                operatorLevel = Level.multiplicative
            } else if token.isSymbol(.doubleColon) {
                guard Level.cast > level else { return left }
                _ = advance()
                let (type, typeSpan) = try typeName()
                left = ExpressionSyntax(.cast(left, type), span: left.span.lowerBound..<typeSpan.upperBound)
                lastWasComparison = false
                continue
            } else {
                return left
            }
            guard operatorLevel > level else { return left }
            _ = advance()
            lastWasComparison = false
            let right = try expression(above: operatorLevel)
            left = ExpressionSyntax(.binary(Self.binaryOperator(token), left, right),
                                    span: left.span.lowerBound..<right.span.upperBound)
        }
    }

    private static func comparison(_ token: Token) -> BinaryOperator? {
        guard case .symbol(let symbol) = token.kind else { return nil }
        switch symbol {
        case .equal: return .equal
        case .notEqual, .bangEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessOrEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterOrEqual
        default: return nil
        }
    }

    private static func binaryOperator(_ token: Token) -> BinaryOperator {
        if token.isKeyword("OR") { return .or }
        if token.isKeyword("AND") { return .and }
        switch token.kind {
        case .symbol(.concatenate): return .concatenate
        case .symbol(.plus): return .add
        case .symbol(.minus): return .subtract
        case .symbol(.star): return .multiply
        case .symbol(.slash): return .divide
        default: return .remainder
        }
    }

    /// `IS [NOT] NULL`, `[NOT] IN (...)`, `[NOT] BETWEEN a AND b`, `[NOT] LIKE pattern` after `subject`.
    private mutating func predicate(_ subject: ExpressionSyntax) throws(SluiceError) -> ExpressionSyntax {
        if current.isKeyword("IS") {
            _ = advance()
            let negated = current.isKeyword("NOT")
            if negated { _ = advance() }
            guard current.isKeyword("NULL") else {
                throw source.error(.expressionSyntax, "expected NULL after IS\(negated ? " NOT" : ""), found \(current.quoted)",
                                   at: current.span)
            }
            let end = advance().span.upperBound
            return ExpressionSyntax(.isNull(subject, negated: negated), span: subject.span.lowerBound..<end)
        }
        let negated = current.isKeyword("NOT")
        if negated { _ = advance() }
        let keyword = advance()
        if keyword.isKeyword("IN") {
            try expect(.leftParen, after: "IN")
            var items: [ExpressionSyntax] = []
            repeat {
                items.append(try expression(above: Level.none))
            } while try consumeComma()
            let end = try expect(.rightParen, after: "the IN list")
            return ExpressionSyntax(.inList(subject, items, negated: negated), span: subject.span.lowerBound..<end)
        }
        if keyword.isKeyword("BETWEEN") {
            let low = try expression(above: Level.comparison)
            guard current.isKeyword("AND") else {
                throw source.error(.expressionSyntax, "expected AND in BETWEEN, found \(current.quoted)", at: current.span)
            }
            _ = advance()
            let high = try expression(above: Level.comparison)
            return ExpressionSyntax(.between(subject, low: low, high: high, negated: negated),
                                    span: subject.span.lowerBound..<high.span.upperBound)
        }
        let pattern = try expression(above: Level.comparison)
        return ExpressionSyntax(.like(subject, pattern: pattern, negated: negated), span: subject.span.lowerBound..<pattern.span.upperBound)
    }

    // MARK: - Operands

    private mutating func prefix() throws(SluiceError) -> ExpressionSyntax {
        let token = current
        switch token.kind {
        case .integer(let digits):
            _ = advance()
            return ExpressionSyntax(.literal(.integer(digits)), span: token.span)
        case .decimal(let digits):
            _ = advance()
            return ExpressionSyntax(.literal(.decimal(digits)), span: token.span)
        case .float(let text):
            _ = advance()
            guard let value = Double(text), value.isFinite else {
                throw source.error(.expressionSyntax, "float literal \(text) is out of range", at: token.span)
            }
            return ExpressionSyntax(.literal(.float(value)), span: token.span)
        case .string(let text):
            _ = advance()
            return ExpressionSyntax(.literal(.string(text)), span: token.span)
        case .quotedIdentifier(let name):
            _ = advance()
            return ExpressionSyntax(.column(name), span: token.span)
        case .symbol(.minus):
            _ = advance()
            let operand = try expression(above: Level.multiplicative)
            let span = token.span.lowerBound..<operand.span.upperBound
            // Fold the sign into a number so that `-2147483648` is one int32 literal.
            switch operand.kind {
            case .literal(.integer(let digits)) where !digits.hasPrefix("-"):
                return ExpressionSyntax(.literal(.integer("-" + digits)), span: span)
            case .literal(.decimal(let digits)) where !digits.hasPrefix("-"):
                return ExpressionSyntax(.literal(.decimal("-" + digits)), span: span)
            case .literal(.float(let value)):
                return ExpressionSyntax(.literal(.float(-value)), span: span)
            default:
                return ExpressionSyntax(.negate(operand), span: span)
            }
        case .symbol(.plus):
            _ = advance()
            return try expression(above: Level.multiplicative)
        case .symbol(.leftParen):
            _ = advance()
            let inner = try expression(above: Level.none)
            let end = try expect(.rightParen, after: "the parenthesised expression")
            return ExpressionSyntax(inner.kind, span: token.span.lowerBound..<end)
        case .identifier(let word):
            return try wordOrCall(word, token)
        case .symbol, .end:
            throw unexpected()
        }
    }

    private mutating func wordOrCall(_ word: String, _ token: Token) throws(SluiceError) -> ExpressionSyntax {
        let upper = word.uppercased()
        switch upper {
        case "NULL", "TRUE", "FALSE":
            _ = advance()
            let literal: ExpressionSyntax.Literal = upper == "NULL" ? .null : .boolean(upper == "TRUE")
            return ExpressionSyntax(.literal(literal), span: token.span)
        case "NOT":
            _ = advance()
            let operand = try expression(above: Level.not)
            return ExpressionSyntax(.not(operand), span: token.span.lowerBound..<operand.span.upperBound)
        case "CASE":
            return try caseExpression()
        case "CAST":
            _ = advance()
            try expect(.leftParen, after: "CAST")
            let value = try expression(above: Level.none)
            guard current.isKeyword("AS") else {
                throw source.error(.expressionSyntax, "expected AS in CAST, found \(current.quoted)", at: current.span)
            }
            _ = advance()
            let (type, _) = try typeName()
            let end = try expect(.rightParen, after: "CAST")
            return ExpressionSyntax(.cast(value, type), span: token.span.lowerBound..<end)
        case "DATE", "TIMESTAMP", "TIMESTAMPTZ":
            if case .string(let text) = peek().kind {
                _ = advance()
                let literalToken = advance()
                return try typedLiteral(upper, text, span: token.span.lowerBound..<literalToken.span.upperBound)
            }
        case "EXTRACT":
            if peek().isSymbol(.leftParen) { return try extract() }
        default:
            break
        }
        if Self.reservedWords.contains(upper) { throw unexpected() }
        _ = advance()
        guard current.isSymbol(.leftParen) else {
            return ExpressionSyntax(.column(word), span: token.span)
        }
        _ = advance()
        var arguments: [ExpressionSyntax] = []
        if !current.isSymbol(.rightParen) {
            repeat {
                arguments.append(try expression(above: Level.none))
            } while try consumeComma()
        }
        let end = try expect(.rightParen, after: "the arguments of \(word)")
        return ExpressionSyntax(.call(name: word.lowercased(), arguments: arguments), span: token.span.lowerBound..<end)
    }

    private mutating func caseExpression() throws(SluiceError) -> ExpressionSyntax {
        let start = advance().span.lowerBound
        let operand = current.isKeyword("WHEN") || current.isKeyword("END") || current.isKeyword("ELSE")
            ? nil : try expression(above: Level.none)
        var branches: [ExpressionSyntax.WhenClause] = []
        while current.isKeyword("WHEN") {
            _ = advance()
            let condition = try expression(above: Level.none)
            guard current.isKeyword("THEN") else {
                throw source.error(.expressionSyntax, "expected THEN, found \(current.quoted)", at: current.span)
            }
            _ = advance()
            branches.append(.init(condition: condition, result: try expression(above: Level.none)))
        }
        guard !branches.isEmpty else {
            throw source.error(.expressionSyntax, "expected WHEN in CASE, found \(current.quoted)", at: current.span)
        }
        var otherwise: ExpressionSyntax?
        if current.isKeyword("ELSE") {
            _ = advance()
            otherwise = try expression(above: Level.none)
        }
        guard current.isKeyword("END") else {
            throw source.error(.expressionSyntax, "expected \(otherwise == nil ? "WHEN, ELSE or END" : "END") in CASE, found \(current.quoted)",
                               at: current.span)
        }
        let end = advance().span.upperBound
        return ExpressionSyntax(.caseWhen(operand: operand, branches: branches, otherwise: otherwise), span: start..<end)
    }

    private mutating func extract() throws(SluiceError) -> ExpressionSyntax {
        let start = advance().span.lowerBound
        _ = advance()
        let fieldToken = advance()
        let field: String
        switch fieldToken.kind {
        case .identifier(let word): field = word.lowercased()
        case .string(let text): field = text.lowercased()
        default:
            throw source.error(.expressionSyntax, "expected a field name in extract, found \(fieldToken.quoted)", at: fieldToken.span)
        }
        guard current.isKeyword("FROM") else {
            throw source.error(.expressionSyntax, "expected FROM in extract, found \(current.quoted)", at: current.span)
        }
        _ = advance()
        let value = try expression(above: Level.none)
        let end = try expect(.rightParen, after: "extract")
        return ExpressionSyntax(.extract(field: field, from: value), span: start..<end)
    }

    private func typedLiteral(_ keyword: String, _ text: String, span: Range<Int>) throws(SluiceError) -> ExpressionSyntax {
        let trimmed = text.trimmingSpaces
        switch keyword {
        case "DATE":
            guard let days = ISOTime.parseDate(trimmed) else {
                throw source.error(.expressionSyntax, "invalid date '\(text)'; write DATE 'YYYY-MM-DD'", at: span)
            }
            return ExpressionSyntax(.literal(.date(days)), span: span)
        case "TIMESTAMP":
            guard let parsed = ISOTime.parseTimestamp(trimmed) else {
                throw source.error(.expressionSyntax, "invalid timestamp '\(text)'; write TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]'", at: span)
            }
            guard !parsed.hasZone else {
                throw source.error(.expressionSyntax, "a TIMESTAMP has no time zone; write TIMESTAMPTZ '\(text)' for an instant", at: span)
            }
            return ExpressionSyntax(.literal(.timestamp(parsed.microseconds)), span: span)
        default:
            guard let parsed = ISOTime.parseTimestamp(trimmed) else {
                throw source.error(.expressionSyntax, "invalid timestamp '\(text)'; write TIMESTAMPTZ 'YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM]'",
                                   at: span)
            }
            return ExpressionSyntax(.literal(.timestampTZ(parsed.microseconds)), span: span)
        }
    }

    /// A type name as ``DataType/init(parsing:)`` reads it: `int64`, `decimal(12, 2)`, `double precision`.
    private mutating func typeName() throws(SluiceError) -> (DataType, Range<Int>) {
        let first = advance()
        guard case .identifier(var text) = first.kind else {
            throw source.error(.expressionSyntax, "expected a type name, found \(first.quoted)", at: first.span)
        }
        var end = first.span.upperBound
        if text.lowercased() == "double", current.isKeyword("PRECISION") {
            text += " precision"
            end = advance().span.upperBound
        }
        if current.isSymbol(.leftParen) {
            _ = advance()
            var arguments: [String] = []
            repeat {
                let argument = advance()
                guard case .integer(let digits) = argument.kind else {
                    throw source.error(.expressionSyntax, "expected a number in the type's arguments, found \(argument.quoted)",
                                       at: argument.span)
                }
                arguments.append(digits)
            } while try consumeComma()
            end = try expect(.rightParen, after: "the type's arguments")
            text += "(" + arguments.joined(separator: ",") + ")"
        }
        guard let type = DataType(parsing: text) else {
            throw source.error(.expressionSyntax,
                               "unknown type '\(source.excerpt(first.span.lowerBound..<end))'; use boolean, int8..int64, uint8..uint64, "
                               + "float32, float64, decimal(p,s) with p <= 38, string, json, binary, uuid, date, time, timestamp or timestamptz",
                               at: first.span.lowerBound..<end)
        }
        return (type, first.span.lowerBound..<end)
    }

    // MARK: - Helpers

    private mutating func consumeComma() throws(SluiceError) -> Bool {
        guard current.isSymbol(.comma) else { return false }
        _ = advance()
        return true
    }

    /// Consumes `symbol` and returns the end offset of it, or throws naming what was found instead.
    @discardableResult
    private mutating func expect(_ symbol: Token.Symbol, after what: String) throws(SluiceError) -> Int {
        guard current.isSymbol(symbol) else {
            throw source.error(.expressionSyntax, "expected '\(symbol.rawValue)' after \(what), found \(current.quoted)",
                               at: current.span)
        }
        return advance().span.upperBound
    }

    private func unexpected() -> SluiceError {
        if current.kind == .end {
            return source.error(.expressionSyntax, "unexpected end of expression", at: current.span)
        }
        return source.error(.expressionSyntax, "unexpected \(current.quoted)", at: current.span)
    }
}
