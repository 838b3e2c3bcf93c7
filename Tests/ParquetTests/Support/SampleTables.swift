import Foundation
import SluiceCore

/// Batches covering every Sluice type with the values that break writers: NULLs, extremes, pre-1970 and BC
/// dates, far-future timestamps, 38-digit decimals, unicode, empty and multi-megabyte strings.
enum SampleTables {
    /// One nullable column of every type, plus a non-nullable copy of a few.
    static let allTypesSchema = Schema([
        Field(name: "b", type: .boolean),
        Field(name: "i8", type: .int8),
        Field(name: "i16", type: .int16),
        Field(name: "i32", type: .int32),
        Field(name: "i64", type: .int64),
        Field(name: "u8", type: .uint8),
        Field(name: "u16", type: .uint16),
        Field(name: "u32", type: .uint32),
        Field(name: "u64", type: .uint64),
        Field(name: "f32", type: .float32),
        Field(name: "f64", type: .float64),
        Field(name: "d9", type: .decimal(precision: 9, scale: 2)),
        Field(name: "d18", type: .decimal(precision: 18, scale: 6)),
        Field(name: "d38", type: .decimal(precision: 38, scale: 10)),
        Field(name: "d25", type: .decimal(precision: 25, scale: 0)),
        Field(name: "s", type: .string),
        Field(name: "j", type: .json),
        Field(name: "bin", type: .binary),
        Field(name: "u", type: .uuid),
        Field(name: "dt", type: .date),
        Field(name: "tm", type: .time),
        Field(name: "ts", type: .timestamp),
        Field(name: "tstz", type: .timestampTZ),
        Field(name: "req_i64", type: .int64, nullable: false),
        Field(name: "req_s", type: .string, nullable: false),
        Field(name: "all_null", type: .string),
    ])

    static let day = CivilTime.microsecondsPerDay

    /// Edge values per type (cycled through the rows); NULL wherever `row % nullEvery == 3` in nullable columns.
    /// `bcDates`: include dates before year 0 (pyarrow reads them; ClickHouse's Date32 stops at 0000-01-01).
    static func value(_ type: DataType, column: String, row: Int, bcDates: Bool = true) -> Value {
        switch type {
        case .boolean: return .boolean(row % 3 == 0)
        case .int8: return .int(pick(row, [-128, 127, 0, -1, 42]))
        case .int16: return .int(pick(row, [-32768, 32767, 0, 1, -300]))
        case .int32: return .int(pick(row, [Int64(Int32.min), Int64(Int32.max), 0, -7, 123_456]))
        case .int64: return .int(pick(row, [Int64.min, Int64.max, 0, -1, Int64(row) * 1_000_003]))
        case .uint8: return .int(pick(row, [0, 255, 128, 1]))
        case .uint16: return .int(pick(row, [0, 65535, 32768, 7]))
        case .uint32: return .int(pick(row, [0, Int64(UInt32.max), Int64(Int32.max) + 1, 12345]))
        case .uint64: return .int(pick(row, [0, -1, Int64.min, Int64.max, 99]))   // bit patterns of UInt64
        case .float32:
            return .float(pick(row, [0.0, -0.0, 1.5, -3.25e-30, .greatestFiniteMagnitude, .infinity, -.infinity, .nan,
                                     Float(row) / 7]))
        case .float64:
            return .double(pick(row, [0.0, -0.0, 0.1, -1e300, .leastNonzeroMagnitude, .infinity, -.infinity, .nan,
                                      Double(row) * 1.0000001]))
        case .decimal(let precision, _):
            let max = DecimalText.powerOfTen(precision) - 1
            return .decimal(pick(row, [max, -max, 0, 1, -1, Int128(row) * 10_007 - 5_000]), scale: type.decimalScale)
        case .string:
            return .string(pick(row, ["", "plain ascii", "ünïcødé ✓ 日本語 🚀", "tab\there \"quoted\", comma\nnewline",
                                      "name-\(row % 13)", String(repeating: "x", count: 300)]))
        case .json:
            return .string(pick(row, ["{}", "{\"a\": [1, 2, {\"b\": null}]}", "\"ünï\"", "[]", "{\"k\": \(row)}"]))
        case .binary:
            return .bytes(pick(row, [[], [0], [0xFF, 0x00, 0x80], Array(0...255).map(UInt8.init), [UInt8(row % 256)]]))
        case .uuid:
            let base: [UInt8] = [0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00]
            var bytes = pick(row, [Array(repeating: 0, count: 16), Array(repeating: 0xFF, count: 16), base])
            bytes[15] = UInt8(truncatingIfNeeded: row)
            return .bytes(bytes)
        case .date:
            return .int(pick(row, [0, -1, -719_528 /* 0000-01-01 */, bcDates ? -2_000_000 /* 3507 BC */ : -700_000,
                                   2_932_896 /* 9999-12-31 */, -25_567 /* 1900-01-01 */, 19_000 + Int64(row % 100)]))
        case .time:
            return .int(pick(row, [0, day - 1, 12 * 3_600_000_000 + 345_678, Int64(row) * 1_000_001 % day]))
        case .timestamp, .timestampTZ:
            return .int(pick(row, [0, -1, -62_135_596_800_000_000 /* 0001-01-01 */, 253_402_300_799_999_999 /* 9999-12-31 */,
                                   4_102_444_800_000_000 /* 2100 */, -2_208_988_800_000_000 /* 1900 */,
                                   1_700_000_000_123_456 + Int64(row) * 1_000]))
        }
    }

    private static func pick<T>(_ row: Int, _ values: [T]) -> T { values[row % values.count] }

    /// `rows` rows of `schema`; nullable columns are NULL where `(row + column) % nullEvery == 3`,
    /// and a column named `all_null` is always NULL.
    static func batch(_ schema: Schema, rows: Int, nullEvery: Int = 5, rowOffset: Int = 0, bcDates: Bool = true)
        throws -> RecordBatch {
        var columns: [Column] = []
        for (index, field) in schema.fields.enumerated() {
            var builder = ColumnBuilder(type: field.type, capacity: rows)
            for r in 0..<rows {
                let row = r + rowOffset
                if field.nullable && (field.name == "all_null" || (row + index) % nullEvery == 3) {
                    builder.appendNull()
                } else {
                    builder.append(value(field.type, column: field.name, row: row, bcDates: bcDates))
                }
            }
            columns.append(builder.finish())
        }
        return try RecordBatch(schema: schema, columns: columns)
    }

    /// A batch of a single string column holding `count` values of `megabytes` MB each (plus NULLs and empties).
    static func hugeStrings(count: Int, megabytes: Int) throws -> RecordBatch {
        let schema = Schema([Field(name: "big", type: .string)])
        var builder = ColumnBuilder(type: .string)
        for k in 0..<count {
            switch k % 4 {
            case 1: builder.appendNull()
            case 3: builder.append(string: "")
            default:
                let unit = "ü\(k)-abcdefghijklmnopqrstuvwxyz"
                let repeats = megabytes * 1_048_576 / unit.utf8.count
                builder.append(string: String(repeating: unit, count: repeats))
            }
        }
        return try RecordBatch(schema: schema, columns: [builder.finish()])
    }
}
