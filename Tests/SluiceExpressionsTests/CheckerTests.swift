import SluiceCore
import SluiceExpressions
import Testing

/// A table with one column of most types; `id` is the only non-nullable one.
let checkerSchema = Schema([
    Field(name: "id", type: .int64, nullable: false), Field(name: "qty", type: .int32), Field(name: "small", type: .int16),
    Field(name: "tiny", type: .int8), Field(name: "u32", type: .uint32), Field(name: "u64", type: .uint64),
    Field(name: "total", type: .decimal(precision: 12, scale: 2)), Field(name: "rate", type: .decimal(precision: 5, scale: 4)),
    Field(name: "wide", type: .decimal(precision: 38, scale: 10)), Field(name: "micro", type: .decimal(precision: 38, scale: 20)),
    Field(name: "f", type: .float64), Field(name: "f32", type: .float32), Field(name: "name", type: .string),
    Field(name: "doc", type: .json), Field(name: "raw", type: .binary), Field(name: "uid", type: .uuid), Field(name: "d", type: .date),
    Field(name: "t", type: .time), Field(name: "ts", type: .timestamp), Field(name: "tz", type: .timestampTZ),
    Field(name: "ok", type: .boolean),
])

@Suite struct CheckerTests {
    @Test(arguments: [
        // Integers: small types compute as int32, uint32 as int64, uint64 as decimal(20,0).
        ("qty + 1", "int32"), ("qty + id", "int64"), ("small + small", "int32"), ("tiny * 2", "int32"), ("u32 + 1", "int64"),
        ("u64 + 1", "decimal(21,0)"), ("qty + 3000000000", "int64"), ("qty / 2", "int32"), ("-small", "int32"),
        // Integers meet decimals at their digits (literals at their own size).
        ("qty + 12.5", "decimal(12,1)"), ("total - 1", "decimal(13,2)"), ("total * 2", "decimal(13,2)"),
        ("99999999999999999999 + 1", "decimal(21,0)"),
        // Decimals: + - scale max, * scale sum, / scale max(6, s1 + p2 + 1) shrunk to fit 38, % scale max.
        ("total + rate", "decimal(15,4)"), ("total * qty", "decimal(22,2)"), ("total * rate", "decimal(17,6)"),
        ("total / qty", "decimal(23,13)"), ("total / rate", "decimal(22,8)"), ("wide / wide", "decimal(38,6)"),
        ("total % rate", "decimal(5,4)"), ("wide + total", "decimal(38,10)"), ("-total", "decimal(12,2)"), ("12.50", "decimal(4,2)"),
        ("0.05", "decimal(2,2)"), ("micro * 1", "decimal(38,20)"),
        // Floats: an integer meets a float as float64; float32 computes as float64.
        ("qty + f", "float64"), ("f32 * 2", "float64"), ("1e3", "float64"), ("-f32", "float64"),
        // Conditions.
        ("qty = id", "boolean"), ("total > 1", "boolean"), ("d > '2024-01-01'", "boolean"), ("ts BETWEEN d AND '2024-01-01 12:00'", "boolean"),
        ("qty IN (1, 2, NULL)", "boolean"), ("name LIKE 'a%'", "boolean"), ("NOT ok OR qty IS NULL", "boolean"),
        // CASE, COALESCE, NULLIF: one common type.
        ("COALESCE(qty, id)", "int64"), ("COALESCE(total, 0)", "decimal(12,2)"), ("CASE WHEN ok THEN total ELSE rate END", "decimal(14,4)"),
        ("CASE WHEN ok THEN d ELSE ts END", "timestamp"), ("CASE WHEN ok THEN d ELSE '2024-01-01' END", "date"),
        ("CASE qty WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", "string"), ("NULLIF(qty, 0)", "int32"), ("CASE WHEN ok THEN NULL ELSE f END", "float64"),
        // Casts and functions.
        ("CAST(qty AS decimal(5,1))", "decimal(5,1)"), ("qty::string", "string"), ("CAST(NULL AS date)", "date"),
        ("lower(name)", "string"), ("length(name)", "int32"), ("length(raw)", "int32"), ("concat(name, qty, NULL, d)", "string"),
        ("name || qty", "string"), ("date_trunc('month', ts)", "timestamp"), ("date_trunc('week', d)", "timestamp"),
        ("date_trunc('day', tz)", "timestamptz"), ("extract(year FROM d)", "int32"), ("extract(second FROM ts)", "decimal(8,6)"),
        ("extract(epoch FROM tz)", "decimal(21,6)"), ("extract(hour FROM t)", "int32"), ("to_date(name)", "date"),
        ("to_timestamp(name, 'YYYY')", "timestamptz"), ("to_timestamp(id)", "timestamptz"), ("to_timestamp(total)", "timestamptz"),
        ("run_started_at()", "timestamptz"), ("regexp_replace(name, '[0-9]+', '#', 'g')", "string"),
    ])
    func infersTypes(text: String, type: String) throws {
        let expression = try CompiledExpression.compile(text, schema: checkerSchema)
        #expect(expression.type.description == type)
    }

