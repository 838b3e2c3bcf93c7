import Foundation
import Parquet
import SluiceCore
import Testing

/// Column chunk statistics: min/max in each type's sort order (signed, unsigned, byte-wise, decimal),
/// NaN left out, zeros as -0.0/+0.0, NULL counts; checked against the data, Sluice's decoding and pyarrow's.
@Suite struct StatisticsTests {
    /// Values chosen so that a wrong order (signed vs unsigned, byte-wise vs code point) picks another extreme.
    static let schema = Schema([
        Field(name: "i32", type: .int32), Field(name: "i64", type: .int64), Field(name: "i8", type: .int8),
        Field(name: "u32", type: .uint32), Field(name: "u64", type: .uint64), Field(name: "u16", type: .uint16),
        Field(name: "f32", type: .float32), Field(name: "f64", type: .float64),
        Field(name: "d9", type: .decimal(precision: 9, scale: 2)), Field(name: "d38", type: .decimal(precision: 38, scale: 3)),
        Field(name: "s", type: .string), Field(name: "bin", type: .binary), Field(name: "u", type: .uuid),
        Field(name: "dt", type: .date), Field(name: "ts", type: .timestamp), Field(name: "tz", type: .timestampTZ),
        Field(name: "tm", type: .time), Field(name: "b", type: .boolean), Field(name: "nulls", type: .int64),
    ])

    static func rows() -> [[Value]] {
        let u1: [UInt8] = [0x80] + Array(repeating: 0, count: 15), u2: [UInt8] = [0x7F] + Array(repeating: 0xFF, count: 15)
        return [
            [.int(-5), .int(-1), .int(-128), .int(Int64(UInt32.max)), .int(-1), .int(65535), .float(.nan), .double(0.0),
             .decimal(-12345, scale: 2), .decimal(-(DecimalText.powerOfTen(38) - 1), scale: 3), .string("zebra"),
             .bytes([0xFF]), .bytes(u1), .int(-719_162), .int(-62_135_596_800_000_000), .int(1), .int(5), .boolean(true), .null],
            [.int(7), .int(Int64.min), .int(127), .int(1), .int(1), .int(0), .float(-0.0), .double(.nan),
             .decimal(99, scale: 2), .decimal(DecimalText.powerOfTen(37), scale: 3), .string("ünï"),
             .bytes([0x00, 0x01]), .bytes(u2), .int(2_932_896), .int(253_402_300_799_999_999), .int(-1), .int(86_399_999_999),
             .boolean(true), .null],
            [.null, .int(Int64.max), .int(0), .int(2_147_483_648), .int(Int64.max), .int(32768), .float(2.5), .double(-0.0),
             .null, .decimal(-1, scale: 3), .string("Zebra"), .bytes([]), .null, .int(0), .int(0), .null, .null, .null, .null],
        ]
    }

    static func batch() throws -> RecordBatch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        for row in rows() {
            for (k, value) in row.enumerated() { builders[k].append(value) }
        }
        return try RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
    }

    /// Expected (min, max, nulls) per column, by hand.
    static let expected: [String: (String?, String?, Int)] = [
        "i32": ("-5", "7", 1), "i64": ("-9223372036854775808", "9223372036854775807", 0), "i8": ("-128", "127", 0),
        "u32": ("1", "4294967295", 0), "u64": ("1", "18446744073709551615", 0), "u16": ("0", "65535", 0),
        "f32": ("00000080", "00002040", 0), "f64": ("0000000000000080", "0000000000000000", 0),
        "d9": ("-123.45", "0.99", 1),
        "d38": ("-99999999999999999999999999999999999.999", "10000000000000000000000000000000000.000", 0),
        "s": ("Zebra", "ünï", 0), "bin": ("", "ff", 0),
        "u": ("7fffffffffffffffffffffffffffffff", "80000000000000000000000000000000", 1),
        "dt": ("-719162", "2932896", 0), "ts": ("-62135596800000000", "253402300799999999", 0),
        "tz": ("-1", "1", 1), "tm": ("5", "86399999999", 1), "b": ("true", "true", 1), "nulls": (nil, nil, 3),
    ]

    @Test(arguments: [ParquetDataPageVersion.v1, .v2], [true, false])
    func statisticsFollowEachTypesOrder(version: ParquetDataPageVersion, dictionary: Bool) throws {
        let path = TestFiles.temporaryDirectory().appendingPathComponent("stats.parquet").path
        let writer = try ParquetFileWriter(path: path, schema: Self.schema,
                                           options: .init(dictionaryEnabled: dictionary, dataPageVersion: version))
        try writer.write(try Self.batch())
        _ = try writer.close()
        let reader = try ParquetFileReader(path: path)
        let data = try Python.run("statistics.py", [path, Self.spec])
        let pyarrow = try #require(try JSONSerialization.jsonObject(with: data) as? [[[String: Any]]])
        for (index, field) in Self.schema.fields.enumerated() {
            let (min, max, nulls) = Self.expected[field.name]!
            let stats = try #require(reader.statistics(rowGroup: 0, column: field.name))
            #expect(stats.min.flatMap { Canonical.value($0, type: field.type) } == min, "sluice min of \(field.name)")
            #expect(stats.max.flatMap { Canonical.value($0, type: field.type) } == max, "sluice max of \(field.name)")
            #expect(stats.nullCount == nulls, "sluice null count of \(field.name)")
            let theirs = pyarrow[0][index]
            #expect(theirs["min"] as? String == min, "pyarrow min of \(field.name): \(theirs["min"] ?? "nil")")
            #expect(theirs["max"] as? String == max, "pyarrow max of \(field.name): \(theirs["max"] ?? "nil")")
            #expect(theirs["nulls"] as? Int == nulls, "pyarrow null count of \(field.name)")
        }
    }

    static var spec: String {
        let list = schema.fields.map { ["name": $0.name, "type": $0.type.description] }
        return String(decoding: try! JSONSerialization.data(withJSONObject: list), as: UTF8.self)
    }

    @Test func rowGroupsArePrunedByStatistics() throws {
        let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "s", type: .string)])
        let path = TestFiles.temporaryDirectory().appendingPathComponent("prune.parquet").path
        let writer = try ParquetFileWriter(path: path, schema: schema, options: .init(rowGroupRows: 100))
        var ids = ColumnBuilder(type: .int64), names = ColumnBuilder(type: .string)
        for i in 0..<1000 {
            ids.append(Int64(i))
            names.append(string: "name-\(String(i).leftPadded(4))")
        }
        try writer.write(try RecordBatch(schema: schema, columns: [ids.finish(), names.finish()]))
        _ = try writer.close()
        let reader = try ParquetFileReader(path: path)
        #expect(try reader.rowGroups(matching: [.init(column: "id", lower: .int(250), upper: .int(420))]) == [2, 3, 4])
        #expect(try reader.rowGroups(matching: [.init(column: "id", lower: .int(999))]) == [9])
        #expect(try reader.rowGroups(matching: [.init(column: "id", upper: .int(-1))]) == [])
        #expect(try reader.rowGroups(matching: [.init(column: "s", lower: .string("name-0550"), upper: .string("name-0551"))]) == [5])
        #expect(try reader.rowGroups(matching: []) == Array(0..<10))
        #expect(throws: SluiceError.self) { try reader.rowGroups(matching: [.init(column: "nope", lower: .int(1))]) }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
