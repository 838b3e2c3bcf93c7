import SluiceCore
import SluicePipeline
import Testing

/// Broadcast hash joins: the small table keyed in memory, matched against every batch.
@Suite struct JoinTableTests {
    let customers = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "tier", type: .string),
                            Field(name: "code", type: .uuid)])

    func customerBatch(_ rows: [(Int64, String?)]) throws -> RecordBatch {
        var id = ColumnBuilder(type: .int64), tier = ColumnBuilder(type: .string), code = ColumnBuilder(type: .uuid)
        for (key, name) in rows {
            id.append(key)
            if let name { tier.append(string: name) } else { tier.appendNull() }
            code.append(bytes: (0..<16).map { UInt8(truncatingIfNeeded: key + Int64($0)) })
        }
        return try RecordBatch(schema: customers, columns: [id.finish(), tier.finish(), code.finish()])
    }

    func orders(_ keys: [Int64?]) throws -> RecordBatch {
        var id = ColumnBuilder(type: .int64), customer = ColumnBuilder(type: .int64)
        for (index, key) in keys.enumerated() {
            id.append(Int64(index))
            if let key { customer.append(key) } else { customer.appendNull() }
        }
        return try RecordBatch(schema: Schema([Field(name: "id", type: .int64), Field(name: "customer_id", type: .int64)]),
                               columns: [id.finish(), customer.finish()])
    }

    @Test func leftJoinsKeepEveryRowAndInnerJoinsDropTheMisses() throws {
        let table = try JoinTable(name: "customers", schema: customers,
                                  batches: [try customerBatch([(10, "gold"), (20, nil)]), try customerBatch([(30, "bronze")])],
                                  keyColumn: 0)
        #expect(table.fields.map(\.name) == ["customers.tier", "customers.code"])
        #expect(table.match(try orders([30, 99, nil, 10]).columns[1]) == [2, -1, -1, 0])

        var context = StageContext()
        let left = try JoinStage(table: table, keyColumn: 1, inner: false).apply(try orders([30, 99, nil, 20]), context: &context)
        #expect(left.rowCount == 4)
        #expect((0..<4).map { left.value(row: $0, column: 2) } == [.string("bronze"), .null, .null, .null])
        #expect(left.value(row: 0, column: 3) == .bytes((0..<16).map { UInt8(30 + $0) }))
        #expect(context.stats.filteredRows == 0)

        let inner = try JoinStage(table: table, keyColumn: 1, inner: true).apply(try orders([30, 99, nil, 10]), context: &context)
        #expect(inner.columns[0].values == .int64([0, 3]))
        #expect((0..<2).map { inner.value(row: $0, column: 2) } == [.string("bronze"), .string("gold")])
        #expect(context.stats.filteredRows == 2)
    }

    @Test func aDuplicateKeyIsRefused() throws {
        let error = #expect(throws: SluiceError.self) {
            _ = try JoinTable(name: "customers", schema: customers, batches: [try customerBatch([(10, "a"), (10, "b")])], keyColumn: 0)
        }
        #expect(error?.message.contains("key 10 appears twice in customers") == true)
    }

    @Test func stringKeysMatchByBytes() throws {
        let schema = Schema([Field(name: "code", type: .string, nullable: false), Field(name: "name", type: .string)])
        var code = ColumnBuilder(type: .string), name = ColumnBuilder(type: .string)
        for (key, value) in [("DE", "Germany"), ("", "empty"), ("日本", "Japan")] { code.append(string: key); name.append(string: value) }
        let table = try JoinTable(name: "countries", schema: schema,
                                  batches: [try RecordBatch(schema: schema, columns: [code.finish(), name.finish()])], keyColumn: 0)
        var probe = ColumnBuilder(type: .string)
        for key in ["日本", "de", ""] { probe.append(string: key) }
        #expect(table.match(probe.finish()) == [2, -1, 1])
    }
}
