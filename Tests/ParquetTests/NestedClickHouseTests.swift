import Foundation
import Parquet
import SluiceCore
import Testing

/// Sluice's JSON text of nested columns is what ClickHouse's JSON functions read: for parquet-testing files,
/// `JSONExtract(text, T)` (T the type ClickHouse gives the column) equals ClickHouse's own reading of the
/// Parquet column, row by row (chdb; Fixtures/scripts/clickhouse_json.py).
@Suite struct NestedClickHouseTests {
    static let files = ["nullable.impala.parquet", "nonnullable.impala.parquet", "list_columns.parquet",
                        "nested_lists.snappy.parquet", "nulls.snappy.parquet", "nested_structs.rust.parquet",
                        "datapage_v2.snappy.parquet", "old_list_structure.parquet"]

    /// Where ClickHouse cannot hold the value, file/column/row -> (its Parquet reading, JSONExtract's): it has no
    /// NULL array, map or tuple inside an array (its Parquet reader puts an empty one, JSONExtract drops the
    /// element), and DateTime64 stops at 9999-12-31 (its Parquet reader clamps, JSONExtract gives 1970).
    static let unrepresentable: [String: (native: String, extracted: String)] = [
        "nullable.impala.parquet/int_array_Array/2": ("[[]]", "[]"),
        "nullable.impala.parquet/int_Map_Array/2": ("[{},{}]", "[]"),
        "nullable.impala.parquet/nested_struct/6": ("(7,[2,3,NULL],([[],[(NULL,NULL)],[]]),{})",
                                                    "(7,[2,3,NULL],([[],[],[]]),{})"),
        "nested_structs.rust.parquet/ul_observation_date/0": (
            "('9999-12-31 23:59:59.000000','9999-12-31 23:59:59.000000','1970-01-01 00:00:00.000000',495,'1970-01-01 00:00:00.000000','1970-01-01 00:00:00.000000')",
            "('1970-01-01 00:00:00.000000','1970-01-01 00:00:00.000000','1970-01-01 00:00:00.000000',495,'1970-01-01 00:00:00.000000','1970-01-01 00:00:00.000000')"),
    ]

    @Test(arguments: files)
    func jsonExtractReadsWhatClickHouseReads(_ name: String) throws {
        let path = TestFiles.parquetTesting.appendingPathComponent(name).path
        let reader = try ParquetFileReader(path: path)
        let nested = reader.fileSchema.columns.filter { $0.nested != nil }.map(\.name)
        let texts = try ParquetTestingCorpusTests.readAll(reader, columns: nested)
        let spec: [String: Any] = ["path": path, "columns": zip(nested, texts).map { column, values in
            ["name": column, "texts": values.map { $0 as Any? ?? NSNull() }] as [String: Any]
        }]
        let specPath = TestFiles.temporaryDirectory("clickhouse-json").appendingPathComponent("spec.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specPath)
        let data = try Python.run("clickhouse_json.py", [specPath.path])
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let columns = try #require(object?["columns"] as? [[[Any]]])
        #expect(columns.count == nested.count)
        var compared = 0, exceptions = 0
        for (index, column) in nested.enumerated() where index < columns.count {
            let values = texts[index], pairs = columns[index]
            #expect(pairs.count == values.count, "\(column): ClickHouse rows")
            for (row, pair) in pairs.enumerated() where row < values.count && values[row] != nil {
                let native = pair.first as? String, extracted = pair.last as? String
                if let known = Self.unrepresentable["\(name)/\(column)/\(row)"] {
                    exceptions += 1
                    #expect(native == known.native && extracted == known.extracted, "\(column) row \(row): \(pair)")
                } else {
                    compared += 1
                    #expect(native != nil && native == extracted,
                            "\(column) row \(row): ClickHouse reads \(native ?? "NULL"), JSONExtract of \(values[row]!) gives \(extracted ?? "NULL")")
                }
            }
        }
        #expect(compared > 0)
        #expect(exceptions == Self.unrepresentable.keys.filter { $0.hasPrefix(name + "/") }.count)
    }
}
