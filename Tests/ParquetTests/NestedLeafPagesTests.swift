@testable import Parquet
import SluiceCore
import Testing

/// A nested column's leaf chunk built page by page by hand (data page v1 and v2, uncompressed, PLAIN values,
/// RLE levels), decoded by ``ColumnChunkDecoder`` with its levels and assembled: records that continue from
/// one page to the next, and level damage inside a page.
@Suite struct NestedLeafPagesTests {
    /// RLE/bit-packed hybrid with only RLE runs (Encodings.md): ULEB128 `count << 1`, then the value in one byte.
    static func rle(_ levels: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < levels.count {
            var end = index
            while end < levels.count, levels[end] == levels[index] { end += 1 }
            var header = (end - index) << 1
            while header >= 0x80 {
                out.append(UInt8(header & 0x7F) | 0x80)
                header >>= 7
            }
            out.append(UInt8(header))
            out.append(UInt8(levels[index]))
            index = end
        }
        return out
    }

    static func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian, Array.init) + bytes
    }

    static func plain(_ values: [Int32]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
    }

    /// One data page v1 of `levels` (repetition, definition) and the PLAIN values of the entries at level 3.
    static func pageV1(_ levels: [(Int, Int)], _ values: [Int32]) -> [UInt8] {
        let body = lengthPrefixed(rle(levels.map(\.0))) + lengthPrefixed(rle(levels.map(\.1))) + plain(values)
        let header = ParquetPageHeader(
            type: .dataPage, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(body.count),
            dataPage: .init(numValues: Int32(levels.count), encoding: .plain, definitionLevelEncoding: .rle,
                            repetitionLevelEncoding: .rle, statistics: nil))
        return header.serialized() + body
    }

    /// The same as a data page v2: levels without length prefixes, their lengths in the header.
    static func pageV2(_ levels: [(Int, Int)], _ values: [Int32], rows: Int) -> [UInt8] {
        let repetition = rle(levels.map(\.0)), definition = rle(levels.map(\.1))
        let body = repetition + definition + plain(values)
        let header = ParquetPageHeader(
            type: .dataPageV2, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(body.count),
            dataPageV2: .init(numValues: Int32(levels.count), numNulls: Int32(levels.count - values.count),
                              numRows: Int32(rows), encoding: .plain,
                              definitionLevelsByteLength: Int32(definition.count),
                              repetitionLevelsByteLength: Int32(repetition.count), isCompressed: false,
                              statistics: nil))
        return header.serialized() + body
    }

    /// Decodes `chunk` as the leaf of `optional group a (LIST) { repeated group list { optional int32 element } }`
    /// and assembles `records` records.
    static func read(_ chunk: [UInt8], entries: Int, records: Int) throws -> [String?] {
        let column = try NestedAssemblerTests.column(NestedAssemblerTests.optionalList)
        let leaf = column.leaves[0]
        var decoder = ColumnChunkDecoder(descriptor: leaf.descriptor, codec: .uncompressed, rows: entries,
                                         options: ParquetReaderOptions(), expectedBytes: chunk.count)
        decoder.levels = (leaf.maxRepetition, leaf.maxDefinition)
        var levels = LeafLevels()
        let values = try chunk.withUnsafeBytes { (raw) throws(SluiceError) in try decoder.decode(raw, levels: &levels) }
        let stream = NestedLeafStream(repetition: levels.repetition, definition: levels.definition, values: values)
        return try NestedAssembler.assemble(column, streams: [stream], records: records)
    }

    // [1,2,3,4] | NULL | [] | [null,5]: the first record's elements are split over the two pages.
    static let first: [(Int, Int)] = [(0, 3), (1, 3)]
    static let second: [(Int, Int)] = [(1, 3), (1, 3), (0, 0), (0, 1), (0, 2), (1, 3)]
    static let expected: [String?] = ["[1,2,3,4]", nil, "[]", "[null,5]"]

    @Test func recordContinuingOnTheNextV1Page() throws {
        let chunk = Self.pageV1(Self.first, [1, 2]) + Self.pageV1(Self.second, [3, 4, 5])
        #expect(try Self.read(chunk, entries: 8, records: 4) == Self.expected)
    }

    @Test func recordContinuingOnTheNextV2Page() throws {
        // A v2 page's num_rows counts the records that start in it.
        let chunk = Self.pageV2(Self.first, [1, 2], rows: 1) + Self.pageV2(Self.second, [3, 4, 5], rows: 3)
        #expect(try Self.read(chunk, entries: 8, records: 4) == Self.expected)
    }

    @Test func pageBoundaryAtEveryEntry() throws {
        let all = Self.first + Self.second
        let values: [Int32] = [1, 2, 3, 4, 5]
        for cut in 1..<all.count {
            let head = Array(all[..<cut]), tail = Array(all[cut...])
            let headValues = head.filter { $0.1 == 3 }.count
            let chunk = Self.pageV1(head, Array(values[..<headValues])) + Self.pageV1(tail, Array(values[headValues...]))
            #expect(try Self.read(chunk, entries: all.count, records: 4) == Self.expected, "cut after entry \(cut)")
        }
    }

    @Test func levelAboveTheMaximumInAPage() throws {
        for (levels, message) in [([(0, 3), (2, 3)], "repetition level 2 above the maximum 1"),
                                  ([(0, 3), (1, 5)], "definition level 5 above the maximum 3")] {
            let chunk = Self.pageV1(levels, [1])
            let error = try #require(throws: SluiceError.self) { _ = try Self.read(chunk, entries: 2, records: 1) }
            #expect(error.code == .parquetCorrupt)
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func moreLevelEntriesThanTheChunkDeclares() throws {
        let chunk = Self.pageV1(Self.first, [1, 2]) + Self.pageV1(Self.second, [3, 4, 5])
        let error = try #require(throws: SluiceError.self) { _ = try Self.read(chunk, entries: 7, records: 4) }
        #expect(error.code == .parquetCorrupt)
        #expect(error.message.contains("data page has 6 level entries where 5 remain of the chunk's 7"), "\(error)")
    }
}
