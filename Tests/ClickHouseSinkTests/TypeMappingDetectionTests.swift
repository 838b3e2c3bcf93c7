import ClickHouseSink
import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// Choosing the mapping from the real ClickHouse 18.16: `auto` picks the legacy types, a `modern` pin is refused when
/// the run connects.
@Suite struct TypeMappingDetectionTests {
    func warehouse(_ client: ClickHouseClient, database: String, typeMapping: String) throws -> ClickHouseWarehouse {
        let settings = try ConnectorSection(kind: "clickhouse", file: "t.yaml", text: """
            sink:
              clickhouse: {url: "\(client.config.url)", user: "\(client.config.user)", password: "${SLUICE_CH_PASSWORD}", database: \(database),
                           curated_database: \(database)_curated, type_mapping: \(typeMapping)}
            """, path: ["sink"], line: 2).decode(ClickHouseSettings.self, environment: ProcessInfo.processInfo.environment)
        return try ClickHouseWarehouse(settings: settings, logger: Logger(label: "test"))
    }

    @Test func autoPicksTheLegacyTypesOn18_16() async throws {
        try await TestClickHouse.withDatabase { client, database in
            #expect(try await client.serverVersion() == ClickHouseServerVersion(18, 16, 1))
            let connected = try #require(try await warehouse(client, database: database, typeMapping: "auto").connectForRun() as? ClickHouseWarehouse)
            #expect(connected.mapping == .legacy)
            #expect(connected.summary.hasSuffix(": ClickHouse 18.16.1, legacy types"), "\(connected.summary)")
            #expect(try await connected.check() == "ClickHouse 18.16.1, legacy types (type_mapping auto)")

            // The target it plans is the legacy one, and the server takes it.
            let table = try ModernTargets.table()
            let (sinkTarget, target) = try ModernTargets.target(connected, table: table)
            #expect(target.mapping.isLegacy && target.layout == CleanLayout(table: table, stagedSchema: ModernTargets.stagedSchema(table)))
            try await connected.prepare(sinkTarget)
            let columns = try await client.tableColumns(database: database, table: "orders")
            #expect(columns.map(\.type).contains("DateTime('UTC')") && columns.map(\.name).contains("mtime_us"))
            #expect(!columns.contains { $0.type.contains("LowCardinality") || $0.type.contains("DateTime64") })
        }
    }

    @Test func aModernPinIsRefusedBy18_16WithTheReason() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let pinned = try warehouse(client, database: database, typeMapping: "modern")
            let error = await #expect(throws: SluiceError.self) { try await pinned.connectForRun() }
            #expect(error?.code == .clickHouseTypeMappingUnsupported)
            #expect(error?.message.contains("type_mapping is modern, but ClickHouse \(client.config.endpoint) is version 18.16.1, which lacks") == true,
                    "\(error?.message ?? "")")
            await #expect(throws: SluiceError.self) { try await pinned.check() }
            let legacy = try #require(try await warehouse(client, database: database, typeMapping: "legacy").connectForRun() as? ClickHouseWarehouse)
            #expect(legacy.mapping == .legacy)
        }
    }
}
