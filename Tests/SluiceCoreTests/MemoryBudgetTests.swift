import SluiceCore
import Testing

@Suite struct MemoryBudgetTests {
    @Test func theDefaultBudgetLeavesOneTaskFourHundredMiB() {
        let budget = MemoryBudget.standard(slots: 1)
        #expect(budget.mebibytes == 512)
        #expect(budget.taskBytes == 448 << 20)
        #expect(budget.batchBytes == 14 << 20)
        #expect(budget.rowGroupBytes == 56 << 20)
        #expect(budget.blockBytes == 14 << 20)
    }

    @Test func slotsShareWhatTheReserveLeaves() {
        let budget = MemoryBudget(mebibytes: 1024, slots: 4)
        #expect(budget.taskBytes == (1024 - 64) << 20 / 4)
        #expect(budget.rowGroupBytes == budget.taskBytes / 8)
    }

    @Test func aTaskKeepsAFloorHoweverManySlots() {
        let budget = MemoryBudget(mebibytes: 128, slots: 64)
        #expect(budget.taskBytes == MemoryBudget.minimumTaskBytes)
        #expect(budget.batchBytes == 512 << 10)
    }
}

@Suite struct RecordBatchMemoryTests {
    /// id int64 (never NULL), name string (NULL in row 1), one row per text.
    static func batch(_ texts: [String?]) throws -> RecordBatch {
        var arrays = ByteArrays()
        for text in texts { arrays.append(text ?? "") }
        let validity = texts.map { $0 != nil }
        return try RecordBatch(
            schema: Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "name", type: .string)]),
            columns: [Column(values: .int64(texts.indices.map(Int64.init))),
                      Column(values: .bytes(arrays), validity: validity.contains(false) ? validity : nil)])
    }

    @Test func memoryCountsValuesOffsetsAndValidity() throws {
        let batch = try Self.batch(["abc", nil, "0123456789"])
        // int64: 8 a row; string: its bytes, an 8-byte offset and a validity byte a row.
        #expect(batch.memoryBytes(rows: 0..<1) == 8 + 3 + 8 + 1)
        #expect(batch.memoryBytes(rows: 1..<3) == 16 + 10 + 16 + 2)
        #expect(batch.memoryBytes == 24 + 13 + 24 + 3)
    }

    @Test func rowsFittingStopsAtTheLimitButTakesAtLeastOneRow() throws {
        let batch = try Self.batch(["a", "b", String(repeating: "x", count: 1000), "c", "d"])
        let small = 8 + 1 + 8  // one short row
        #expect(batch.rowsFitting(from: 0, bytes: 2 * small) == 2)
        #expect(batch.rowsFitting(from: 0, bytes: 2 * small - 1) == 1)
        #expect(batch.rowsFitting(from: 2, bytes: 10) == 1, "a row over the limit travels alone")
        #expect(batch.rowsFitting(from: 3, bytes: 1 << 20) == 2)
        #expect(batch.rowsFitting(from: 5, bytes: 1 << 20) == 0)
    }

    @Test func slicesCopyTheirRowsAndDropAnAllValidFlagList() throws {
        let batch = try Self.batch(["abc", nil, "xyz", "0123"])
        let slice = batch.slice(1..<3)
        #expect(slice.rowCount == 2)
        #expect(slice.value(row: 0, column: 1) == .null)
        #expect(slice.value(row: 1, column: 1) == .string("xyz"))
        #expect(slice.value(row: 1, column: 0) == .int(2))
        #expect(batch.slice(2..<4).columns[1].validity == nil)
    }

    @Test func byteBoundedBatchesCutLargeBatchesAndPassSmallOnesThrough() throws {
        let big = try Self.batch((0..<100).map { "value \($0) " + String(repeating: "x", count: $0 % 7 * 100) })
        let small = try Self.batch(["a", "b"])
        let limit = 4_000
        var source = ByteBoundedBatches(BatchList([small, big, try Self.batch([]), small]), maxBytes: limit)
        var out: [RecordBatch] = []
        while let batch = try source.next() { out.append(batch) }
        #expect(out.first == small && out.last == small, "a batch within the limit is not copied or cut")
        let slices = out.dropFirst().dropLast()
        #expect(slices.count > 1)
        #expect(slices.allSatisfy { $0.memoryBytes <= limit })
        #expect(slices.reduce(0) { $0 + $1.rowCount } == 100)
        let names = slices.flatMap { slice in (0..<slice.rowCount).map { slice.value(row: $0, column: 1) } }
        #expect(names == (0..<100).map { big.value(row: $0, column: 1) }, "every row once, in order")
    }
}
