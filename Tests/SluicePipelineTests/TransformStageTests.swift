import SluiceConfig
import SluiceCore
import SluiceExpressions
import SluicePipeline
import Testing

/// The transform stage on its own: filter, derived columns, rules, deletions and how errors name rows.
@Suite struct TransformStageTests {
    /// orders(id, qty, price numeric(12,2), note, updated_at) as the source describes it.
    static let source = SourceTable(cursorKind: .timestampTZ, name: "public.orders", fields: [
        SourceField(name: "id", sourceType: "bigint", type: .int64, nullable: false),
        SourceField(name: "qty", sourceType: "integer", type: .int32),
        SourceField(name: "price", sourceType: "numeric(12,2)", type: .decimal(precision: 12, scale: 2)),
        SourceField(name: "note", sourceType: "text", type: .string),
        SourceField(name: "updated_at", sourceType: "timestamptz", type: .timestampTZ, nullable: false),
    ])

    func stage(_ columns: String, extra: String = "", rejected: DeletedRows = .exclude) throws -> TransformStage {
        let table = try tableConfig(columns, extra: extra)
        let plan = try TransformPlanner.plan(table, source: Self.source, rejected: rejected)
        return try TransformStage(spec: plan.spec, table: "orders", cursor: table.cursor, runStartedAt: 1_700_000_000_000_000)
    }

    /// A batch of the input `stage` reads: its columns in its input schema's order.
    func batch(for stage: TransformStage, ids: [Int64], qty: [Int32?], price: [Int128]) throws -> RecordBatch {
        let count = ids.count
        var columns: [Column] = []
        for field in stage.spec.input.fields {
            switch field.name {
            case "id": columns.append(Column(values: .int64(ids)))
            case "qty": columns.append(Column(values: .int32(qty.map { $0 ?? 0 }), validity: qty.map { $0 != nil }))
            case "price": columns.append(Column(values: .int128(price)))
            case "note": columns.append(Column(values: .bytes(ByteArrays(strings: ids.map { "note \($0)" }))))
            case "updated_at": columns.append(Column(values: .int64(ids.map { $0 * 1_000_000 })))
            default: columns.append(Column.placeholder(field.type, count: count, nullable: field.nullable))
            }
        }
        return try RecordBatch(schema: stage.spec.input, columns: columns)
    }

    static let columns = """
          - {name: id, type: int64, nullable: false}
          - {name: unit, type: "decimal(12,2)", expression: "CAST(price / qty AS decimal(12,2))"}
          - {name: updated_at, type: timestamptz, nullable: false}
    """

    @Test func anErrorAfterTheFilterNamesTheTaskRowAsReadAndItsKey() throws {
        let stage = try stage(Self.columns, extra: "    filter: \"id <> 2\"")
        // Rows 1..4 of the batch are task rows 101..104; row 3 (id 3) divides by zero, after row 2 was filtered out.
        let input = try batch(for: stage, ids: [1, 2, 3, 4], qty: [1, 0, 0, 2], price: [100, 200, 300, 400])
        var context = StageContext(firstRow: 101)
        let error = #expect(throws: SluiceError.self) { _ = try stage.apply(input, context: &context) }
        #expect(error?.code == .expressionDivisionByZero)
        #expect(error?.context.row == 103)
        #expect(error?.message.contains("(key id = 3)") == true, "\(error?.message ?? "")")
        #expect(error?.context.table == "orders")
    }

    @Test func theFilterDropsRowsOrLoadsThemAsDeletionsKeepingKeyAndCursor() throws {
        let input: (TransformStage) throws -> RecordBatch = { try self.batch(for: $0, ids: [1, 2, 3], qty: [1, 0, 2], price: [100, 200, 300]) }
        let dropping = try stage(Self.columns, extra: "    filter: \"qty > 0\"")
        var context = StageContext()
        let kept = try dropping.apply(try input(dropping), context: &context)
        #expect(kept.rowCount == 2 && context.stats.filteredRows == 1 && context.deletions.isEmpty)
        #expect(!kept.schema.fields.contains { $0.name == StagedColumns.deleted })

        let flagging = try stage(Self.columns, extra: "    filter: \"qty > 0\"", rejected: .flag)
        context = StageContext()
        let staged = try flagging.apply(try input(flagging), context: &context)
        #expect(staged.rowCount == 2 && context.stats.filteredRows == 1)
        #expect(staged.columns.last?.values == .boolean([false, false]))
        let deletion = try #require(context.deletions.first)
        #expect(deletion.schema == staged.schema)
        // The key and the cursor are the row's; the derived column is a placeholder (price / 0 is never computed).
        #expect(deletion.value(row: 0, column: 0) == .int(2))
        #expect(deletion.value(row: 0, column: 1) == .null)
        #expect(deletion.value(row: 0, column: 2) == .int(2_000_000))
        #expect(deletion.value(row: 0, column: 3) == .boolean(true))
    }

