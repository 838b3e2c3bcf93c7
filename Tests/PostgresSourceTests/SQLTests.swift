import SluiceCore
import Testing
@testable import PostgresSource

@Suite("SQL quoting, literals and query building")
struct SQLTests {
    @Test func identifiersAreAlwaysQuoted() {
        #expect(SQL.quoteIdentifier("id") == "\"id\"")
        #expect(SQL.quoteIdentifier("Mixed Case") == "\"Mixed Case\"")
        #expect(SQL.quoteIdentifier("we\"ird") == "\"we\"\"ird\"")
        #expect(SQL.quoteIdentifier("select") == "\"select\"")
    }

    @Test func literalsDoubleQuotesAndRefuseNUL() throws {
        #expect(try SQL.quoteLiteral("it's") == "'it''s'")
        #expect(try SQL.quoteLiteral("back\\slash") == "'back\\slash'")
        #expect(throws: SluiceError.self) { _ = try SQL.quoteLiteral("a\u{0}b") }
    }

    @Test(arguments: [
        ("orders", nil, "orders"), ("public.orders", "public", "orders"), ("\"My Schema\".\"Order.Items\"", "My Schema", "Order.Items"),
        ("\"we\"\"ird\"", nil, "we\"ird"), ("Orders", nil, "Orders"),
    ] as [(String, String?, String)])
    func tableNamesParse(_ text: String, _ schema: String?, _ name: String) throws {
        let table = try PostgresTableName(parsing: text)
        #expect(table.schema == schema)
        #expect(table.name == name)
    }

    @Test(arguments: ["", ".", "a.", ".a", "a.b.c", "\"open", "a b", "\"x\"y"])
    func badTableNamesAreRejected(_ text: String) {
        #expect(throws: SluiceError.self) { _ = try PostgresTableName(parsing: text) }
    }

    @Test func quotedTableName() throws {
        #expect(try PostgresTableName(parsing: "public.orders").quoted == "\"public\".\"orders\"")
        #expect(PostgresTableName(name: "a\"b").quoted == "\"a\"\"b\"")
    }

    @Test func typedLiteralsRender() throws {
        #expect(try PostgresLiteral.integer(-9_223_372_036_854_775_808).sql() == "'-9223372036854775808'::bigint")
        #expect(try PostgresLiteral.integer(42).sql() == "42")
        #expect(try PostgresLiteral.integer(-2_147_483_648).sql() == "(-2147483648)")
        #expect(try PostgresLiteral.integer(2_147_483_648).sql() == "'2147483648'::bigint")
        #expect(try PostgresLiteral.date(0).sql() == "'1970-01-01'::date")
        #expect(try PostgresLiteral.date(CivilTime.days(year: 0, month: 12, day: 31)).sql() == "'0001-12-31 BC'::date")
        #expect(try PostgresLiteral.timestamp(1_704_067_200_123_456).sql() == "'2024-01-01 00:00:00.123456'::timestamp")
        #expect(try PostgresLiteral.timestamp(-1).sql() == "'1969-12-31 23:59:59.999999'::timestamp")
        #expect(try PostgresLiteral.timestampTZ(0).sql() == "'1970-01-01 00:00:00+00'::timestamptz")
        #expect(try PostgresLiteral.timestamp(-62_135_596_800_000_000 - 86_400_000_000).sql() == "'0001-12-31 00:00:00 BC'::timestamp")
        #expect(try PostgresLiteral.numeric("-12.50").sql() == "'-12.50'::numeric")
        #expect(throws: SluiceError.self) { _ = try PostgresLiteral.numeric("1; DROP TABLE x").sql() }
        #expect(throws: SluiceError.self) { _ = try PostgresLiteral.numeric("1e5").sql() }
        #expect(try PostgresLiteral.text("O'Brien").sql() == "'O''Brien'")
        #expect(try PostgresLiteral.tid(block: 10, offset: 0).sql() == "'(10,0)'::tid")
    }

    @Test func predicatesRender() throws {
        #expect(try PostgresPredicate.range(column: "id", lower: .integer(10), upper: .integer(20), includeNulls: false).render()
                == "\"id\" >= 10 AND \"id\" < 20")
        #expect(try PostgresPredicate.range(column: "id", lower: nil, upper: .integer(20), includeNulls: true).render()
                == "(\"id\" < 20) OR \"id\" IS NULL")
        #expect(try PostgresPredicate.range(column: "id", lower: nil, upper: nil, includeNulls: true).render() == nil)
        #expect(try PostgresPredicate.cursorWindow(column: "updated_at", after: .timestamp(0), upTo: .timestamp(1_000_000)).render()
                == "\"updated_at\" > '1970-01-01 00:00:00'::timestamp AND \"updated_at\" <= '1970-01-01 00:00:01'::timestamp")
        #expect(try PostgresPredicate.blocks(fromBlock: 0, toBlock: 128).render() == "ctid < '(128,0)'::tid")
        #expect(try PostgresPredicate.blocks(fromBlock: 128, toBlock: nil).render() == "ctid >= '(128,0)'::tid")
        #expect(try PostgresPredicate.sql("  deleted_at IS NULL ").render() == "deleted_at IS NULL")
    }

    @Test func queryCombinesEverything() throws {
        let columns = [
            PostgresColumn(name: "id", typeOID: PostgresTypeOID.int8, typeName: "bigint"),
            PostgresColumn(name: "tags", typeOID: 16_500, typeName: "mood[]", selectCast: "text[]"),
        ]
        let query = PostgresQuery(table: PostgresTableName(schema: "public", name: "orders"), columns: columns, predicates: [
            .range(column: "id", lower: .integer(0), upper: .integer(100), includeNulls: false),
            .cursorWindow(column: "id", after: .integer(5), upTo: nil),
            .sql("status <> 'x' OR status IS NULL"),
        ])
        #expect(try query.sql() == "SELECT \"id\", \"tags\"::text[] AS \"tags\" FROM \"public\".\"orders\" WHERE "
                + "(\"id\" >= 0 AND \"id\" < 100) AND (\"id\" > 5) AND (status <> 'x' OR status IS NULL)")
        let plain = PostgresQuery(table: PostgresTableName(name: "t"), columns: [columns[0]])
        #expect(try plain.sql() == "SELECT \"id\" FROM \"t\"")
        let spec = try plain.readSpec(snapshot: "00000003-0000001B-1", cursorColumn: "id")
        #expect(spec.query == "SELECT \"id\" FROM \"t\"" && spec.snapshot == "00000003-0000001B-1" && spec.columns.count == 1)
        #expect(spec.cursorColumn == "id")
        // A computed column (the soft-delete flag) comes last, from trusted configuration SQL.
        var flagged = plain
        flagged.computed = [.init(expression: "deleted_at IS NOT NULL", column: SourceColumn(name: "_sluice_deleted", typeOID: 16, typeName: "boolean"))]
        #expect(try flagged.sql() == "SELECT \"id\", (deleted_at IS NOT NULL) AS \"_sluice_deleted\" FROM \"t\"")
        #expect(flagged.sourceColumns.map(\.name) == ["id", "_sluice_deleted"])
    }

    @Test func snapshotIDsAreChecked() throws {
        #expect(try SnapshotHolder.literal("00000003-0000001B-1") == "'00000003-0000001B-1'")
        #expect(throws: SluiceError.self) { _ = try SnapshotHolder.literal("1'; DROP TABLE x; --") }
    }
}
