import ClickHouseSink
import SluiceCore
import Testing

/// The framing of ClickHouse's compressed stream without a server: exact layout, round trips for every method,
/// and a decoder that refuses damaged blocks and never crashes on random bytes.
@Suite struct ClickHouseCompressedBlockTests {
    /// A stored (0x02) block of "ClickHouse", built in Python with `struct` and the checksum of the
    /// `clickhouse-cityhash` 1.0.2.6 package (see CityHash128Tests).
    static let storedClickHouse: [UInt8] = [
        0x42, 0xe5, 0x77, 0xc3, 0xa8, 0x93, 0x79, 0x24, 0x34, 0xb8, 0xae, 0xe1, 0xe9, 0xab, 0xd4, 0xf8,
        0x02, 0x13, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00,
        0x43, 0x6c, 0x69, 0x63, 0x6b, 0x48, 0x6f, 0x75, 0x73, 0x65,
    ]

    @Test func storedBlockIsByteForByteTheReference() throws {
        let block = try ClickHouseBlockCompressor(method: .none).compress(Array("ClickHouse".utf8))
        #expect(block == Self.storedClickHouse)
        let decoded = try ClickHouseCompressedBlock.decode(Self.storedClickHouse)
        #expect(decoded == ClickHouseCompressedBlock.Decoded(method: .none, data: Array("ClickHouse".utf8), size: 35))
    }

    /// Text-like data (compressible) and pseudo-random bytes (not), from empty to larger than a stream's blocks.
    static func sample(_ count: Int, random: Bool) -> [UInt8] {
        if random {
            var generator = SplitMix64(seed: UInt64(count))
            return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        }
        let words = ["customer-", "order ", "paid", "shipped", "2024-01-0", "\t", "\n", "zoë"].map { Array($0.utf8) }
        var out: [UInt8] = []
        var index = 0
        while out.count < count {
            out += words[index % words.count] + Array(String(index % 977).utf8)
            index += 1
        }
        return Array(out.prefix(count))
    }

    static let methods: [(ClickHouseCompressedBlock.Method, Int32)] = [(.none, 1), (.lz4, 1), (.zstd, 1), (.zstd, 3), (.zstd, 19)]

