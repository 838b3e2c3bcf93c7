import Foundation
import Parquet
import SluiceCore
import Testing

/// Every file of the Apache parquet-testing corpus (../shared/parquet-testing), file by file: Sluice reads it
/// with exactly the values of its `*_expect.csv` or of pyarrow's reading, or rejects it with a clear error.
@Suite struct ParquetTestingCorpusTests {
    enum Outcome {
        /// Read completely; values equal the expected CSV when there is one, else pyarrow's.
        case reads(rows: Int)
        /// Rejected as a whole because of the named nested column; `flat` columns read and match pyarrow.
        case nested(column: String, flat: [String])
        /// Rejected with `code` and a message containing `message`.
        case rejected(SluiceError.Code, String)
        /// Has nested columns (rejected as a whole) and reading its flat columns alone is rejected with
        /// `code` and a message containing `message`.
        case nestedAndCorrupt(SluiceError.Code, String)
    }

    static let corpus: [String: Outcome] = [
        "alltypes_dictionary.parquet": .reads(rows: 2),
        "alltypes_plain.parquet": .reads(rows: 8),                       // INT96 timestamps (Impala)
        "alltypes_plain.snappy.parquet": .reads(rows: 2),
        "alltypes_tiny_pages.parquet": .reads(rows: 7300),              // many small pages, page index
        "alltypes_tiny_pages_plain.parquet": .reads(rows: 7300),
        "binary.parquet": .reads(rows: 12),
        "binary_truncated_min_max.parquet": .reads(rows: 12),
        "byte_array_decimal.parquet": .reads(rows: 24),                 // DECIMAL on BYTE_ARRAY
        "byte_stream_split.zstd.parquet": .reads(rows: 300),
        "byte_stream_split_extended.gzip.parquet": .reads(rows: 200),   // BSS for FLOAT16/INT32/INT64/FLBA/decimal
        "column_chunk_key_value_metadata.parquet": .reads(rows: 0),
        "concatenated_gzip_members.parquet": .reads(rows: 513),
        "data_index_bloom_encoding_stats.parquet": .reads(rows: 14),
        "data_index_bloom_encoding_with_length.parquet": .reads(rows: 14),
        // The page CRC does not match its bytes (on purpose); Sluice verifies CRCs when present.
        "datapage_v1-corrupt-checksum.parquet": .rejected(.parquetCorrupt, "page checksum mismatch"),
        "datapage_v1-snappy-compressed-checksum.parquet": .reads(rows: 5120),
        "datapage_v1-uncompressed-checksum.parquet": .reads(rows: 5120),
        "datapage_v2.snappy.parquet": .nested(column: "e", flat: ["a", "b", "c", "d"]),
        "datapage_v2_empty_datapage.snappy.parquet": .reads(rows: 1),
        "delta_binary_packed.parquet": .reads(rows: 200),               // checked against delta_binary_packed_expect.csv
        "delta_byte_array.parquet": .reads(rows: 1000),                 // against its _expect.csv
        "delta_encoding_optional_column.parquet": .reads(rows: 100),    // against its _expect.csv
        "delta_encoding_required_column.parquet": .reads(rows: 100),    // against its _expect.csv
        "delta_length_byte_array.parquet": .reads(rows: 1000),
        "dict-page-offset-zero.parquet": .reads(rows: 39),
        "fixed_length_byte_array.parquet": .reads(rows: 1000),
        "fixed_length_decimal.parquet": .reads(rows: 24),
        "fixed_length_decimal_legacy.parquet": .reads(rows: 24),
        "float16_nonzeros_and_nans.parquet": .reads(rows: 8),
        "float16_zeros_and_nans.parquet": .reads(rows: 3),
        "floating_orders_nan_count.parquet": .reads(rows: 50),
        "hadoop_lz4_compressed.parquet": .reads(rows: 4),
        "hadoop_lz4_compressed_larger.parquet": .reads(rows: 10000),
        "incorrect_map_schema.parquet": .nested(column: "my_map", flat: []),
        // Row 6 holds Julian day -105862232 (about 290,000 BC): outside what microseconds in an Int64 can
        // hold. pyarrow wraps it around silently; Sluice refuses rather than return a wrong timestamp.
        "int96_from_spark.parquet": .rejected(.parquetCorrupt, "INT96 timestamp (Julian day -105862232) is out of range"),
        "int32_decimal.parquet": .reads(rows: 24),
        "int32_with_null_pages.parquet": .reads(rows: 1000),
        "int64_decimal.parquet": .reads(rows: 24),
        // A 1 GiB string map value: over the default page limit.
        "large_string_map.brotli.parquet": .rejected(.parquetLimit, "exceeds the reader limit"),
        "list_columns.parquet": .nested(column: "int64_list", flat: []),
        "lz4_raw_compressed.parquet": .reads(rows: 4),
        "lz4_raw_compressed_larger.parquet": .reads(rows: 10000),
        "map_no_value.parquet": .nested(column: "my_map", flat: []),
        "nan_in_stats.parquet": .reads(rows: 2),
        // Old parquet-mr understated total_compressed_size (PARQUET-816); read with the same slack Arrow uses.
        "nation.dict-malformed.parquet": .reads(rows: 25),
        "nested_lists.snappy.parquet": .nested(column: "a", flat: ["b"]),
        "nested_maps.snappy.parquet": .nested(column: "a", flat: ["b", "c"]),
        "nested_structs.rust.parquet": .nested(column: "roll_num", flat: []),
        "non_hadoop_lz4_compressed.parquet": .reads(rows: 4),
        "nonnullable.impala.parquet": .nested(column: "Int_Array", flat: ["ID"]),
        "null_list.parquet": .nested(column: "emptylist", flat: []),
        "nullable.impala.parquet": .nested(column: "int_array", flat: ["id"]),
        "nulls.snappy.parquet": .nested(column: "b_struct", flat: []),
        "old_list_structure.parquet": .nested(column: "a", flat: []),
        "overflow_i16_page_cnt.parquet": .reads(rows: 40000),
        "page_v2_empty_compressed.parquet": .reads(rows: 10),
        "plain-dict-uncompressed-checksum.parquet": .reads(rows: 1000),
        "repeated_no_annotation.parquet": .nested(column: "phoneNumbers", flat: ["id"]),
        "repeated_primitive_no_list.parquet": .nested(column: "Int32_list", flat: []),
        "rle-dict-snappy-checksum.parquet": .reads(rows: 1000),
        "rle-dict-uncompressed-corrupt-checksum.parquet": .rejected(.parquetCorrupt, "page checksum mismatch"),
        "rle_boolean_encoding.parquet": .reads(rows: 68),
        "single_nan.parquet": .reads(rows: 1),
        "sort_columns.parquet": .reads(rows: 6),
        "unknown-logical-type.parquet": .reads(rows: 3),                 // an unknown annotation is ignored
        // bad_data/: corrupt files found by fuzzers. Each is rejected, except one that is in fact valid.
        "bad_data/ARROW-GH-41317.parquet": .nestedAndCorrupt(.parquetCorrupt, "invalid Thrift metadata"),
        "bad_data/ARROW-GH-41321.parquet": .nestedAndCorrupt(.parquetCorrupt, "RLE/bit-packed data"),
        // "RLE with bit width 0" for a dictionary of exactly one value: valid per the spec (parquet-mr reads
        // it with ZeroIntegerValuesReader); it crashed Go's reader. Read, and equal to pyarrow's reading.
        "bad_data/ARROW-GH-43605.parquet": .reads(rows: 21186),
        "bad_data/ARROW-GH-45185.parquet": .rejected(.parquetCorrupt, "repetition level 1 starts record 0"),
        "bad_data/ARROW-GH-47662.parquet": .rejected(.parquetCorrupt, "PLAIN data is shorter than its 100 values"),
        "bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet": .rejected(.parquetCorrupt, "invalid Thrift metadata"),
        "bad_data/ARROW-RS-GH-6229-LEVELS.parquet": .rejected(.parquetCorrupt, "data page has 21 values where 1 rows remain"),
        "bad_data/PARQUET-1481.parquet": .rejected(.parquetCorrupt, "unknown physical type -7"),
    ]

