import Foundation
import SluiceCore
import Testing
@testable import PostgresSource

/// One PostgreSQL type with extreme values. Every value is decoded into a `string` target and compared with
/// PostgreSQL's own text output (the type's output function); the `native` values (and a NULL) are decoded into the native
/// target and compared with what PostgreSQL computes for them (`expected`).
struct TypeCase: Sendable, CustomTestStringConvertible {
    var name: String
    var sqlType: String
    /// SQL expressions, decoded natively and as text.
    var native: [String]
    /// SQL expressions decoded only as text (values the native target rejects by policy).
    var textOnly: [String] = []
    var target: DataType?
    /// A SQL expression over `v` whose text gives the expected native value (see `expectedValue`).
    var expected: String = "v::text"
    /// The expression whose text form the string target must equal: the output function by default.
    var textExpression: String = "v"
    var testDescription: String { name }
}

let typeCases: [TypeCase] = [
    TypeCase(name: "int2", sqlType: "smallint", native: ["-32768", "32767", "0", "-1"], target: .int16),
    TypeCase(name: "int4", sqlType: "integer", native: ["-2147483648", "2147483647", "0", "42"], target: .int32),
    TypeCase(name: "int8", sqlType: "bigint", native: ["-9223372036854775808", "9223372036854775807", "0", "-7"], target: .int64),
    TypeCase(name: "numeric", sqlType: "numeric(38,10)",
             native: ["0", "-0.0000000001", "1234567890123456789012345678.0123456789", "-9999999999999999999999999999.9999999999",
                      "1.5", "100", "10000", "0.0001", "12345678.9", "-0.5"],
             target: .decimal(precision: 38, scale: 10)),
    TypeCase(name: "numeric_free", sqlType: "numeric",
             native: ["0", "1e-30", "-1.000", "99999999", "0.00012300", "12345678.123456789012345678901234567891"],
             textOnly: ["123456789012345678901234567890123456.78", "1e37", "'NaN'", "'Infinity'", "'-Infinity'", "1e100", "-1.5e-100", "123.4567890123456789012345678901234567890"],
             target: .decimal(precision: 38, scale: 30), expected: "round(v, 30)::text"),
    TypeCase(name: "float4", sqlType: "real",
             native: ["3.4028235e38", "-3.4028235e38", "1.4e-45", "1.17549435e-38", "0.1", "-0", "1e6", "123456", "1e-5", "'NaN'", "'Infinity'", "'-Infinity'"],
             target: .float32),
    TypeCase(name: "float8", sqlType: "double precision",
             native: ["1.7976931348623157e308", "-1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "0.1", "-0",
                      "1e15", "1e16", "123456789012345.6", "0.0001", "0.00001", "1e21", "'NaN'", "'Infinity'", "'-Infinity'"],
             target: .float64),
    TypeCase(name: "text", sqlType: "text",
             native: ["''", "'ünïcödé 日本語 🎉'", "'quote''s \"dq\" back\\slash'", "E'tab\\tnew\\nline'", "repeat('x', 100000)"],
             target: .string),
    TypeCase(name: "varchar", sqlType: "varchar(12)", native: ["''", "'abc'", "'ünïcödé 日本'"], target: .string),
    TypeCase(name: "bpchar", sqlType: "char(5)", native: ["'ab'", "''", "'abcde'", "'ü'"], target: .string),
    TypeCase(name: "name", sqlType: "name", native: ["'pg_catalog'", "repeat('n', 63)"], target: .string),
    TypeCase(name: "char1", sqlType: "\"char\"", native: ["'a'", "''", "'\\351'"], target: .string),
    TypeCase(name: "bool", sqlType: "boolean", native: ["true", "false"], target: .boolean, textExpression: "v::text"),
    TypeCase(name: "date", sqlType: "date",
             native: ["'4713-01-01 BC'", "'5874897-12-31'", "'1969-12-31'", "'1970-01-01'", "'2000-01-01'", "'0001-01-01'",
                      "'0001-12-31 BC'", "'2024-02-29'"],
             textOnly: ["'infinity'", "'-infinity'"], target: .date, expected: "(v - DATE '1970-01-01')::text"),
    TypeCase(name: "time", sqlType: "time",
             native: ["'00:00:00'", "'23:59:59.999999'", "'24:00:00'", "'12:34:56.5'"], target: .time,
             expected: "(extract(epoch FROM v) * 1000000)::int8::text"),
    TypeCase(name: "timestamp", sqlType: "timestamp",
             native: ["'4713-01-01 00:00:00 BC'", "'1969-12-31 23:59:59.999999'", "'2000-01-01 00:00:00'", "'1970-01-01'",
                      "'2024-02-29 12:34:56.123456'", "'0044-03-15 12:00:00 BC'", "'294000-01-01 00:00:00'"],
             textOnly: ["'infinity'", "'-infinity'", "'294276-12-31 23:59:59.999999'"], target: .timestamp,
             expected: "(extract(epoch FROM v) * 1000000)::int8::text"),
    TypeCase(name: "timestamptz", sqlType: "timestamptz",
             native: ["'4713-01-01 00:00:00+00 BC'", "'1969-12-31 23:59:59.999999+00'", "'2024-06-01 12:00:00+05:30'",
                      "'2000-01-01 00:00:00.000001+00'"],
             textOnly: ["'infinity'", "'-infinity'"], target: .timestampTZ,
             expected: "(extract(epoch FROM v) * 1000000)::int8::text"),
    TypeCase(name: "interval", sqlType: "interval",
             native: ["'1 year 2 months 3 days 04:05:06.789'", "'-1 year -2 mons +3 days -04:05:06'", "'0'",
                      "'178000000 years'", "'-178000000 years'", "'1 day -00:00:00.000001'", "'-0.5 seconds'", "'25 hours'",
                      "'2147483647 days'", "'-2147483648 days'"],
             target: .string),
    TypeCase(name: "uuid", sqlType: "uuid",
             native: ["'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
                      "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"],
             target: .uuid, expected: "encode(uuid_send(v), 'hex')"),
    TypeCase(name: "json", sqlType: "json",
             native: ["'{\"a\": [1, 2.5, \"x\"]}'", "'\"str\"'", "'null'", "'[]'", "'{\"ü\":\"\\u00e9\"}'"], target: .json),
    TypeCase(name: "jsonb", sqlType: "jsonb",
             native: ["'{\"a\": [1, 2.5, \"x\"], \"b\": null}'", "'\"str\"'", "'null'", "'[]'", "'{\"ü\":\"\\u00e9\"}'"], target: .json),
    TypeCase(name: "bytea", sqlType: "bytea",
             native: ["'\\x'", "'\\x00ff10'", "decode(repeat('ab', 50000), 'hex')"], target: .binary, expected: "encode(v, 'hex')"),
    TypeCase(name: "inet", sqlType: "inet",
             native: ["'0.0.0.0'", "'255.255.255.255'", "'192.168.1.5/24'", "'::1'", "'::'", "'::ffff:1.2.3.4'", "'::1.2.3.4'",
                      "'2001:db8::1/64'", "'fe80::'", "'1:0:0:2:0:0:0:3'", "'1:2:3:4:5:6:7:8'", "'10.0.0.1/32'", "'2001:db8:0:0:1:0:0:1'"],
             target: .string),
    TypeCase(name: "cidr", sqlType: "cidr",
             native: ["'10.0.0.0/8'", "'2001:db8::/32'", "'1.2.3.4/32'", "'0.0.0.0/0'", "'::/0'", "'::ffff:1.2.3.4/128'"], target: .string),
    TypeCase(name: "int4_array", sqlType: "integer[]",
             native: ["'{1,NULL,3}'", "'{}'", "'{{1,2},{3,4}}'", "'[0:1]={7,8}'", "'{-2147483648,2147483647}'"], target: .json,
             expected: "array_to_json(v)::text"),
    TypeCase(name: "text_array", sqlType: "text[]",
             native: ["'{\"a,b\",\"q\\\"t\",NULL,\"ü\",\"\"}'", "ARRAY[E'tab\\t', E'nl\\n', E'\\x01', 'back\\slash']"], target: .json,
             expected: "array_to_json(v)::text"),
    TypeCase(name: "numeric_array", sqlType: "numeric[]", native: ["'{1.50,NaN,-3,0.001}'", "'{Infinity}'"], target: .json,
             expected: "array_to_json(v)::text"),
    TypeCase(name: "float8_array", sqlType: "float8[]", native: ["'{1.5,NaN,Infinity,-0,1e300,0.1}'"], target: .json,
             expected: "array_to_json(v)::text"),
    TypeCase(name: "bool_array", sqlType: "boolean[]", native: ["'{t,f,NULL}'"], target: .json, expected: "array_to_json(v)::text"),
    TypeCase(name: "jsonb_array", sqlType: "jsonb[]", native: ["ARRAY['{\"a\": 1}'::jsonb, '[1, 2]'::jsonb, NULL]"], target: .json,
             expected: "array_to_json(v)::text"),
    TypeCase(name: "uuid_array", sqlType: "uuid[]", native: ["ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]"], target: .json,
             expected: "array_to_json(v)::text"),
]

