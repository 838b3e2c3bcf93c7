import ClickHouseSink
import SluiceCore
import Synchronization
import Testing

/// The compressed streaming body without HTTP: its blocks decode to exactly the Native body, hold `blockSize`
/// bytes each (the last may hold fewer) whatever the Native block boundaries, pull batches only as blocks need
/// them, and send the poison inside a whole block before a failure is thrown.
@Suite struct CompressedInsertBodyTests {
    let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "s", type: .string, nullable: true)])
    let statement = Array("INSERT INTO `d`.`t` (`id`, `s`) FORMAT Native\n".utf8)

    func batch(_ ids: Range<Int64>) throws -> RecordBatch {
        try makeBatch(schema, ids.map { [.int($0), $0 % 5 == 0 ? .null : .string("value \($0 % 17)")] })
    }

    func nativeBytes(_ batches: [RecordBatch]) throws -> [UInt8] {
        try drain(NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), prefix: statement, batches: BatchList(batches)),
                  pieceSize: 1 << 16)
    }

    func compressedBody(_ batches: sending some BatchSource, method: ClickHouseCompressedBlock.Method,
                        blockSize: Int) throws -> CompressedInsertBody {
        let native = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), prefix: statement, batches: batches)
        return try CompressedInsertBody(native: native, method: method, level: 3, blockSize: blockSize)
    }

    /// Splits a stream into its blocks.
    func blocks(_ stream: [UInt8]) throws -> [ClickHouseCompressedBlock.Decoded] {
        var out: [ClickHouseCompressedBlock.Decoded] = []
        var offset = 0
        while offset < stream.count {
            let block = try #require(try stream.withUnsafeBytes { try ClickHouseCompressedBlock.decode(UnsafeRawBufferPointer(rebasing: $0[offset...])) })
            out.append(block)
            offset += block.size
        }
        return out
    }

    static let shapes: [(ClickHouseCompressedBlock.Method, Int, Int)] = [
        (.lz4, 7, 1), (.lz4, 1000, 333), (.zstd, 1000, 4096), (.none, 64, 100), (.lz4, 1 << 20, 1 << 20), (.zstd, 1 << 20, 7),
    ]

    @Test(arguments: shapes)
    func blocksCarryTheNativeBodyAcrossItsBlockBoundaries(method: ClickHouseCompressedBlock.Method, blockSize: Int, pieceSize: Int) throws {
        let batches = [try batch(0..<100), try batch(100..<100), try batch(100..<1500), try batch(1500..<1501)]
        let expected = try nativeBytes(batches)
        let body = try compressedBody(BatchList(batches), method: method, blockSize: blockSize)
        let stream = try drain(body, pieceSize: pieceSize)
        let decoded = try blocks(stream)
        #expect(decoded.flatMap(\.data) == expected)
        #expect(decoded.allSatisfy { $0.method == method })
        // Every block but the last is full: blocks ignore the statement's and the Native blocks' ends.
        #expect(decoded.dropLast().allSatisfy { $0.data.count == blockSize })
        #expect(decoded.count == (expected.count + blockSize - 1) / blockSize)
        #expect(body.progress.bytes == stream.count)
        #expect(body.progress.blocks == decoded.count)
        #expect(body.progress.storedBlocks == 0)
        #expect(body.native.progress.rows == 1501)
        #expect(body.native.progress.bytes == expected.count)
        let spare = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
        defer { spare.deallocate() }
        #expect(try body.fill(spare) == 0)
    }

    @Test func anEmptyInsertIsTheStatementInOneBlock() throws {
        let body = try compressedBody(BatchList([]), method: .lz4, blockSize: 1 << 20)
        let decoded = try blocks(try drain(body, pieceSize: 100))
        #expect(decoded.map(\.data) == [statement])
    }

    @Test func batchesArePulledOnlyWhenABlockNeedsThem() throws {
        let pulled = Mutex(0)
        let source = try (0..<20).map { try batch(Int64($0 * 100)..<Int64($0 * 100 + 100)) }
        let blockBytes = try ClickHouseNativeEncoder(schema: schema).encode(source[0]).count
        let lazy = source.lazy.map { batch -> RecordBatch in
            pulled.withLock { $0 += 1 }
            return batch
        }
        // Two and a half Native blocks per compressed block.
        let body = try compressedBody(SequenceBatchSource(lazy), method: .lz4, blockSize: blockBytes * 5 / 2)
        #expect(pulled.withLock { $0 } == 0)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        _ = try body.fill(buffer)
        #expect(pulled.withLock { $0 } == 3, "the first block needs the statement and two and a half batches")
        while body.progress.blocks == 1 { _ = try body.fill(buffer) }
        #expect(pulled.withLock { $0 } == 5)
    }

    /// A source that cannot produce its third batch.
    struct FailingSource: BatchSource, Sendable {
        var batches: [RecordBatch]
        mutating func next() throws(SluiceError) -> RecordBatch? {
            guard !batches.isEmpty else { throw SluiceError(.invalidBatch, "row group 2 of the shard is damaged") }
            return batches.removeFirst()
        }
    }

    @Test(arguments: [(ClickHouseCompressedBlock.Method.lz4, 100, 7), (.zstd, 1 << 20, 1 << 19), (.lz4, 1 << 20, 3)])
    func aFailureSendsThePoisonInAWholeBlockBeforeItIsThrown(method: ClickHouseCompressedBlock.Method, blockSize: Int, pieceSize: Int) throws {
        let encoder = ClickHouseNativeEncoder(schema: schema)
        let batches = [try batch(0..<10), try batch(10..<20)]
        let body = try compressedBody(FailingSource(batches: batches), method: method, blockSize: blockSize)
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
        let expected = statement + (try encoder.encode(batches[0], firstRow: 0)) + (try encoder.encode(batches[1], firstRow: 10))
            + NativeInsertBody.poison
        // Whole blocks only: the last one, with the poison, arrived complete.
        #expect(try ClickHouseCompressedBlock.decodeStream(sent) == expected)
        #expect(thrown?.message == "row group 2 of the shard is damaged")
        #expect(body.failure == thrown)
        #expect(throws: SluiceError.self) { _ = try body.fill(buffer) }
    }

    @Test func encoderErrorsStillNameTheRow() throws {
        let other = try makeBatch(Schema([Field(name: "id", type: .int64, nullable: false)]), [[.int(1)]])
        let body = try compressedBody(BatchList([try batch(0..<3), other]), method: .zstd, blockSize: 1 << 20)
        let error = #expect(throws: SluiceError.self) { _ = try drain(body, pieceSize: 1 << 16) }
        #expect(error?.code == .invalidBatch)
    }

    @Test func zstdLevelIsChecked() {
        let native = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), batches: BatchList([]))
        #expect(throws: SluiceError.self) { try CompressedInsertBody(native: native, method: .zstd, level: 30) }
    }

    private func drain(_ body: NativeInsertBody, pieceSize: Int) throws(SluiceError) -> [UInt8] {
        try drain(pieceSize: pieceSize) { (buffer) throws(SluiceError) in try body.fill(buffer) }
    }

    private func drain(_ body: CompressedInsertBody, pieceSize: Int) throws(SluiceError) -> [UInt8] {
        try drain(pieceSize: pieceSize) { (buffer) throws(SluiceError) in try body.fill(buffer) }
    }

    private func drain(pieceSize: Int, _ fill: (UnsafeMutableRawBufferPointer) throws(SluiceError) -> Int) throws(SluiceError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: pieceSize, alignment: 1)
        defer { buffer.deallocate() }
        var out: [UInt8] = []
        while true {
            let count = try fill(buffer)
            if count == 0 { return out }
            out += buffer.prefix(count)
        }
    }
}
