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
        /// Read completely; `columns` are the file's nested columns, read as JSON text (docs/parquet.md,
        /// "Nested columns"). Every column, flat and nested, equals `reference`'s reading, value by value.
        case nested(rows: Int, columns: [String], reference: Reference = .pyarrow)
        /// Rejected with `code`, a message containing `message` and, when given, `column` named.
        case rejected(SluiceError.Code, String, column: String? = nil)
    }

    /// The other reader a file's values are compared with.
    enum Reference: String { case pyarrow, chdb }

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
        "datapage_v2.snappy.parquet": .nested(rows: 5, columns: ["e"]),
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
        // A MAP whose key is OPTIONAL (the spec says REQUIRED): pyarrow refuses the file ("Map keys must be
        // annotated as required"); Sluice reads it as long as no key is NULL, compared with ClickHouse (chdb).
        "incorrect_map_schema.parquet": .nested(rows: 1, columns: ["my_map"], reference: .chdb),
        // Row 6 holds Julian day -105862232 (about 290,000 BC): outside what microseconds in an Int64 can
        // hold. pyarrow wraps it around silently; Sluice refuses rather than return a wrong timestamp.
        "int96_from_spark.parquet": .rejected(.parquetCorrupt, "INT96 timestamp (Julian day -105862232) is out of range"),
        "int32_decimal.parquet": .reads(rows: 24),
        "int32_with_null_pages.parquet": .reads(rows: 1000),
        "int64_decimal.parquet": .reads(rows: 24),
        // Two maps whose one key is 2^30 times "a": a 1 GiB dictionary page, over the default page limit. Read
        // with a raised limit and compared with pyarrow in LargeNestedValueTests (SLUICE_LARGE_PARQUET=1).
        "large_string_map.brotli.parquet": .rejected(.parquetLimit, "page of 1073741828 bytes exceeds the reader limit of 536870912 bytes (ParquetReaderOptions.maxPageBytes; `sluice parquet cat --max-page-mib`)",
                                                     column: "arr.key_value.key"),
        "list_columns.parquet": .nested(rows: 3, columns: ["int64_list", "utf8_list"]),
        "lz4_raw_compressed.parquet": .reads(rows: 4),
        "lz4_raw_compressed_larger.parquet": .reads(rows: 10000),
        // A MAP without a value field is read, as by Arrow, as the list of its keys.
        "map_no_value.parquet": .nested(rows: 3, columns: ["my_map", "my_map_no_v", "my_list"]),
        "nan_in_stats.parquet": .reads(rows: 2),
        // Old parquet-mr understated total_compressed_size (PARQUET-816); read with the same slack Arrow uses.
        "nation.dict-malformed.parquet": .reads(rows: 25),
        "nested_lists.snappy.parquet": .nested(rows: 3, columns: ["a"]),
        "nested_maps.snappy.parquet": .nested(rows: 6, columns: ["a"]),
        "nested_structs.rust.parquet": .nested(rows: 1, columns: nestedStructsColumns),
        "non_hadoop_lz4_compressed.parquet": .reads(rows: 4),
        "nonnullable.impala.parquet": .nested(rows: 1, columns: ["Int_Array", "int_array_array", "Int_Map",
                                                                    "int_map_array", "nested_Struct"]),
        "null_list.parquet": .nested(rows: 1, columns: ["emptylist"]),                // list<null>
        "nullable.impala.parquet": .nested(rows: 7, columns: ["int_array", "int_array_Array", "int_map",
                                                                 "int_Map_Array", "nested_struct"]),
        "nulls.snappy.parquet": .nested(rows: 8, columns: ["b_struct"]),
        "old_list_structure.parquet": .nested(rows: 1, columns: ["a"]),           // 2-level lists named array
        "overflow_i16_page_cnt.parquet": .reads(rows: 40000),
        "page_v2_empty_compressed.parquet": .reads(rows: 10),
        "plain-dict-uncompressed-checksum.parquet": .reads(rows: 1000),
        "repeated_no_annotation.parquet": .nested(rows: 6, columns: ["phoneNumbers"]),
        // Repeated fields without a LIST annotation, at the top level and in a group: lists.
        "repeated_primitive_no_list.parquet": .nested(rows: 4, columns: ["Int32_list", "String_list", "group_of_lists"]),
        "rle-dict-snappy-checksum.parquet": .reads(rows: 1000),
        "rle-dict-uncompressed-corrupt-checksum.parquet": .rejected(.parquetCorrupt, "page checksum mismatch"),
        "rle_boolean_encoding.parquet": .reads(rows: 68),
        "single_nan.parquet": .reads(rows: 1),
        "sort_columns.parquet": .reads(rows: 6),
        "unknown-logical-type.parquet": .reads(rows: 3),                 // an unknown annotation is ignored
        // bad_data/: corrupt files found by fuzzers. Each is rejected, except one that is in fact valid.
        "bad_data/ARROW-GH-41317.parquet": .rejected(.parquetCorrupt, "invalid Thrift metadata", column: "timestamp_s_no_tz"),
        "bad_data/ARROW-GH-41321.parquet": .rejected(.parquetCorrupt, "RLE/bit-packed data", column: "int64"),
        // "RLE with bit width 0" for a dictionary of exactly one value: valid per the spec (parquet-mr reads
        // it with ZeroIntegerValuesReader); it crashed Go's reader. Read, and equal to pyarrow's reading.
        "bad_data/ARROW-GH-43605.parquet": .reads(rows: 21186),
        // A list whose first repetition level is 1: no record can start there.
        "bad_data/ARROW-GH-45185.parquet": .rejected(.parquetCorrupt, "repetition level 1 starts record 0",
                                                     column: "x.list.element"),
        "bad_data/ARROW-GH-47662.parquet": .rejected(.parquetCorrupt, "PLAIN data is shorter than its 100 values"),
        "bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet": .rejected(.parquetCorrupt, "invalid Thrift metadata"),
        "bad_data/ARROW-RS-GH-6229-LEVELS.parquet": .rejected(.parquetCorrupt, "data page has 21 level entries where 1 remain of the chunk's 1",
                                                              column: "outer.list.item.c"),
        "bad_data/PARQUET-1481.parquet": .rejected(.parquetCorrupt, "unknown physical type -7"),
    ]

    /// nested_structs.rust.parquet: 36 top-level structs of summary statistics (int64, uint64, double and
    /// timestamp fields, some timestamps far outside datetime's range).
    static let nestedStructsColumns = ["roll_num", "PC_CUR", "CVA_2012", "CVA_2016", "BIA_3", "BIA_4",
        "ACTUAL_FRONTAGE", "ACTUAL_DEPTH", "ACTUAL_LOT_SIZE", "GLA", "SOURCE_GLA", "IPS_GLA", "GLA_ALL", "bia",
        "EFFECTIVE_LOT_SIZE", "effective_lot_area", "EFFECTIVE_FRONTAGE", "EFFECTIVE_DEPTH", "rw_area_tot",
        "effective_lot_sqft", "dup", "nonCTXT", "vacantland", "parkingbillboard", "cvalte10", "condootherhotel",
        "calculated_lot_size", "calculated_efflot_size", "missingsite", "missinggla", "missingsitegla",
        "actual_lot_size_sqft", "lotsize_sqft", "count", "ul_observation_date",
        "ul_tz_offset_minutes_ul_observation_date"]

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
            case .rejected: counts.rejected += 1
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
        case .nested(let rows, let columns, let reference):
            let reader = try ParquetFileReader(path: path)
            #expect(reader.unsupportedColumns.isEmpty, "\(reader.unsupportedColumns)")
            let nested = reader.fileSchema.columns.filter { $0.nested != nil }.map(\.name)
            #expect(nested == columns, "nested columns")
            for name in columns { #expect(reader.schema.fields.first { $0.name == name }?.type == .string) }
            let got = try Self.readAll(reader, columns: nil)
            #expect(reader.rowCount == rows)
            #expect(got.allSatisfy { $0.count == rows }, "rows read")
            let other = try Python.canonical(engine: reference.rawValue, path: path, fields: reader.schema.fields)
            #expect(other.rows == rows, "\(reference) reads \(other.rows) rows")
            CrossCheck.compare(got, other.columns, schema: reader.schema, reader: "\(reference) vs sluice \(path)")
        case .rejected(let code, let message, let column):
            let error = try #require(throws: SluiceError.self) {
                let reader = try ParquetFileReader(path: path)
                _ = try Self.readAll(reader, columns: nil)
            }
            #expect(error.code == code, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.context.file == path)
            if let column { #expect(error.context.column == column, "\(error)") }
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
