import ClickHouseSink
import SluiceConfig
import SluiceCore
import Testing

/// A table configuration parsed from YAML, as users write it.
func tableConfig(_ columns: String, key: String = "[id]", cursor: String? = "updated_at", extra: String = "") throws -> TableConfig {
    try PipelineLoader(environment: [:]).parse("""
        pipeline: t
        source: {postgres: {host: h, database: d, user: u}}
        sink: {clickhouse: {url: "http://c"}}
        staging: {directory: /tmp/s}
        tables:
          - name: orders
            primary_key: \(key)
        \(cursor.map { "    cursor: \($0)" } ?? "")
        \(extra)
            columns:
        \(columns)
        """, file: "t.yaml").tables[0]
}

@Suite struct CleanLayoutTests {
    @Test func addsCompanionDeletedAndVersionColumns() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: created_at, type: timestamp, subseconds: column}
              - {name: updated_at, type: int64, nullable: false}
        """)
        let layout = CleanLayout(table: table, stagedSchema: table.schema)
        #expect(layout.fields.map(\.name) == ["id", "created_at", "created_at_us", "updated_at", "_sluice_deleted", "_sluice_version"])
        #expect(layout.fields[2].type == .uint32)
        #expect(layout.orderBy == ["id"])
        var id = ColumnBuilder(type: .int64), created = ColumnBuilder(type: .timestamp), updated = ColumnBuilder(type: .int64)
        id.append(Int64(1)); created.append(CivilTime.parseTimestamp("2024-01-01 10:00:00.250000")!.microseconds); updated.append(Int64(-5))
        id.append(Int64(2)); created.appendNull(); updated.append(Int64(7))
        let batch = try RecordBatch(schema: table.schema, columns: [id.finish(), created.finish(), updated.finish()])
        let sink = try layout.sinkBatch(from: batch)
        #expect(sink.columns[2].values == .int64([250_000, 0]))
        #expect(sink.columns[2].isNull(1))
        #expect(sink.columns[4].values == .boolean([false, false]), "without deleted_when no row is deleted")
        // Versions keep the cursor's order across the sign boundary.
        guard case .int64(let versions) = sink.columns[5].values else { Issue.record("wrong storage"); return }
        #expect(UInt64(bitPattern: versions[0]) < UInt64(bitPattern: versions[1]))
        #expect(UInt64(bitPattern: CleanLayout.orderPreserving(-1)) < UInt64(bitPattern: CleanLayout.orderPreserving(0)))
    }

    @Test func aTimestampInThePrimaryKeyKeepsItsMicrosecondsInTheSortingKey() throws {
        let table = try tableConfig("""
              - {name: tid, type: int32, nullable: false}
              - {name: mtime, type: timestamp, nullable: false}
              - {name: delta, type: int32}
        """, key: "[tid, mtime]", cursor: nil)
        let layout = CleanLayout(table: table, stagedSchema: table.schema)
        #expect(layout.fields.map(\.name) == ["tid", "mtime", "mtime_us", "delta", "_sluice_deleted", "_sluice_version"])
        // Rows that differ only below the second have different sorting keys, so no merge can collapse them.
        #expect(layout.orderBy == ["tid", "mtime", "mtime_us"])
    }

    @Test func theDeletedFlagComesFromTheStagedRows() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: updated_at, type: timestamptz, nullable: false}
        """, extra: "    deleted_when: \"deleted_at IS NOT NULL\"")
        var fields = table.schema.fields
        fields.append(Field(name: "_sluice_deleted", type: .boolean, nullable: false))
        let staged = Schema(fields)
        let layout = CleanLayout(table: table, stagedSchema: staged)
        #expect(layout.deletedIndex == 2)
        var id = ColumnBuilder(type: .int64), updated = ColumnBuilder(type: .timestampTZ), deleted = ColumnBuilder(type: .boolean)
        for (row, flag) in [false, true].enumerated() {
            id.append(Int64(row)); updated.append(Int64(row)); deleted.append(flag)
        }
        let sink = try layout.sinkBatch(from: try RecordBatch(schema: staged, columns: [id.finish(), updated.finish(), deleted.finish()]))
        #expect(sink.schema.fields.map(\.name) == ["id", "updated_at", "_sluice_deleted", "_sluice_version"])
        #expect(sink.columns[2].values == .boolean([false, true]))
    }
}
