import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// The preliminary filter stage: dates and timestamps the sink cannot hold, per column policy.
@Suite struct TemporalBoundsStageTests {
    /// ClickHouse 18.16's limits: 1970-01-01 ... 2105-12-31.
    let limits = SinkLimits(dates: 0...49_672, timestamps: 0...(CivilTime.days(year: 2106, month: 1, day: 1) * CivilTime.microsecondsPerDay - 1))
    let columns = """
          - {name: id, type: int64, nullable: false}
          - {name: born, type: date, out_of_range: set_null}
          - {name: seen, type: timestamp, out_of_range: drop_row}
          - {name: updated_at, type: timestamptz, nullable: false}
    """

    func stage(_ table: TableConfig) -> TemporalBoundsStage {
        TemporalBoundsStage(table: table.name, rules: TemporalRule.rules(for: table, limits: limits))
    }

    func batch(_ table: TableConfig, born: [Int32?], seen: [Int64?]) throws -> RecordBatch {
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
        let input = try batch(table,
            born: [days("1969-12-31"), days("1970-01-01"), nil, days("1900-01-01"), days("2105-12-31"), days("2106-01-01")],
            seen: [micros("2020-01-01 00:00:00"), micros("1969-12-31 23:59:59.999999"), micros("1970-01-01 00:00:00"),
                   nil, micros("2105-12-31 23:59:59.999999"), micros("2024-05-05 05:05:05")])
        var context = StageContext()
        let output = try stage(table).apply(input, context: &context)
        let stats = context.stats
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
        let input = try batch(table, born: [days("2000-01-01"), days("1950-06-15")], seen: [0, 0])
        var context = StageContext(firstRow: 1000)
        let error = #expect(throws: SluiceError.self) { _ = try stage(table).apply(input, context: &context) }
        #expect(error?.code == .valueOutOfRange)
        #expect(error?.context.table == "orders")
        #expect(error?.context.column == "born")
        #expect(error?.context.row == 1001)
        #expect(error?.message.contains("1950-06-15") == true)
    }

    @Test func aTableWideSetNullLeavesNonNullableColumnsFailing() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: born, type: date}
              - {name: updated_at, type: timestamptz, nullable: false}
        """, extra: "    out_of_range: set_null")
        #expect(table.policy(for: table.columns[1]) == .setNull)
        #expect(table.policy(for: table.columns[2]) == .fail)
        #expect(TemporalRule.rules(for: table, limits: limits).map(\.policy) == [.setNull, .fail])
    }

    @Test func configuredBoundsNarrowTheSinkRangeAndNeverWidenIt() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: born, type: date, min: "2000-01-01", out_of_range: set_null}
              - {name: seen, type: timestamp, min: "1900-01-01", max: "2030-01-01 00:00:00", out_of_range: set_null}
              - {name: updated_at, type: timestamptz, nullable: false}
        """)
        let rules = TemporalRule.rules(for: table, limits: limits)
        #expect(rules[1].lower == 0, "a min below the sink's range does not widen it")
        let input = try batch(table, born: [days("1999-12-31"), days("2000-01-01")],
                              seen: [micros("2030-01-01 00:00:00.000001"), micros("2030-01-01 00:00:00")])
        var context = StageContext()
        let output = try stage(table).apply(input, context: &context)
        let stats = context.stats
        #expect(stats.nulledValues == ["born": 1, "seen": 1])
        #expect(output.columns[1].isNull(0) && !output.columns[1].isNull(1))
        #expect(output.columns[2].isNull(0) && !output.columns[2].isNull(1))
    }

    @Test func aChainRunsItsStagesInOrderAndStopsOnEmptyBatches() throws {
        let table = try tableConfig(columns)
        let chain = StageChain([.temporalBounds(TemporalRule.rules(for: table, limits: limits))], table: table.name)
        let input = try batch(table, born: [days("2000-01-01")], seen: [micros("1960-01-01 00:00:00")])
        var context = StageContext()
        #expect(try chain.apply(input, context: &context).rowCount == 0)
        #expect(context.stats.droppedRows == 1)
    }
}