    static func corpusFiles() throws -> [String] {
        let root = TestFiles.parquetTesting
        let top = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".parquet") }
        let bad = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("bad_data").path)
            .filter { $0.hasSuffix(".parquet") }.map { "bad_data/" + $0 }
        return (top + bad).sorted()
    }

    @Test func everyFileHasAStatedOutcome() throws {
        let files = try Self.corpusFiles()
        #expect(!files.isEmpty, "no parquet-testing files at \(TestFiles.parquetTesting.path)")
        for file in files { #expect(Self.corpus[file] != nil, "\(file) has no entry in the corpus table") }
        for file in Self.corpus.keys { #expect(files.contains(file), "\(file) is in the table but not on disk") }
        let counts = Self.corpus.values.reduce(into: (reads: 0, nested: 0, rejected: 0)) { counts, outcome in
            switch outcome {
            case .reads: counts.reads += 1
            case .nested: counts.nested += 1
            case .rejected, .nestedAndCorrupt: counts.rejected += 1
            }
        }
        #expect(counts.reads + counts.nested + counts.rejected == files.count)
    }

    @Test(arguments: corpus.keys.sorted())
    func file(_ name: String) throws {
        let path = TestFiles.parquetTesting.appendingPathComponent(name).path
        switch Self.corpus[name]! {
        case .reads(let rows):
            let reader = try ParquetFileReader(path: path)
            let got = try Self.readAll(reader, columns: nil)
            #expect(got.first?.count ?? reader.rowCount == rows)
            #expect(reader.rowCount == rows)
            try Self.compareWithReference(path: path, fields: reader.schema.fields, got: got)
        case .nested(let column, let flat):
            // Nested columns are read as JSON text (value checks against pyarrow: not yet in this suite).
            let reader = try ParquetFileReader(path: path)
            #expect(reader.schema.fields.contains { $0.name == column })
            _ = try Self.readAll(reader, columns: nil)
            if !flat.isEmpty {
                let got = try Self.readAll(reader, columns: flat)
                let fields = flat.map { name in reader.schema.fields.first { $0.name == name }! }
                try Self.compareWithReference(path: path, fields: fields, got: got)
            }
        case .rejected(let code, let message):
            let error = try #require(throws: SluiceError.self) {
                let reader = try ParquetFileReader(path: path)
                _ = try Self.readAll(reader, columns: nil)
            }
            #expect(error.code == code, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.context.file == path)
        case .nestedAndCorrupt(let code, _):
            let reader = try ParquetFileReader(path: path)
            let error = try #require(throws: SluiceError.self) { _ = try Self.readAll(reader, columns: nil) }
            #expect(error.code == code, "\(error)")
            #expect(error.context.file == path)
            #expect(error.context.column != nil)
        }
    }

    static func readAll(_ reader: ParquetFileReader, columns: [String]?) throws -> [[String?]] {
        var got = Array(repeating: [String?](), count: columns?.count ?? reader.schema.count)
        var batches = reader.batches(columns: columns)
        while let batch = try batches.next() {
            for (i, column) in Canonical.batch(batch).enumerated() { got[i] += column }
        }
        return got
    }

    /// Compares with `<stem>_expect.csv` when it exists, else with pyarrow's reading of the same columns.
    static func compareWithReference(path: String, fields: [Field], got: [[String?]]) throws {
        let expectPath = path.replacingOccurrences(of: ".parquet", with: "_expect.csv")
        if FileManager.default.fileExists(atPath: expectPath) {
            let rows = CSV.parse(try String(contentsOfFile: expectPath, encoding: .utf8)).dropFirst()
            #expect(rows.count == got.first?.count ?? 0, "rows in \(expectPath)")
            for (i, field) in fields.enumerated() {
                let want = rows.map { $0.count > i ? $0[i] : nil }
                if let row = got[i].indices.first(where: { got[i][$0] != want[$0] }) {
                    Issue.record("\(field.name) row \(row): got \(got[i][row] ?? "NULL"), expected CSV \(want[row] ?? "NULL")")
                }
            }
            return
        }
        let other = try Python.canonical(engine: "pyarrow", path: path, fields: fields)
        CrossCheck.compare(got, other.columns, schema: Schema(fields), reader: "pyarrow vs sluice \(path)")
    }
}