    @Test func aNonNullableDerivedColumnThatComesOutNullFailsNamingTheRow() throws {
        let stage = try stage("""
              - {name: id, type: int64, nullable: false}
              - {name: twice, type: int64, nullable: false, expression: "qty * 2"}
              - {name: updated_at, type: timestamptz, nullable: false}
        """)
        let input = try batch(for: stage, ids: [7, 8], qty: [1, nil], price: [0, 0])
        var context = StageContext(firstRow: 1)
        let error = #expect(throws: SluiceError.self) { _ = try stage.apply(input, context: &context) }
        #expect(error?.code == .invalidValue)
        #expect(error?.context.row == 2 && error?.context.column == "twice")
        #expect(error?.message.contains("(key id = 8)") == true)
    }

    @Test func quarantinedRowsCarryTheirRuleAndReasonAndTheFirstFailingRuleClaimsThem() throws {
        let stage = try stage(Self.columns, extra: """
            validations:
              - {name: priced, rule: "unit > 0", action: quarantine}
              - {name: small, rule: "id < 3", action: quarantine}
        """)
        let input = try batch(for: stage, ids: [1, 2, 3, 4], qty: [1, 1, 1, 1], price: [100, -5, -7, 400])
        var context = StageContext()
        let staged = try stage.apply(input, context: &context)
        #expect(staged.rowCount == 1 && staged.value(row: 0, column: 0) == .int(1))
        #expect(context.stats.quarantined == ["priced": 2, "small": 1])
        #expect(context.quarantined.map(\.rule) == ["priced", "small"])
        #expect(context.quarantined[0].reasons == ["unit > 0 does not hold (unit = -0.05)", "unit > 0 does not hold (unit = -0.07)"])
        #expect(context.quarantined[1].reasons == ["id < 3 does not hold (id = 4)"])
        let file = try context.quarantined[0].fileBatch()
        #expect(file.schema.fields.map(\.name) == ["id", "unit", "updated_at", "_sluice_rule", "_sluice_reason"])
    }

    @Test func planningRefusesNarrowingAndUnknownColumnsWithTheirPosition() throws {
        let narrowing = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: small, type: int32, expression: "qty * 2 + id"}
              - {name: updated_at, type: timestamptz, nullable: false}
        """)
        let error = #expect(throws: SluiceError.self) { _ = try TransformPlanner.plan(narrowing, source: Self.source, rejected: .exclude) }
        #expect(error?.message.contains("the expression gives int64 but the column is declared int32; write CAST(... AS int32)") == true,
                "\(error?.message ?? "")")
        #expect(error?.context.file == "t.yaml" && error?.context.line == 12)

        let typo = try tableConfig(Self.columns, extra: "    filter: \"qtty > 0\"")
        let unknown = #expect(throws: SluiceError.self) { _ = try TransformPlanner.plan(typo, source: Self.source, rejected: .exclude) }
        #expect(unknown?.message.contains("unknown column 'qtty'") == true && unknown?.message.contains("did you mean 'qty'") == true,
                "\(unknown?.message ?? "")")
    }

    @Test func onlyColumnsTheExpressionsUseAreReadAndWideningIsImplicit() throws {
        let table = try tableConfig("""
              - {name: id, type: int64, nullable: false}
              - {name: wide, type: "decimal(20,4)", expression: "price"}
              - {name: updated_at, type: timestamptz, nullable: false}
        """, extra: "    filter: \"qty > 0 AND lower(note) <> 'x'\"")
        let plan = try TransformPlanner.plan(table, source: Self.source, rejected: .exclude)
        #expect(plan.spec.input.fields.map(\.name) == ["id", "qty", "price", "note", "updated_at"])
        #expect(plan.conditions.map(\.text) == ["qty > 0", "lower(note) <> 'x'"])
        #expect(plan.used == ["qty", "price", "note"])
        var placed = plan
        placed.sourceEvaluates([0])
        #expect(placed.pushed == ["qty > 0"] && placed.onExecutors == ["lower(note) <> 'x'"])
        // In runs that load rejected rows as deletions nothing is offered to the source.
        #expect(try TransformPlanner.plan(table, source: Self.source, rejected: .flag).pushableConditions.isEmpty)
    }
}
