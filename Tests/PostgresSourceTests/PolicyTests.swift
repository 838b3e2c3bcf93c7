import SluiceCore
import Testing
@testable import PostgresSource

@Suite("Conversion policies and run-time value errors", .serialized)
struct PolicyTests {
    let connection: PostgresConnection

    init() throws {
        connection = try TestDatabase.connect()
    }

    func columns(_ sql: String) throws -> [SourceColumn] {
        // Describe the query's columns the way the catalogue would, from a throwaway view.
        let view = "policy_view_\(abs(sql.hashValue))"
        try connection.execute("CREATE OR REPLACE VIEW \(view) AS \(sql)")
        defer { try? connection.execute("DROP VIEW IF EXISTS \(view)") }
        return try PostgresCatalog(connection).describe(PostgresTableName(name: view)).map(\.sourceColumn)
    }

    func decodeError(_ sql: String, _ targets: [DataType], nullable: Bool = true,
                     options: CopyDecodeOptions = CopyDecodeOptions(table: "public.policy")) throws -> SluiceError {
        let cols = try columns(sql)
        return try #require(throws: SluiceError.self) {
            _ = try TestDatabase.decode(connection, sql, columns: cols, targets: targets, nullable: nullable, options: options)
        }
    }

    @Test func infiniteTimestampIsRejectedByDefault() throws {
        let sql = "SELECT * FROM (VALUES (1, '2024-01-01'::timestamp), (2, 'infinity'::timestamp)) AS t(id, ts)"
        let error = try decodeError(sql, [.int32, .timestamp])
        #expect(error.code == .invalidValue)
        #expect(error.context == ErrorContext(table: "public.policy", column: "ts", row: 2))
        #expect(error.message.contains("infinity"))
    }

    @Test func infiniteDatesBecomeNullAndAreCountedWhenAsked() throws {
        let sql = "SELECT * FROM (VALUES ('-infinity'::date, 'infinity'::timestamptz), ('2024-01-02'::date, NULL)) AS t(d, ts)"
        let cols = try columns(sql)
        let schema = Schema([Field(name: "d", type: .date), Field(name: "ts", type: .timestampTZ)])
        var decoder = try CopyBinaryDecoder(columns: cols, schema: schema, options: CopyDecodeOptions(infiniteDates: .null))
        var batches: [RecordBatch] = []
        try decoder.feed(try TestDatabase.copyBytes(connection, sql)) { batches.append($0) }
        if let last = try decoder.finish() { batches.append(last) }
        #expect(texts(batches, column: 0) == [nil, "2024-01-02"])
        #expect(texts(batches, column: 1) == [nil, nil])
        #expect(decoder.nulledValues == ["d": 1, "ts": 1])  // the source NULL is not counted
    }

    @Test func numericNaNIsRejectedByDefaultAndNullWhenAsked() throws {
        let sql = "SELECT * FROM (VALUES ('1.25'::numeric), ('NaN'), ('-Infinity')) AS t(amount)"
        let error = try decodeError(sql, [.decimal(precision: 10, scale: 2)])
        #expect(error.context.row == 2)
        #expect(error.context.column == "amount")
        let batches = try TestDatabase.decode(connection, sql, columns: try columns(sql), targets: [.decimal(precision: 10, scale: 2)],
                                              options: CopyDecodeOptions(numericSpecials: .null))
        #expect(texts(batches) == ["1.25", nil, nil])
    }

    @Test func numericSpecialsReachFloatTargetsExactly() throws {
        let sql = "SELECT * FROM (VALUES ('NaN'::numeric), ('Infinity'), ('-Infinity'), ('0.1')) AS t(x)"
        let batches = try TestDatabase.decode(connection, sql, columns: try columns(sql), targets: [.float64])
        guard case .float64(let values) = batches[0].columns[0].values else { Issue.record("not float64"); return }
        #expect(values[0].isNaN && values[1] == .infinity && values[2] == -.infinity && values[3] == 0.1)
    }

    @Test func tooManyFractionalDigitsNamesColumnAndRow() throws {
        let sql = "SELECT * FROM (VALUES (1, 1.10::numeric), (2, 1.234)) AS t(id, price)"
        let error = try decodeError(sql, [.int32, .decimal(precision: 10, scale: 2)])
        #expect(error.code == .invalidValue)
        #expect(error.context == ErrorContext(table: "public.policy", column: "price", row: 2))
        #expect(error.message.contains("1.234"))
    }

    @Test func decimalPrecisionOverflowIsAnError() throws {
        let sql = "SELECT * FROM (VALUES (99999999.99::numeric), (100000000.00)) AS t(price)"
        let error = try decodeError(sql, [.decimal(precision: 10, scale: 2)])
        #expect(error.context.row == 2)
        #expect(error.message.contains("out of range"))
    }

    @Test func numericWithMoreThan38DigitsIsAnErrorNotACrash() throws {
        let sql = "SELECT * FROM (VALUES (1e40::numeric), (-123456789012345678901234567890123456789::numeric)) AS t(x)"
        let error = try decodeError(sql, [.decimal(precision: 38, scale: 0)])
        #expect(error.context.row == 1)
    }

    @Test func integerNarrowingIsRangeChecked() throws {
        let sql = "SELECT * FROM (VALUES (2147483647::int8), (2147483648::int8)) AS t(n)"
        let error = try decodeError(sql, [.int32])
        #expect(error.context == ErrorContext(table: "public.policy", column: "n", row: 2))
        let negative = try decodeError("SELECT * FROM (VALUES (-1::int4)) AS t(n)", [.uint32])
        #expect(negative.context.row == 1)
    }

    @Test func numericIntoIntegerMustBeWhole() throws {
        let ok = "SELECT * FROM (VALUES (42.000::numeric), (-9223372036854775808)) AS t(n)"
        let batches = try TestDatabase.decode(connection, ok, columns: try columns(ok), targets: [.int64])
        #expect(texts(batches) == ["42", "-9223372036854775808"])
        let error = try decodeError("SELECT * FROM (VALUES (1.5::numeric)) AS t(n)", [.int64])
        #expect(error.context.row == 1)
    }

    @Test func nullIntoNonNullableField() throws {
        let sql = "SELECT * FROM (VALUES (1), (NULL::int)) AS t(n)"
        let error = try decodeError(sql, [.int32], nullable: false)
        #expect(error.context == ErrorContext(table: "public.policy", column: "n", row: 2))
    }

    @Test func timestampBeyondYear292277IsAnErrorForNativeTargets() throws {
        let sql = "SELECT * FROM (VALUES ('294276-12-31 23:59:59.999999'::timestamp)) AS t(ts)"
        let error = try decodeError(sql, [.timestamp])
        #expect(error.message.contains("out of range"))
    }

    @Test func dateIntoTimestampIsMidnight() throws {
        let sql = "SELECT * FROM (VALUES ('2024-01-02'::date), ('1969-12-31')) AS t(d)"
        let batches = try TestDatabase.decode(connection, sql, columns: try columns(sql), targets: [.timestampTZ])
        #expect(texts(batches) == ["2024-01-02 00:00:00.000000Z", "1969-12-31 00:00:00.000000Z"])
    }

    @Test func enumsAndEnumArraysAreReadAsText() throws {
        try connection.execute("""
            DROP TABLE IF EXISTS policy_enum; DROP TYPE IF EXISTS policy_mood;
            CREATE TYPE policy_mood AS ENUM ('sad', 'ok', 'happy ünï');
            CREATE TABLE policy_enum (id int, m policy_mood, ms policy_mood[]);
            INSERT INTO policy_enum VALUES (1, 'happy ünï', '{sad,ok}'), (2, NULL, '{}'), (3, 'sad', NULL);
            """)
        let table = PostgresTableName(name: "policy_enum")
        let cols = try PostgresCatalog(connection).describe(table, columns: ["m", "ms"])
        #expect(cols[0].kind == .enumeration)
        #expect(cols[1].selectCast == "text[]")
        let query = try PostgresQuery(table: table, columns: cols).sql() + " ORDER BY id"
        let batches = try TestDatabase.decode(connection, query, columns: cols.map(\.sourceColumn), targets: [.string, .json])
        #expect(texts(batches, column: 0) == ["happy ünï", nil, "sad"])
        #expect(texts(batches, column: 1) == ["[\"sad\",\"ok\"]", "[]", nil])
    }

    @Test func compositeColumnsAreRejectedBeforeTheRunNamingTableAndColumn() throws {
        try connection.execute("""
            DROP TABLE IF EXISTS policy_composite; DROP TYPE IF EXISTS policy_pair;
            CREATE TYPE policy_pair AS (a int, b text);
            CREATE TABLE policy_composite (id int, p policy_pair, r int4range, ps policy_pair[]);
            """)
        let cols = try PostgresCatalog(connection).describe(PostgresTableName(name: "policy_composite"))
        #expect(cols[1].kind == .composite)
        for index in [1, 2, 3] {
            let error = try #require(throws: SluiceError.self) {
                _ = try CopyBinaryDecoder.validate(columns: [cols[index].sourceColumn],
                                                   schema: Schema([Field(name: cols[index].name, type: .string)]), table: "public.policy_composite")
            }
            #expect(error.code == .postgresUnsupportedConversion)
            #expect(error.context.table == "public.policy_composite")
            #expect(error.context.column == cols[index].name)
        }
    }

    @Test func domainsAreReadAsTheirBaseType() throws {
        try connection.execute("""
            DROP TABLE IF EXISTS policy_domain; DROP DOMAIN IF EXISTS policy_price;
            CREATE DOMAIN policy_price AS numeric(12,2) CHECK (VALUE >= 0);
            CREATE TABLE policy_domain (p policy_price); INSERT INTO policy_domain VALUES (12.5), (NULL);
            """)
        let cols = try PostgresCatalog(connection).describe(PostgresTableName(name: "policy_domain"))
        #expect(cols[0].kind == .domain)
        #expect(cols[0].suggestedTarget == .decimal(precision: 12, scale: 2))
        let batches = try TestDatabase.decode(connection, "SELECT p FROM policy_domain", columns: cols.map(\.sourceColumn),
                                              targets: [.decimal(precision: 12, scale: 2)])
        #expect(texts(batches) == ["12.50", nil])
    }
}
