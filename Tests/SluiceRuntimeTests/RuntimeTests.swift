import SluiceConfig
import SluiceCore
import SluiceRuntime
import Testing

/// A table configuration parsed from YAML, as users write it.
func tableConfig(_ columns: String, cursor: String? = "updated_at", extra: String = "") throws -> TableConfig {
    let text = """
    pipeline: t
    source: {postgres: {host: h, database: d, user: u}}
    sink: {clickhouse: {url: "http://c"}}
    staging: {directory: /tmp/s}
    tables:
      - name: orders
        primary_key: [id]
    \(cursor.map { "    cursor: \($0)" } ?? "")
    \(extra)
        columns:
    \(columns)
    """
    return try PipelineLoader(environment: [:]).parse(text, file: "t.yaml").tables[0]
}

func days(_ text: String) -> Int32 { Int32(CivilTime.parseDate(text)!) }
func micros(_ text: String) -> Int64 { CivilTime.parseTimestamp(text)!.microseconds }

@Suite struct BatchTransformerTests {
    let columns = """
          - {name: id, type: int64, nullable: false}
          - {name: born, type: date, out_of_range: set_null}
          - {name: seen, type: timestamp, out_of_range: drop_row}
          - {name: updated_at, type: timestamptz, nullable: false}
    """

    func batch(born: [Int32?], seen: [Int64?]) throws -> RecordBatch {
        let table = try tableConfig(columns)
        var id = ColumnBuilder(type: .int64), b = ColumnBuilder(type: .date)
        var s = ColumnBuilder(type: .timestamp), u = ColumnBuilder(type: .timestampTZ)
        for (index, (bornValue, seenValue)) in zip(born, seen).enumerated() {
            id.append(Int64(index))
            if let bornValue { b.append(bornValue) } else { b.appendNull() }
            if let seenValue { s.append(seenValue) } else { s.appendNull() }
            u.append(Int64(1_000_000 * index))
        }
        return try RecordBatch(schema: table.schema, columns: [id.finish(), b.finish(), s.finish(), u.finish()])
    }

    @Test func preEpochDatesBecomeNullAndOutOfRangeRowsDrop() throws {
        let table = try tableConfig(columns)
        let input = try batch(
            born: [days("1969-12-31"), days("1970-01-01"), nil, days("1900-01-01"), days("2105-12-31"), days("2106-01-01")],
            seen: [micros("2020-01-01 00:00:00"), micros("1969-12-31 23:59:59.999999"), micros("1970-01-01 00:00:00"),
                   nil, micros("2105-12-31 23:59:59.999999"), micros("2024-05-05 05:05:05")])
        let (output, stats) = try BatchTransformer(table: table).apply(input, firstRow: 0)
        // Row 1 (seen before 1970) is dropped; born 1969/1900/2106 become NULL.
        #expect(stats.droppedRows == 1)
        #expect(stats.nulledValues == ["born": 3])
        #expect(output.rowCount == 5)
        #expect(output.columns[0].values == .int64([0, 2, 3, 4, 5]))
        #expect((0..<5).map { output.columns[1].isNull($0) } == [true, true, true, false, true])
        #expect(output.value(row: 3, column: 1) == .int(Int64(days("2105-12-31"))))
        #expect(output.value(row: 2, column: 2) == .null)
    }

    @Test func failPolicyNamesTableColumnAndRow() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: born, type: date}
              - {name: seen, type: timestamp}
              - {name: updated_at, type: timestamptz, nullable: false}
        """)
        let input = try batch(born: [days("2000-01-01"), days("1950-06-15")], seen: [0, 0])
        do {
            _ = try BatchTransformer(table: table).apply(input, firstRow: 1000)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .valueOutOfRange)
            #expect(error.context.table == "orders")
            #expect(error.context.column == "born")
            #expect(error.context.row == 1001)
            #expect(error.message.contains("1950-06-15"))
        }
    }

    @Test func aTableWideSetNullLeavesNonNullableColumnsFailing() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: born, type: date}
              - {name: updated_at, type: timestamptz, nullable: false}
        """, extra: "    out_of_range: set_null")
        #expect(table.policy(for: table.columns[1]) == .setNull)
        #expect(table.policy(for: table.columns[2]) == .fail)
    }

    @Test func configuredBoundsNarrowTheSinkRange() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: born, type: date, min: "2000-01-01", out_of_range: set_null}
              - {name: seen, type: timestamp, max: "2030-01-01 00:00:00", out_of_range: set_null}
              - {name: updated_at, type: timestamptz, nullable: false}
        """)
        let input = try batch(born: [days("1999-12-31"), days("2000-01-01")],
                              seen: [micros("2030-01-01 00:00:00.000001"), micros("2030-01-01 00:00:00")])
        let (output, stats) = try BatchTransformer(table: table).apply(input, firstRow: 0)
        #expect(stats.nulledValues == ["born": 1, "seen": 1])
        #expect(output.columns[1].isNull(0) && !output.columns[1].isNull(1))
        #expect(output.columns[2].isNull(0) && !output.columns[2].isNull(1))
    }
}

@Suite struct SinkLayoutTests {
    @Test func addsCompanionAndVersionColumns() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: created_at, type: timestamp, subseconds: column}
              - {name: updated_at, type: int64, nullable: false}
        """)
        let layout = SinkLayout(table: table)
        #expect(layout.fields.map(\.name) == ["id", "created_at", "created_at_us", "updated_at", "_sluice_version"])
        #expect(layout.fields[2].type == .uint32)
        var id = ColumnBuilder(type: .int64), created = ColumnBuilder(type: .timestamp), updated = ColumnBuilder(type: .int64)
        id.append(Int64(1)); created.append(micros("2024-01-01 10:00:00.250000")); updated.append(Int64(-5))
        id.append(Int64(2)); created.appendNull(); updated.append(Int64(7))
        let batch = try RecordBatch(schema: table.schema, columns: [id.finish(), created.finish(), updated.finish()])
        let sink = try layout.sinkBatch(from: batch)
        #expect(sink.columns[2].values == .int64([250_000, 0]))
        #expect(sink.columns[2].isNull(1))
        // Versions keep the cursor's order across the sign boundary.
        guard case .int64(let versions) = sink.columns[4].values else { Issue.record("wrong storage"); return }
        #expect(UInt64(bitPattern: versions[0]) < UInt64(bitPattern: versions[1]))
        #expect(UInt64(bitPattern: SinkLayout.orderPreserving(-1)) < UInt64(bitPattern: SinkLayout.orderPreserving(0)))
        #expect(!layout.reloadsWholeTable)
        #expect(SinkLayout(table: try tableConfig("      - {name: id, type: int64, nullable: false}", cursor: nil)).reloadsWholeTable)
    }
}