    @Test(arguments: methods)
    func roundTripsWithTheDocumentedLayout(method: ClickHouseCompressedBlock.Method, level: Int32) throws {
        let compressor = try ClickHouseBlockCompressor(method: method, level: level)
        for count in [0, 1, 15, 16, 1000, 65_536, 1 << 20, (1 << 20) + 17] {
            for random in [false, true] {
                let data = Self.sample(count, random: random)
                let block = try compressor.compress(data)
                #expect(block.count <= compressor.maximumBlockSize(uncompressed: count))
                // Checksum, method, compressed size with the header, uncompressed size, then the payload.
                #expect(block[16] == method.rawValue)
                #expect(Self.uint32(block, at: 17) == UInt32(block.count - 16))
                #expect(Self.uint32(block, at: 21) == UInt32(count))
                #expect(Array(block[0..<16]) == CityHash128(hashing: Array(block[16...])).bytes)
                if method == .none { #expect(Array(block[25...]) == data) }
                if method != .none && !random && count >= 1000 { #expect(block.count * 3 < count * 2, "\(method) compresses text") }
                let decoded = try ClickHouseCompressedBlock.decode(block)
                #expect(decoded?.data == data, "\(method) \(count) bytes, random \(random)")
                #expect(decoded?.size == block.count)
                #expect(decoded?.method == method)
            }
        }
    }

    @Test func aStreamIsBlocksBackToBack() throws {
        let lz4 = try ClickHouseBlockCompressor(method: .lz4)
        let zstd = try ClickHouseBlockCompressor(method: .zstd)
        let parts = [Self.sample(100, random: false), Self.sample(0, random: false), Self.sample(5000, random: true)]
        let stream = try lz4.compress(parts[0]) + (try zstd.compress(parts[1])) + (try lz4.compress(parts[2]))
        #expect(try ClickHouseCompressedBlock.decodeStream(stream) == parts.flatMap { $0 })
        #expect(try ClickHouseCompressedBlock.decodeStream([]) == [])
        let cut = #expect(throws: SluiceError.self) { try ClickHouseCompressedBlock.decodeStream(Array(stream.dropLast())) }
        #expect(cut?.code == .clickHouseCorruptBlock)
    }

    @Test func incompleteBlocksNeedMoreBytes() throws {
        let block = try ClickHouseBlockCompressor(method: .zstd).compress(Self.sample(3000, random: false))
        for length in 0..<block.count {
            #expect(try ClickHouseCompressedBlock.decode(Array(block[..<length])) == nil)
        }
    }

    @Test func badHeadersAreRefused() throws {
        let data = Self.sample(2000, random: false)
        let good = try ClickHouseBlockCompressor(method: .lz4).compress(data)
        func refused(_ edit: (inout [UInt8]) -> Void, rehash: Bool = true) -> String? {
            var block = good
            edit(&block)
            if rehash { block.replaceSubrange(0..<16, with: CityHash128(hashing: Array(block[16...])).bytes) }
            do {
                _ = try ClickHouseCompressedBlock.decode(block)
                return nil
            } catch {
                #expect(error.code == .clickHouseCorruptBlock)
                return error.message
            }
        }
        #expect(refused({ $0[3] ^= 0x10 }, rehash: false)?.contains("checksum does not match") == true)
        #expect(refused({ $0[30] ^= 0x01 }, rehash: false)?.contains("checksum does not match") == true)
        #expect(refused({ $0[16] = 0x91 })?.contains("unknown compression method") == true)
        #expect(refused({ Self.setUInt32(&$0, at: 17, 5) })?.contains("compressed size") == true)
        #expect(refused({ Self.setUInt32(&$0, at: 21, UInt32(data.count + 1)) }) != nil)
        #expect(refused({ Self.setUInt32(&$0, at: 21, UInt32(1 << 30) + 1) })?.contains("larger than") == true)
        #expect(refused({ Self.setUInt32(&$0, at: 21, UInt32(1 << 29)) })?.contains("cannot decompress") == true)
        // A block declaring more bytes than follow is incomplete, not corrupt.
        var longer = good
        Self.setUInt32(&longer, at: 17, UInt32(good.count))
        #expect(try ClickHouseCompressedBlock.decode(longer) == nil)
    }

    @Test func zstdLevelsAreChecked() {
        #expect(throws: SluiceError.self) { try ClickHouseBlockCompressor(method: .zstd, level: 0) }
        #expect(throws: SluiceError.self) { try ClickHouseBlockCompressor(method: .zstd, level: 23) }
        #expect(throws: Never.self) { try ClickHouseBlockCompressor(method: .lz4, level: 0) }
    }

    /// Random bytes, and valid blocks with random damage (with the checksum recomputed, so that the damage
    /// reaches LZ4 and zstd), never crash the decoder: each is decoded, refused, or found incomplete.
    @Test func randomBytesNeverCrashTheDecoder() throws {
        var random = SplitMix64(seed: 2026)
        var outcomes = [0, 0, 0]  // decoded, refused, incomplete
        func attempt(_ bytes: [UInt8]) {
            do {
                let decoded = try ClickHouseCompressedBlock.decode(bytes)
                outcomes[decoded == nil ? 2 : 0] += 1
            } catch {
                #expect(error.code == .clickHouseCorruptBlock)
                outcomes[1] += 1
            }
        }
        for _ in 0..<3000 {
            attempt((0..<Int(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
        // Random bytes behind a plausible header.
        for method in ClickHouseCompressedBlock.Method.allCases {
            for _ in 0..<1000 {
                let payload = (0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                var block = [UInt8](repeating: 0, count: 25) + payload
                block[16] = method.rawValue
                Self.setUInt32(&block, at: 17, UInt32(9 + payload.count))
                Self.setUInt32(&block, at: 21, UInt32(random.next() % 5000))
                block.replaceSubrange(0..<16, with: CityHash128(hashing: Array(block[16...])).bytes)
                attempt(block)
            }
        }
        for (method, level) in Self.methods {
            let compressor = try ClickHouseBlockCompressor(method: method, level: level)
            let good = try compressor.compress(Self.sample(700, random: false))
            for _ in 0..<2000 {
                var block = good
                for _ in 0...(random.next() % 4) {
                    let position = 16 + Int(random.next() % UInt64(block.count - 16))
                    block[position] = UInt8(truncatingIfNeeded: random.next())
                }
                block.replaceSubrange(0..<16, with: CityHash128(hashing: Array(block[16...])).bytes)
                attempt(block)
                attempt(Array(block.prefix(Int(random.next() % UInt64(block.count)))))
            }
        }
        #expect(outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0, "\(outcomes)")
    }

    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    static func setUInt32(_ bytes: inout [UInt8], at offset: Int, _ value: UInt32) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}
