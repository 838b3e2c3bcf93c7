import ClickHouseSink
import SluiceCore
import Synchronization
import Testing

/// The streaming body without HTTP: drained in small pieces, it must equal the blocks back to back,
/// pull batches only when the previous block is gone, and count rows across batches in errors.
@Suite struct NativeInsertBodyTests {
    let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "d", type: .date, nullable: true)])

    func batch(_ ids: Range<Int64>, badDateAt: Int64? = nil) throws -> RecordBatch {
        try makeBatch(schema, ids.map { [.int($0), $0 == badDateAt ? .int(-1) : ($0 % 3 == 0 ? .null : .int($0))] })
    }

    @Test(arguments: [1, 7, 100, 1 << 20])
    func drainedBodyEqualsTheBlocks(pieceSize: Int) throws {
        let batches = [try batch(0..<10), try batch(10..<10), try batch(10..<25), try batch(25..<26)]
        let encoder = ClickHouseNativeEncoder(schema: schema)
        var expected: [UInt8] = []
        var row = 0
        for batch in batches where batch.rowCount > 0 {
            expected += try encoder.encode(batch, firstRow: row)
            row += batch.rowCount
        }
        let body = NativeInsertBody(encoder: encoder, batches: BatchList(batches))
        let drained = try drain(body, pieceSize: pieceSize)
        #expect(drained == expected)
        #expect(body.progress.rows == 26)
        #expect(body.progress.batches == 3)  // the empty batch sends nothing
        #expect(body.progress.bytes == expected.count)
        let spare = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
        defer { spare.deallocate() }
        #expect(try body.fill(spare) == 0)
    }

    @Test func prefixGoesFirst() throws {
        let encoder = ClickHouseNativeEncoder(schema: schema)
        let statement = Array("INSERT INTO `d`.`t` (`id`, `d`) FORMAT Native\n".utf8)
        let body = NativeInsertBody(encoder: encoder, prefix: statement, batches: BatchList([try batch(0..<3)]))
        #expect(try drain(body, pieceSize: 5) == statement + (try encoder.encode(try batch(0..<3))))
        #expect(body.progress.rows == 3)
        let empty = NativeInsertBody(encoder: encoder, prefix: statement, batches: BatchList([]))
        #expect(try drain(empty, pieceSize: 1000) == statement)
    }

    @Test func batchesArePulledOnlyWhenTheLastBlockIsSent() throws {
        let pulled = Mutex(0)
        let source = try (0..<5).map { try batch(Int64($0 * 100)..<Int64($0 * 100 + 100)) }
        let lazy = source.lazy.map { batch -> RecordBatch in
            pulled.withLock { $0 += 1 }
            return batch
        }
        let body = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), batches: SequenceBatchSource(lazy))
        #expect(pulled.withLock { $0 } == 0)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        _ = try body.fill(buffer)
        #expect(pulled.withLock { $0 } == 1)
        let firstBlock = body.progress.largestBlock
        var sent = 64
        while sent + 64 <= firstBlock {
            sent += try body.fill(buffer)
            #expect(pulled.withLock { $0 } == 1)
        }
        // The call that reaches the end of the first block fills the rest of the buffer from the second.
        #expect(try body.fill(buffer) == 64)
        #expect(pulled.withLock { $0 } == 2)
    }

    @Test func encoderErrorsCountRowsFromTheStartOfTheInsert() throws {
        let batches = [try batch(0..<50), try batch(50..<100, badDateAt: 73)]
        let body = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), batches: BatchList(batches))
        let error = #expect(throws: SluiceError.self) { _ = try drain(body, pieceSize: 4096) }
        #expect(error?.code == .clickHouseValueOutOfRange)
        #expect(error?.context.column == "d")
        #expect(error?.context.row == 73)
    }

    @Test func aBatchOfAnotherSchemaFails() throws {
        let other = try makeBatch(Schema([Field(name: "id", type: .int64, nullable: false)]), [[.int(1)]])
        let body = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), batches: BatchList([other]))
        let error = #expect(throws: SluiceError.self) { _ = try drain(body, pieceSize: 16) }
        #expect(error?.code == .invalidBatch)
    }

    /// A source that cannot produce its third batch.
    struct FailingSource: BatchSource, Sendable {
        var batches: [RecordBatch]
        mutating func next() throws(SluiceError) -> RecordBatch? {
            guard !batches.isEmpty else { throw SluiceError(.invalidBatch, "row group 2 of the shard is damaged") }
            return batches.removeFirst()
        }
    }

    @Test(arguments: [7, 64, 1 << 20])
    func aFailureSendsThePoisonBlockBeforeItIsThrown(pieceSize: Int) throws {
        let encoder = ClickHouseNativeEncoder(schema: schema)
        let batches = [try batch(0..<10), try batch(10..<20)]
        let body = NativeInsertBody(encoder: encoder, prefix: [0x41], batches: FailingSource(batches: batches))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: pieceSize, alignment: 1)
        defer { buffer.deallocate() }
        var sent: [UInt8] = []
        var thrown: SluiceError?
        while thrown == nil {
            do {
                let count = try body.fill(buffer)
                #expect(count > 0, "the body must never end cleanly after a failure")
                if count == 0 { break }
                sent += buffer.prefix(count)
            } catch {
                thrown = error
            }
        }
        // Everything before the failure, then a block that makes ClickHouse reject the whole insert.
        let expected = [0x41] + (try encoder.encode(batches[0], firstRow: 0)) + (try encoder.encode(batches[1], firstRow: 10))
        #expect(sent == expected + NativeInsertBody.poison)
        #expect(thrown?.message == "row group 2 of the shard is damaged")
        #expect(body.failure == thrown)
        #expect(throws: SluiceError.self) { _ = try body.fill(buffer) }
    }

    private func drain(_ body: NativeInsertBody, pieceSize: Int) throws(SluiceError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: pieceSize, alignment: 1)
        defer { buffer.deallocate() }
        var out: [UInt8] = []
        while true {
            let count = try body.fill(buffer)
            if count == 0 { return out }
            out += buffer.prefix(count)
        }
    }
}
