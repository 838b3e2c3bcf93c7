import Foundation
import Parquet
import SluiceCore
import Testing

/// The text that `sluice parquet schema|meta|cat` prints (formats specified in docs/parquet.md).
@Suite struct InspectTests {
    static func sampleFile() throws -> String {
        let schema = Schema([
            Field(name: "id", type: .int64, nullable: false), Field(name: "name", type: .string),
            Field(name: "amount", type: .decimal(precision: 12, scale: 2)), Field(name: "ratio", type: .float64),
            Field(name: "at", type: .timestampTZ), Field(name: "day", type: .date), Field(name: "raw", type: .binary),
            Field(name: "u", type: .uuid), Field(name: "doc", type: .json), Field(name: "big", type: .uint64),
        ])
        let rows: [[Value]] = [
            [.int(1), .string("plain"), .decimal(1230, scale: 2), .double(0.5), .int(0), .int(0), .bytes([0xAB]),
             .bytes(Array(0..<16)), .string("{\"a\":1}"), .int(-1)],
            [.int(2), .string(""), .null, .double(.nan), .null, .int(-719_528), .bytes([]), .null, .null, .null],
            [.int(3), .string("a,b \"q\"\nline ü"), .decimal(-5, scale: 2), .double(-.infinity), .int(-1),
             .int(-2_000_000), .null, .null, .string("[\"x\\ty\"]"), .int(42)],
            [.int(4), .null, .decimal(0, scale: 2), .double(1e300), .int(86_400_000_001), .int(2_932_896), .bytes([0, 1]),
             .null, .string("\"s\""), .int(0)],
        ]
        var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        for row in rows { for (k, v) in row.enumerated() { builders[k].append(v) } }
        let batch = try RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
        let path = TestFiles.temporaryDirectory().appendingPathComponent("cat.parquet").path
        let writer = try ParquetFileWriter(path: path, schema: schema, options: .init(rowGroupRows: 3))
        try writer.write(batch)
        _ = try writer.close()
        return path
    }

    static func cat(_ path: String, columns: [String]? = nil, limit: Int? = nil, _ format: ParquetCatFormat) throws -> String {
        var text = ""
        try ParquetCat.write(try ParquetFileReader(path: path), columns: columns, limit: limit, format: format) { text += $0 }
        return text
    }

