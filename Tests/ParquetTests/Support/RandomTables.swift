import Foundation
import Parquet
import SluiceCore

/// Random schemas, values and writer options.
enum RandomTables {
    static let types: [DataType] = [
        .boolean, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64,
        .decimal(precision: 4, scale: 1), .decimal(precision: 18, scale: 18), .decimal(precision: 38, scale: 0),
        .decimal(precision: 20, scale: 5), .string, .json, .binary, .uuid, .date, .time, .timestamp, .timestampTZ,
    ]

    static func schema(_ rng: inout SplitMix64) -> Schema {
        let count = Int.random(in: 1...6, using: &rng)
        return Schema((0..<count).map { k in
            Field(name: "c\(k)", type: types.randomElement(using: &rng)!, nullable: Bool.random(using: &rng))
        })
    }

    static func options(_ rng: inout SplitMix64) -> ParquetWriterOptions {
        var options = ParquetWriterOptions()
        options.compression = [.uncompressed, .snappy, .zstd, .gzip].randomElement(using: &rng)!
        options.dataPageVersion = Bool.random(using: &rng) ? .v1 : .v2
        options.dictionaryEnabled = Int.random(in: 0..<4, using: &rng) > 0
        options.pageBytes = [64, 700, 4096, 1 << 20].randomElement(using: &rng)!
        options.rowGroupRows = [1, 50, 333, 1 << 20].randomElement(using: &rng)!
        options.dictionaryPageLimitBytes = [16, 256, 1 << 20].randomElement(using: &rng)!
        return options
    }

    /// A value of `type`; `distinct` bounds how many different values appear (low values make dictionaries).
    static func value(_ type: DataType, distinct: UInt64, _ rng: inout SplitMix64) -> Value {
        let pick = rng.next() % distinct
        var local = SplitMix64(seed: pick &* 7919 &+ 1)
        switch type {
        case .boolean: return .boolean(pick % 2 == 0)
        case .int8: return .int(Int64.random(in: -128...127, using: &local))
        case .int16: return .int(Int64.random(in: -32768...32767, using: &local))
        case .int32: return .int(Int64(Int32(truncatingIfNeeded: local.next())))
        case .int64, .uint64: return .int(Int64(bitPattern: local.next()))
        case .uint8: return .int(Int64.random(in: 0...255, using: &local))
        case .uint16: return .int(Int64.random(in: 0...65535, using: &local))
        case .uint32: return .int(Int64(UInt32(truncatingIfNeeded: local.next())))
        case .float32: return .float(Float(bitPattern: UInt32(truncatingIfNeeded: local.next())))
        case .float64: return .double(Double(bitPattern: local.next()))
        case .decimal(let precision, let scale):
            let limit = DecimalText.powerOfTen(precision)
            let raw = Int128(bitPattern: UInt128(local.next()) << 64 | UInt128(local.next()))
            return .decimal(raw % limit, scale: scale)
        case .string, .json:
            let length = Int(local.next() % 40)
            let scalars = (0..<length).map { _ in
                ["a", "Z", " ", ",", "\"", "\n", "ü", "日", "🚀", "\\"].randomElement(using: &local)!
            }
            return .string(scalars.joined())
        case .binary:
            return .bytes((0..<Int(local.next() % 30)).map { _ in UInt8(truncatingIfNeeded: local.next()) })
        case .uuid: return .bytes((0..<16).map { _ in UInt8(truncatingIfNeeded: local.next()) })
        case .date: return .int(Int64.random(in: -3_000_000...3_000_000, using: &local))
        case .time: return .int(Int64.random(in: 0...CivilTime.microsecondsPerDay - 1, using: &local))
        case .timestamp, .timestampTZ:
            return .int(Int64.random(in: -300_000_000_000_000_000...300_000_000_000_000_000, using: &local))
        }
    }

    static func batch(_ schema: Schema, rows: Int, _ rng: inout SplitMix64) throws -> RecordBatch {
        var columns: [Column] = []
        for field in schema.fields {
            let nullPercent = field.nullable ? [0, 5, 50, 100].randomElement(using: &rng)! : 0
            let distinct: UInt64 = [1, 3, 100, 1 << 40].randomElement(using: &rng)!
            var builder = ColumnBuilder(type: field.type, capacity: rows)
            for _ in 0..<rows {
                if Int(rng.next() % 100) < nullPercent { builder.appendNull() } else {
                    builder.append(value(field.type, distinct: distinct, &rng))
                }
            }
            columns.append(builder.finish())
        }
        return try RecordBatch(schema: schema, columns: columns)
    }
}