    @Test(arguments: [
        ("id + 1", false), ("qty + 1", true), ("id IS NULL", false), ("COALESCE(qty, 0)", false), ("COALESCE(qty, total)", true),
        ("CASE WHEN ok THEN 1 END", true), ("CASE WHEN ok THEN 1 ELSE 2 END", false), ("NULLIF(id, 0)", true),
        ("concat(name, NULL)", false), ("run_started_at()", false), ("lower(name)", true), ("id IN (1, 2)", false),
        ("id IN (1, NULL)", true), ("CAST(id AS string)", false), ("12.5", false), ("NULL::int32", true),
    ])
    func infersNullability(text: String, nullable: Bool) throws {
        #expect(try CompiledExpression.compile(text, schema: checkerSchema).isNullable == nullable)
    }

    @Test func listsTheColumnsItReads() throws {
        let expression = try CompiledExpression.compile("CASE WHEN ok THEN total * qty ELSE 0 END + qty", schema: checkerSchema)
        #expect(expression.referencedColumns == ["qty", "total", "ok"])
    }

    @Test(arguments: [
        ("totl + 1", "unknown column 'totl' (did you mean 'total'?)", 1),
        ("qty + nmae", "unknown column 'nmae' (did you mean 'name'?)", 7),
        ("qty + Total", "unknown column 'Total' (did you mean 'total'?)", 7),
        ("zzzzz", "unknown column 'zzzzz'", 1),
        ("'a' + 1", "operator '+' needs numbers, not string and int32", 5),
        ("d + 1", "operator '+' needs numbers, not date and int32; date and time arithmetic is not supported (use date_trunc or extract)", 3),
        ("total + f", "operator '+' cannot mix decimal(12,2) and float64: CAST the float to a decimal or the decimal to float64", 7),
        ("total = f", "cannot compare decimal(12,2) with float64: CAST the float to a decimal or the decimal to float64", 7),
        ("f % 2", "operator '%' is not defined for floats", 3),
        ("micro * micro", "the product of decimal(38,20) and decimal(38,20) would have scale 40, more than 38; CAST an operand to a smaller scale", 7),
        ("name = 1", "cannot compare string with int32", 6),
        ("d = ts::time", "cannot compare date with time", 3),
        ("ok AND qty", "AND needs a boolean, not int32", 8),
        ("NOT name", "NOT needs a boolean, not string", 5),
        ("doc = doc", "json values cannot be compared; CAST them to string", 5),
        ("d = 'not a date'", "cannot convert to date: 'not a date' is not a valid date", 5),
        ("qty IN (1, 'x')", "cannot convert to int32: 'x' is not a valid int32", 12),
        ("qty LIKE 'a%'", "LIKE needs a string, not int32", 1),
        ("name LIKE name", "the LIKE pattern must be a string literal", 11),
        ("name LIKE 'ab\\'", "the LIKE pattern 'ab\\' ends with the escape character '\\'", 11),
        ("CASE WHEN ok THEN name ELSE qty END", "CASE mixes string and int32; CAST them to one type", 29),
        ("CASE WHEN qty THEN 1 END", "WHEN needs a boolean, not int32", 11),
        ("COALESCE(NULL, NULL)", "cannot infer the type of COALESCE from NULLs alone; write CAST(NULL AS type)", 1),
        ("NULL", "cannot infer the type of NULL; write CAST(NULL AS type)", 1),
        ("NULL + NULL", "cannot infer the type of NULL + NULL; write CAST(NULL AS type)", 1),
        ("-name", "unary '-' needs a number, not string", 1),
        ("CAST(d AS int32)", "cannot cast date to int32", 1),
        ("CAST('12x' AS int32)", "cannot convert to int32: '12x' is not a valid int32", 6),
        ("CAST(300 AS int8)", "cannot convert to int8: 300 is out of range for int8", 6),
        ("lowr(name)", "unknown function 'lowr' (did you mean 'lower'?)", 1),
        ("now()", "unknown function 'now'", 1),
        ("lower(name, 1)", "lower takes 1 argument, not 2", 1),
        ("substring(name)", "substring takes 2 to 3 arguments, not 1", 1),
        ("lower(qty)", "lower needs a string, not int32; CAST it to string", 7),
        ("substring(name, '1')", "substring needs an integer, not string", 17),
        ("regexp_replace(name, 'a', 'b', 'q')", "unknown regexp_replace flag 'q'; use g (every match) or i (ignore case)", 32),
        ("regexp_replace(name, name, 'b')", "the pattern of regexp_replace must be a string literal", 22),
        ("date_trunc('decade', ts)", "unknown date_trunc unit 'decade'; use year, quarter, month, week, day, hour, minute, second", 12),
        ("date_trunc('day', name)", "date_trunc needs a date, timestamp or timestamptz, not string", 19),
        ("extract(hour FROM d)", "extract(hour FROM ...) is not defined for date", 1),
        ("extract(dow FROM t)", "extract(dow FROM ...) is not defined for time", 1),
        ("extract(century FROM d)", "unknown extract field 'century'; use year, quarter, month, day, hour, minute, second, dow, doy, epoch", 1),
        ("to_date(name, 'YYYY-MM-DD HH24')", "a to_date format cannot have time fields; use to_timestamp", 15),
        ("to_date(name, '\"YYYY')", "the format '\"YYYY' has an unclosed double quote", 15),
        ("run_started_at(1)", "run_started_at takes 0 arguments, not 1", 1),
        ("concat(u64, f)", nil, 0),
    ] as [(String, String?, Int)])
    func reportsTypeErrorsWithTheirPosition(text: String, message: String?, position: Int) {
        let error = failure(text, on: TestBatch.make(checkerSchema.fields.map { TestColumn($0.name, $0.type, []) }))
        guard let message else {
            #expect(error == nil)
            return
        }
        #expect(error?.code == .expressionType, "\(text)")
        #expect(error?.message == message)
        #expect(error?.context.position == position, "\(text)")
    }