@Suite("Types against PostgreSQL 15")
struct TypeRoundTripTests {
    /// Creates `types_<use>_<name>(id, v)` holding the native values, a NULL, then the text-only values.
    /// Each test uses its own tables: the two tests run in parallel over the same cases.
    func prepare(_ connection: PostgresConnection, _ testCase: TypeCase, use: String = #function) throws -> String {
        let table = "types_\(use.prefix(while: { $0.isLetter }).lowercased())_\(testCase.name)"
        try connection.execute("DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (id int PRIMARY KEY, v \(testCase.sqlType))")
        var id = 0
        for value in testCase.native + ["NULL"] + testCase.textOnly {
            id += 1
            try connection.execute("INSERT INTO \(table) VALUES (\(id), \(value))")
        }
        return table
    }

    /// Arrays become JSON text, compared with array_to_json in the native test instead.
    @Test(arguments: typeCases.filter { !$0.sqlType.hasSuffix("[]") })
    func textFormMatchesPostgres(_ testCase: TypeCase) throws {
        let connection = try TestDatabase.connect()
        let table = try prepare(connection, testCase)
        let columns = try PostgresCatalog(connection).describe(PostgresTableName(name: table), columns: ["v"])
        let batches = try TestDatabase.decode(connection, "SELECT v FROM \(table) ORDER BY id", columns: columns.map(\.sourceColumn),
                                              targets: [.string])
        // Text-format results are the type's output function (bpchar keeps its padding, inet omits /32).
        let expected = try connection.query("SELECT \(testCase.textExpression) FROM \(table) ORDER BY id").map { $0[0] }
        let actual = texts(batches)
        #expect(actual.count == expected.count)
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            #expect(a == e, "\(testCase.name) row \(i + 1)")
        }
    }

    @Test(arguments: typeCases.filter { $0.target != nil && $0.target != .string })
    func nativeValuesMatchPostgres(_ testCase: TypeCase) throws {
        let connection = try TestDatabase.connect()
        let table = try prepare(connection, testCase)
        let target = try #require(testCase.target)
        let columns = try PostgresCatalog(connection).describe(PostgresTableName(name: table), columns: ["v"])
        let count = testCase.native.count + 1
        let batches = try TestDatabase.decode(connection, "SELECT v FROM \(table) WHERE id <= \(count) ORDER BY id",
                                              columns: columns.map(\.sourceColumn), targets: [target])
        let expected = try connection.query("SELECT \(testCase.expected) FROM \(table) WHERE id <= \(count) ORDER BY id").map { $0[0] }
        let values = batches.flatMap { b in (0..<b.rowCount).map { b.value(row: $0, column: 0) } }
        #expect(values.count == count)
        for (i, (value, text)) in zip(values, expected).enumerated() {
            #expect(matches(value, text, target), "\(testCase.name) row \(i + 1): decoded \(value), PostgreSQL says \(text ?? "NULL")")
        }
    }

    func matches(_ value: Value, _ text: String?, _ target: DataType) -> Bool {
        guard let text else { return value == .null }
        switch (value, target) {
        case (.int(let v), _): return String(v) == text
        case (.decimal(let unscaled, let scale), _): return DecimalText.format(unscaled: unscaled, scale: scale) == text
        case (.double(let v), _):
            guard let e = Double(text) else { return false }
            return v.isNaN ? e.isNaN : v.bitPattern == e.bitPattern
        case (.float(let v), _):
            guard let e = Float(text) else { return false }
            return v.isNaN ? e.isNaN : v.bitPattern == e.bitPattern
        case (.boolean(let v), _): return (v ? "true" : "false") == text
        case (.string(let v), _): return v == text
        case (.bytes(let v), _): return Hex.encode(v) == text
        default: return false
        }
    }
}
