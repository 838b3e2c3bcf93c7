import Foundation
import Parquet
import SluiceCore
import Testing

/// Files written by pyarrow (scripts/gen-parquet-golden.py) and by Spark's parquet-mr writer (`spark_*`,
/// scripts/gen-parquet-golden-spark.py), committed under Fixtures/golden with their expected values: every type,
/// each encoding, both page versions, every codec, INT96, NULL patterns, empty and single-row files. Sluice must
/// read each with the expected Sluice types and exact values. Spark's files also record their layout (codecs,
/// encodings, page kinds, CRCs, as the generator's own Thrift decoder saw them), which Sluice must read alike.
@Suite struct GoldenFileTests {
    static let directory = TestFiles.fixtures.appendingPathComponent("golden")

    static func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }.sorted()
    }

    @Test func goldenFilesArePresent() {
        #expect(Self.names().count >= 25, "golden files missing in \(Self.directory.path)")
        #expect(Self.names().filter { $0.hasPrefix("spark_") }.count >= 20, "Spark golden files missing in \(Self.directory.path)")
    }

    @Test(arguments: names())
    func goldenFile(_ name: String) throws {
        let json = try Data(contentsOf: Self.directory.appendingPathComponent(name + ".expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let fields = try #require(expected["fields"] as? [[String: Any]])
        let columns = try #require(expected["columns"] as? [[Any]]).map { $0.map { $0 as? String } }
        let rows = try #require(expected["rows"] as? Int)
        let path = Self.directory.appendingPathComponent(name + ".parquet").path
        let reader = try ParquetFileReader(path: path)
        #expect(reader.rowCount == rows)
        let schema = Schema(fields.map { field in
            Field(name: field["name"] as? String ?? "?", type: DataType(parsing: field["type"] as? String ?? "") ?? .binary,
                  nullable: field["nullable"] as? Bool ?? true)
        })
        #expect(reader.schema == schema, "\(name): schema \(reader.schema.fields.map { "\($0.name):\($0.type)\($0.nullable ? "" : " not null")" })")
        var got = Array(repeating: [String?](), count: schema.count)
        var batches = reader.batches()
        while let batch = try batches.next() {
            for (i, column) in Canonical.batch(batch).enumerated() { got[i] += column }
        }
        CrossCheck.compare(got, columns, schema: schema, reader: "sluice reading golden \(name)")
        try checkLayout(name, reader)
        if let layout = expected["layout"] as? [String: Any] {
            try checkRecordedLayout(name, layout, reader)
        }
    }

    /// The footer and page headers as the generator recorded them: per row group and column chunk the path, codec,
    /// encodings, each page as "PAGE_TYPE:ENCODING", and whether every page has a CRC (which Sluice verifies).
    func checkRecordedLayout(_ name: String, _ layout: [String: Any], _ reader: ParquetFileReader) throws {
        #expect(reader.metadata.createdBy == layout["created_by"] as? String, "\(name): created_by")
        let groups = try #require(layout["row_groups"] as? [[[String: Any]]])
        #expect(reader.metadata.rowGroups.count == groups.count, "\(name): row groups")
        for (g, (group, wanted)) in zip(reader.metadata.rowGroups, groups).enumerated() {
            #expect(group.columns.count == wanted.count, "\(name): row group \(g) columns")
            for (chunk, want) in zip(group.columns, wanted) {
                let meta = try #require(chunk.metaData)
                let pages = try pageSummary(reader, meta)
                let got = "\(meta.pathInSchema.joined(separator: ".")) \(meta.codec) "
                    + "\(Set(meta.encodings.map(\.description)).sorted()) \(pages.kinds) crc \(pages.allHaveCRC)"
                let expected = "\(want["column"] as? String ?? "?") \(want["codec"] as? String ?? "?") "
                    + "\(want["encodings"] as? [String] ?? []) \(want["pages"] as? [String] ?? []) crc \(want["crc"] as? Bool ?? false)"
                #expect(got == expected, "\(name): row group \(g)")
            }
        }
    }

    /// Each page of a column chunk as "PAGE_TYPE:ENCODING", and whether every page header carries a CRC.
    func pageSummary(_ reader: ParquetFileReader, _ meta: ParquetColumnMetaData) throws -> (kinds: [String], allHaveCRC: Bool) {
        let start = meta.dictionaryPageOffset.flatMap { $0 > 0 ? $0 : nil } ?? meta.dataPageOffset
        let bytes = try reader.input.read(offset: Int(start), count: Int(meta.totalCompressedSize))
        var kinds: [String] = []
        var allHaveCRC = true
        try bytes.withUnsafeBytes { raw in
            var position = 0
            while position < raw.count {
                let (header, length) = try ParquetPageHeader.decode(UnsafeRawBufferPointer(rebasing: raw[position...]))
                let encoding = header.dataPage?.encoding ?? header.dataPageV2?.encoding ?? header.dictionaryPage?.encoding
                kinds.append("\(header.type):\(encoding.map(\.description) ?? "?")")
                allHaveCRC = allHaveCRC && header.crc != nil
                try #require(header.compressedPageSize >= 0, "negative page size")
                position += length + Int(header.compressedPageSize)
            }
            #expect(position == raw.count, "pages end at \(position), the chunk at \(raw.count)")
        }
        return (kinds, allHaveCRC)
    }

    /// The file really uses the codec or encoding its name says.
    func checkLayout(_ name: String, _ reader: ParquetFileReader) throws {
        let chunks = reader.metadata.rowGroups.flatMap(\.columns).compactMap(\.metaData)
        if name.hasPrefix("codec_") {
            let codec = [
                "codec_none": ParquetCodec.uncompressed, "codec_snappy": .snappy, "codec_gzip": .gzip,
                "codec_zstd": .zstd, "codec_lz4": .lz4Raw, "codec_brotli": .brotli,
            ][name]
            #expect(chunks.allSatisfy { $0.codec == codec }, "\(name): codecs \(chunks.map(\.codec))")
        }
        let encodings: [String: ParquetEncoding] = [
            "enc_delta_binary_packed": .deltaBinaryPacked, "enc_delta_length_byte_array": .deltaLengthByteArray,
            "enc_delta_byte_array": .deltaByteArray, "enc_byte_stream_split": .byteStreamSplit, "enc_rle_boolean": .rle,
        ]
        for (prefix, encoding) in encodings where name.hasPrefix(prefix) {
            #expect(chunks.allSatisfy { $0.encodings.contains(encoding) }, "\(name): encodings \(chunks.map(\.encodings))")
        }
        if name.hasSuffix("_v2") || name == "types_dictionary_v2" {
            // Data page v2: visible in the first page header of the first chunk.
            let chunk = try #require(chunks.first)
            let bytes = try reader.input.read(offset: Int(chunk.dictionaryPageOffset ?? chunk.dataPageOffset),
                                              count: Int(chunk.totalCompressedSize))
            let kinds = try ParquetPageHeader.pageTypes(in: bytes)
            #expect(kinds.contains(.dataPageV2), "\(name): page types \(kinds)")
        }
    }
}