    @Test func reportsMalformedRegularExpressionsAtThePattern() {
        let error = failure("regexp_replace(name, 'a(b', 'x')", on: TestBatch.make([TestColumn("name", .string, [])]))
        #expect(error?.code == .expressionType)
        #expect(error?.message.hasPrefix("invalid regular expression 'a(b': ") == true)
        #expect(error?.context.position == 22)
    }

    @Test func listsTheColumnsOfASmallTableWhenNothingIsClose() {
        let error = failure("amount > 0", on: TestBatch.make([TestColumn("id", .int64, []), TestColumn("total", .int32, [])]))
        #expect(error?.message == "unknown column 'amount'; the columns are id, total")
    }

    @Test func requiresBooleanConditions() {
        #expect(throws: SluiceError.self) { try CompiledExpression.compilePredicate("qty + 1", schema: checkerSchema) }
        do {
            _ = try CompiledExpression.compilePredicate("qty + 1", schema: checkerSchema)
        } catch {
            #expect(error.message == "a condition must be boolean, not int32")
        }
        #expect(throws: Never.self) { try CompiledExpression.compilePredicate("NULL", schema: checkerSchema) }
    }

    @Test func locatesTypeErrorsInTheConfigurationFile() {
        let origin = ExpressionOrigin(file: "tables/orders.yaml", line: 14, column: 13, keyPath: "tables.orders.columns.net")
        do {
            _ = try CompiledExpression.compile("total - totl", schema: checkerSchema, origin: origin)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "tables/orders.yaml:14:21: tables.orders.columns.net: unknown column 'totl' "
                + "(did you mean 'total'?) [expression_type]")
        }
    }
}
