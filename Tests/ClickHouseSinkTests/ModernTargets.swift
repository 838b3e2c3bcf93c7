import ClickHouseSink
import Foundation
import Logging
import SluiceConfig
import SluiceCore
import SluicePipeline

/// Warehouses connected (without a server) as to a ClickHouse of a given version, and a table with a cursor, a
/// soft-delete flag, a key timestamp and LowCardinality columns: what the modern-mapping tests plan and create.
enum ModernTargets {
    static func settings(typeMapping: String = "auto", database: String = "clean", curatedDatabase: String = "curated") throws -> ClickHouseSettings {
        try ConnectorSection(kind: "clickhouse", file: "t.yaml", text: """
            sink:
              clickhouse: {url: "http://127.0.0.1:1", database: \(database), curated_database: \(curatedDatabase), type_mapping: \(typeMapping)}
            """, path: ["sink"], line: 2).decode(ClickHouseSettings.self, environment: [:])
    }

    static func warehouse(version: String = "25.3.2.1", typeMapping: String = "auto", database: String = "clean",
                          curatedDatabase: String = "curated") throws -> ClickHouseWarehouse {
        try ClickHouseWarehouse(settings: try settings(typeMapping: typeMapping, database: database, curatedDatabase: curatedDatabase),
                                logger: Logger(label: "test"))
            .connected(to: ClickHouseServerVersion(version)!)
    }

    static func table() throws -> TableConfig {
        try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: mtime, type: timestamp, nullable: false}
              - {name: status, type: string, nullable: false, low_cardinality: true}
              - {name: label, type: string, low_cardinality: true}
              - {name: note, type: string}
              - {name: amount, type: "decimal(38,10)"}
              - {name: born, type: date}
              - {name: flag, type: boolean}
              - {name: uid, type: uuid}
              - {name: seen_at, type: timestamptz, subseconds: column}
              - {name: updated_at, type: timestamptz, nullable: false}
        """, key: "[id, mtime]", extra: "    deleted_when: \"deleted_at IS NOT NULL\"")
    }

    /// The rows executors stage for ``table()``: its columns, then the deleted flag.
    static func stagedSchema(_ table: TableConfig) -> Schema {
        Schema(table.schema.fields + [Field(name: CleanLayout.deletedColumn, type: .boolean, nullable: false)])
    }

    static func target(_ warehouse: ClickHouseWarehouse, table: TableConfig, runID: String = "20261204T000000Z-abc",
                       replaces: Bool = false) throws -> (SinkTarget, ClickHouseTarget) {
        let sinkTarget = try warehouse.target(for: SinkTableRequest(table: table, runID: runID, replacesContents: replaces,
                                                                    stagedSchema: stagedSchema(table), cursorKind: .timestampTZ))
        let target = try sinkTarget.work.decodeJSON(ClickHouseTarget.self, kind: ClickHouseTarget.kind)
        return (sinkTarget, target)
    }
}
