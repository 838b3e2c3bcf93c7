import Foundation
import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing
@testable import PostgresSource

/// A table's declaration against the live catalogue: drift stops the table, what can lose rows quietly is a
/// warning with its fix, and undeclared columns are listed.
@Suite("Declarations checked against PostgreSQL 15", .serialized)
struct DeclarationCheckTests {
    let connection: PostgresConnection

    init() throws {
        connection = try TestDatabase.connect()
        try connection.execute("""
            DROP TABLE IF EXISTS decl_orders;
            CREATE TABLE decl_orders (id bigint NOT NULL, total numeric(12,2), code char(4), note text, added_later int);
            """)
    }

    func table(_ columns: String, extra: String = "") throws -> TableConfig {
        try PipelineLoader(environment: [:]).parse("""
            pipeline: p
            source: {postgres: {host: h, database: d, user: u}}
            sink: {clickhouse: {url: "http://c"}}
            staging: {directory: /tmp}
            tables:
              - name: orders
                source: decl_orders
                primary_key: [id]
            \(extra)
                columns:
            \(columns)
            """, file: "orders.yaml").tables[0]
    }

    func describe(_ table: TableConfig) throws(SluiceError) -> SourceTable {
        try PostgresRun.describe(table, catalog: PostgresCatalog(connection))
    }

    let declared = """
          - {name: id, type: int64, nullable: false, source_type: bigint}
          - {name: total, type: "decimal(12,2)", source_type: "numeric(12,2)"}
          - {name: code, type: string, nullable: false}
    """

    @Test func aRetypedColumnStopsTheTableNamingBothTypes() throws {
        #expect(throws: Never.self) { _ = try describe(try table(declared)) }
        try connection.execute("ALTER TABLE decl_orders ALTER COLUMN total TYPE numeric(14,4)")
        let error = #expect(throws: SluiceError.self) { _ = try describe(try table(declared)) }
        #expect(error?.code == .schemaDrift)
        #expect(error?.message.contains("numeric(14,4)") == true && error?.message.contains("numeric(12,2)") == true)
        #expect(error?.context.table == "orders" && error?.context.column == "total")
    }

    @Test func aDroppedColumnStopsTheTable() throws {
        try connection.execute("ALTER TABLE decl_orders DROP COLUMN total")
        let error = #expect(throws: SluiceError.self) { _ = try describe(try table(declared)) }
        #expect(error?.code == .schemaDrift)
        #expect(error?.message.contains("no longer exists") == true && error?.message.contains("numeric(12,2)") == true)
    }

    @Test func whatCanLoseRowsQuietlyIsAWarningWithItsFix() throws {
        let config = try table(declared)
        let described = try describe(config)
        let warnings = described.warnings.joined(separator: "\n")
        #expect(warnings.contains("column code is declared nullable: false but decl_orders.code allows NULL"))
        #expect(warnings.contains("column code is character(4): its values keep their trailing blanks"))
        #expect(warnings.contains("the primary key (id) has no unique index"))
        #expect(described.undeclaredColumns(of: config).map(\.name) == ["note", "added_later"])
        #expect(described.undeclaredColumns(of: config).map(\.type) == [.string, .int32])
        #expect(described.undeclaredColumns(of: config, used: ["note"]).map(\.name) == ["added_later"])

        try connection.execute("ALTER TABLE decl_orders ADD PRIMARY KEY (id)")
        let ignoring = try table(declared, extra: "    ignore_columns: [note, added_later]")
        let keyed = try describe(ignoring)
        #expect(!keyed.warnings.contains { $0.contains("primary key") })
        #expect(keyed.undeclaredColumns(of: ignoring).isEmpty)
    }

    @Test func typeNamesCompareAcrossSpellings() {
        #expect(PostgresRun.normalizedType("int4") == PostgresRun.normalizedType("integer"))
        #expect(PostgresRun.normalizedType("timestamptz") == PostgresRun.normalizedType("timestamp with time zone"))
        #expect(PostgresRun.normalizedType("varchar(40)") == PostgresRun.normalizedType("character varying(40)"))
        #expect(PostgresRun.normalizedType("Numeric(12,2)") == PostgresRun.normalizedType("numeric(12,2)"))
        #expect(PostgresRun.normalizedType("numeric(12,2)") != PostgresRun.normalizedType("numeric(14,2)"))
    }
}
