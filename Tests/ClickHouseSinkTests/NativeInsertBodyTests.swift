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
        let body = NativeInsertBody(encoder: encoder, batches: batches)
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
        let body = NativeInsertBody(encoder: encoder, prefix: statement, batches: [try batch(0..<3)])
        #expect(try drain(body, pieceSize: 5) == statement + (try encoder.encode(try batch(0..<3))))
        #expect(body.progress.rows == 3)
        let empty = NativeInsertBody(encoder: encoder, prefix: statement, batches: [RecordBatch]())
        #expect(try drain(empty, pieceSize: 1000) == statement)
    }

    @Test func batchesArePulledOnlyWhenTheLastBlockIsSent() throws {
        let pulled = Mutex(0)
        let source = try (0..<5).map { try batch(Int64($0 * 100)..<Int64($0 * 100 + 100)) }
        let lazy = source.lazy.map { batch -> RecordBatch in
            pulled.withLock { $0 += 1 }
            return batch
        }
        let body = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), batches: lazy)
        #expect(pulled.withLock { $0 } == 0)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        _ = try body.fill(buffer)
        #expect(pulled.withLock { $0 } == 1)
        let firstBlock = body.progress.largestBlock
        var sent = 64
        while sent < firstBlock {
            sent += try body.fill(buffer)
            #expect(pulled.withLock { $0 } == 1)
        }
        _ = try body.fill(buffer)
        #expect(pulled.withLock { $0 } == 2)
    }

    @Test func encoderErrorsCountRowsFromTheStartOfTheInsert() throws {
        let batches = [try batch(0..<50), try batch(50..<100, badDateAt: 73)]
        let body = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), batches: batches)
        let error = #expect(throws: SluiceError.self) { _ = try drain(body, pieceSize: 4096) }
        #expect(error?.code == .clickHouseValueOutOfRange)
        #expect(error?.context.column == "d")
        #expect(error?.context.row == 73)
    }

    @Test func aBatchOfAnotherSchemaFails() throws {
        let other = try makeBatch(Schema([Field(name: "id", type: .int64, nullable: false)]), [[.int(1)]])
        let body = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), batches: [other])
        let error = #expect(throws: SluiceError.self) { _ = try drain(body, pieceSize: 16) }
        #expect(error?.code == .invalidBatch)
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