    @Test func csvOutput() throws {
        let path = try Self.sampleFile()
        #expect(try Self.cat(path, .csv) == #"""
            id,name,amount,ratio,at,day,raw,u,doc,big
            1,plain,12.30,0.5,1970-01-01 00:00:00.000000Z,1970-01-01,ab,00010203-0405-0607-0809-0a0b0c0d0e0f,"{""a"":1}",18446744073709551615
            2,"",,NaN,,0000-01-01,"",,,
            3,"a,b ""q""
            line ü",-0.05,-inf,1969-12-31 23:59:59.999999Z,-3506-03-09,,,"[""x\ty""]",42
            4,,0.00,1e+300,1970-01-02 00:00:00.000001Z,9999-12-31,0001,,"""s""",0

            """#)
    }

    @Test func jsonLinesOutput() throws {
        let path = try Self.sampleFile()
        let lines = try Self.cat(path, .jsonl).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0] == #"{"id":1,"name":"plain","amount":"12.30","ratio":0.5,"at":"1970-01-01 00:00:00.000000Z","day":"1970-01-01","raw":"ab","u":"00010203-0405-0607-0809-0a0b0c0d0e0f","doc":"{\"a\":1}","big":18446744073709551615}"#)
        #expect(lines[1] == #"{"id":2,"name":"","amount":null,"ratio":"NaN","at":null,"day":"0000-01-01","raw":"","u":null,"doc":null,"big":null}"#)
        #expect(lines[2] == #"{"id":3,"name":"a,b \"q\"\nline ü","amount":"-0.05","ratio":"-inf","at":"1969-12-31 23:59:59.999999Z","day":"-3506-03-09","raw":null,"u":null,"doc":"[\"x\\ty\"]","big":42}"#)
        // Every line is valid JSON.
        for line in lines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)") }
    }

    @Test func projectionAndLimit() throws {
        let path = try Self.sampleFile()
        #expect(try Self.cat(path, columns: ["big", "id"], limit: 2, .csv) == "big,id\n18446744073709551615,1\n,2\n")
        #expect(try Self.cat(path, columns: ["id"], limit: 0, .jsonl) == "")
        let error = try #require(throws: SluiceError.self) { _ = try Self.cat(path, columns: ["nope"], .csv) }
        #expect(error.code == .parquetUsage)
        #expect(error.context.file == path)
    }

    /// nested_lists.snappy.parquet's one nested column, and files whose only column is nested: JSON lines
    /// embed the JSON values (arrays, objects, null), CSV holds their text.
    @Test func nestedColumns() throws {
        func corpus(_ name: String) -> String { TestFiles.parquetTesting.appendingPathComponent(name).path }
        #expect(try Self.cat(corpus("nulls.snappy.parquet"), limit: 2, .jsonl)
            == "{\"b_struct\":{\"b_c_int\":null}}\n{\"b_struct\":{\"b_c_int\":null}}\n")
        #expect(try Self.cat(corpus("old_list_structure.parquet"), .jsonl) == "{\"a\":[[1,2],[3,4]]}\n")
        #expect(try Self.cat(corpus("old_list_structure.parquet"), .csv) == "a\n\"[[1,2],[3,4]]\"\n")
        #expect(try Self.cat(corpus("nullable.impala.parquet"), columns: ["int_map", "id"], .jsonl) == #"""
            {"int_map":{"k1":1,"k2":100},"id":1}
            {"int_map":{"k1":2,"k2":null},"id":2}
            {"int_map":{},"id":3}
            {"int_map":{},"id":4}
            {"int_map":{},"id":5}
            {"int_map":null,"id":6}
            {"int_map":{"k1":null,"k3":null},"id":7}

            """#)
        let lines = try Self.cat(corpus("nested_lists.snappy.parquet"), .jsonl).split(separator: "\n")
        #expect(lines.first == #"{"a":[[["a","b"],["c"]],[null,["d"]]],"b":1}"#)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["a"] is [Any], "\(line)")
        }
    }

    @Test func csvIsReadBackByPythonsCSVModule() throws {
        let path = try Self.sampleFile()
        let csvPath = path + ".csv"
        try Self.cat(path, .csv).write(toFile: csvPath, atomically: true, encoding: .utf8)
        let out = try Python.run("csv_roundtrip.py", [csvPath])
        #expect(String(decoding: out, as: UTF8.self) == "5 rows; row 3 name: 'a,b \"q\"\\nline ü'; row 2 name: ''; row 2 amount: ''\n")
    }

    @Test func schemaAndMetaText() throws {
        let path = try Self.sampleFile()
        let reader = try ParquetFileReader(path: path)
        let schema = ParquetSchemaText.render(reader)
        #expect(schema.contains("rows: 4  row groups: 2"))
        #expect(schema.contains("amount  decimal(12,2)  nullable  INT64 DECIMAL(12,2) [DECIMAL]"))
        #expect(schema.contains("id      int64          not null  INT64"))
        #expect(schema.contains("u       uuid           nullable  FIXED_LEN_BYTE_ARRAY(16) UUID"))
        let meta = ParquetMetaText.render(reader)
        #expect(meta.contains("row group 0: 3 rows"))
        #expect(meta.contains("row group 1: 1 rows"))
        #expect(meta.contains("statistics: nulls 1  min -0.05  max 12.30"))
        #expect(meta.contains("sluice.schema = "))
        let nested = try ParquetFileReader(path: TestFiles.parquetTesting.appendingPathComponent("nested_lists.snappy.parquet").path)
        #expect(ParquetSchemaText.render(nested).contains("nested:"))
    }
}
