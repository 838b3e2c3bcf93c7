import Foundation
import SluiceConfig
import SluiceCore
import Testing

/// The `curated:` section of a table: `false`, or a mapping whose mistakes are reported at their line.
@Suite struct CuratedConfigTests {
    func tables(_ curated: String) throws -> [TableConfig] {
        let text = baseConfig + "\n" + ordersTable.replacingOccurrences(of: "    columns:", with: curated + "\n    columns:")
        return try PipelineLoader(environment: ["PG_PASSWORD": "pw"]).parse(text, file: "t.yaml").tables
    }

    func error(_ curated: String) -> SluiceError? {
        expectConfigError { _ = try tables(curated) }
    }

    @Test func defaultsFalseAndMappings() throws {
        #expect(try tables("").first?.curated == CuratedConfig())
        #expect(try tables("    curated: false").first?.curated.enabled == false)
        let modelled = try #require(try tables("""
                curated:
                  table: orders_daily
                  select: "SELECT toDate(updated_at) AS day, sum(total) AS total FROM {{ live }} GROUP BY day"
                  order_by: [day]
                  partition_by: toYYYYMM(day)
            """).first?.curated)
        #expect(modelled == CuratedConfig(enabled: true, table: "orders_daily",
                                          select: "SELECT toDate(updated_at) AS day, sum(total) AS total FROM {{ live }} GROUP BY day",
                                          orderBy: ["day"], partitionBy: "toYYYYMM(day)"))
    }

    @Test func mistakesAreNamedAtTheirLine() throws {
        let unknown = error("    curated: {select: \"SELECT * FROM {{ orders }}\"}")
        #expect(unknown?.message.contains("names {{ orders }}; it knows {{ live }}") == true, "\(String(describing: unknown))")
        #expect(unknown?.context.key == "tables.[0].curated.select")
        #expect(unknown?.context.line == 20)
        let unclosed = error("    curated: {select: \"SELECT * FROM {{ live\"}")
        #expect(unclosed?.message.contains("'{{' without its '}}'") == true)
        let none = error("    curated: {select: \"SELECT * FROM clean.orders\"}")
        #expect(none?.message.contains("must read {{ live }}") == true)
        let nullable = error("    curated: {order_by: [total]}")
        #expect(nullable?.message.contains("'total' is nullable") == true)
        let missing = error("    curated: {order_by: [nope]}")
        #expect(missing?.message.contains("'nope' is not a declared column") == true)
        let typo = error("    curated: {selct: x}")
        #expect(typo?.message.contains("unknown key 'selct'") == true, "\(String(describing: typo))")
    }

    @Test func placeholdersExpandWithOrWithoutSpaces() {
        #expect(CuratedConfig.expand("a {{live}} b {{ clean }} c") { "<\($0)>" } == "a <live> b <clean> c")
        #expect(CuratedConfig.placeholders(in: "x {{ live }} {{clean}}") == ["live", "clean"])
        #expect(CuratedConfig.placeholders(in: "no braces") == [])
        #expect(CuratedConfig.placeholders(in: "{{ live") == nil)
    }
}
