import ClickHouseSink
import SluiceCore

/// A batch holding every Sluice type, with NULLs, extremes, unicode, empty strings and pseudo-random
/// values; and the text ClickHouse's TabSeparated output must show for each value.
struct AllTypesFixture {
    static let schema = Schema([
        Field(name: "id", type: .int64, nullable: false),
        Field(name: "b", type: .boolean, nullable: true),
        Field(name: "i8", type: .int8, nullable: true),
        Field(name: "i16", type: .int16, nullable: false),
        Field(name: "i32", type: .int32, nullable: true),
        Field(name: "i64", type: .int64, nullable: true),
        Field(name: "u8", type: .uint8, nullable: false),
        Field(name: "u16", type: .uint16, nullable: true),
        Field(name: "u32", type: .uint32, nullable: true),
        Field(name: "u64", type: .uint64, nullable: true),
        Field(name: "f32", type: .float32, nullable: true),
        Field(name: "f64", type: .float64, nullable: true),
        Field(name: "d9", type: .decimal(precision: 9, scale: 2), nullable: true),
        Field(name: "d18", type: .decimal(precision: 18, scale: 4), nullable: false),
        Field(name: "d38", type: .decimal(precision: 38, scale: 10), nullable: true),
        Field(name: "s", type: .string, nullable: true),
        Field(name: "j", type: .json, nullable: true),
        Field(name: "bin", type: .binary, nullable: true),
        Field(name: "u", type: .uuid, nullable: true),
        Field(name: "d", type: .date, nullable: true),
        Field(name: "t", type: .time, nullable: true),
        Field(name: "ts", type: .timestamp, nullable: true),
        Field(name: "tz", type: .timestampTZ, nullable: false),
    ])

    let rows: [[Value]]
    let batch: RecordBatch

    /// `count` rows: the first ones are fixed edge cases, the rest pseudo-random from `seed`.
    init(count: Int, seed: UInt64 = 42, firstID: Int64 = 0) throws {
        var random = SplitMix64(seed: seed)
        let max38 = DecimalText.powerOfTen(38) - 1
        let maxDate = ClickHouseTypeMapping.dateRange.upperBound
        let maxMicros = ClickHouseTypeMapping.timestampMicrosecondsRange.upperBound
        let edges: [[Value]] = [
            [.int(0), .boolean(true), .int(-128), .int(-32768), .int(Int64(Int32.min)), .int(.min), .int(255), .int(65535),
             .int(4_294_967_295), .int(-1), .float(.greatestFiniteMagnitude), .double(-.greatestFiniteMagnitude),
             .decimal(-999_999_999, scale: 2), .decimal(999_999_999_999_999_999, scale: 4), .decimal(max38, scale: 10),
             .string("zoë \u{1F30A} 日本"), .string("{\"a\": [1, \"\\t\"]}"), .bytes([0, 9, 10, 92, 255]),
             .bytes(Array(UInt8(0)...UInt8(15))), .int(0), .int(0), .int(0), .int(0)],
            [.int(1), .boolean(false), .int(127), .int(32767), .int(Int64(Int32.max)), .int(.max), .int(0), .int(0),
             .int(0), .int(0), .float(-0.0), .double(.pi), .decimal(999_999_999, scale: 2), .decimal(-999_999_999_999_999_999, scale: 4),
             .decimal(-max38, scale: 10), .string(""), .string(""), .bytes([]), .bytes([UInt8](repeating: 255, count: 16)),
             .int(maxDate), .int(86_400_000_000), .int(maxMicros), .int(maxMicros)],
            [.int(2), .null, .null, .int(0), .null, .null, .int(1), .null, .null, .null, .null, .null, .null,
             .decimal(0, scale: 4), .null, .null, .null, .null, .null, .null, .null, .null, .int(1_999_999)],
            [.int(3), .boolean(true), .int(0), .int(1), .int(0), .int(0), .int(2), .int(1), .int(1), .int(Int64(bitPattern: 1 << 63)),
             .float(.infinity), .double(-.infinity), .decimal(1, scale: 2), .decimal(1, scale: 4), .decimal(1, scale: 10),
             .string("tab\there\nnewline\\back'quote\0nul"), .string("null"), .bytes(Array("\\N".utf8)),
             .bytes([0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00]),
             .int(1), .int(45_296_123_456), .int(1_700_000_000_123_456), .int(1_700_000_000_999_999)],
        ]
        var rows = edges
        while rows.count < count {
            let id = Int64(rows.count)
            func maybe(_ value: Value) -> Value { random.next() % 7 == 0 ? .null : value }
            let text = String((0..<Int(random.next() % 12)).map { _ in
                ["a", "ü", "\t", "\n", "\\", "'", "日", "🌊", " ", "z"][Int(random.next() % 10)]
            })
            rows.append([
                .int(id), maybe(.boolean(random.next() % 2 == 0)), maybe(.int(Int64(Int8(truncatingIfNeeded: random.next())))),
                .int(Int64(Int16(truncatingIfNeeded: random.next()))), maybe(.int(Int64(Int32(truncatingIfNeeded: random.next())))),
                maybe(.int(Int64(bitPattern: random.next()))), .int(Int64(random.next() % 256)), maybe(.int(Int64(random.next() % 65536))),
                maybe(.int(Int64(random.next() % 4_294_967_296))), maybe(.int(Int64(bitPattern: random.next()))),
                maybe(.float(Float(Int32(truncatingIfNeeded: random.next())) / 1024)),
                maybe(.double(Double(Int64(bitPattern: random.next() >> 11)) / 65536)),
                maybe(.decimal(Int128(Int64(random.next() % 1_999_999_999) - 999_999_999), scale: 2)),
                .decimal(Int128(Int64(bitPattern: random.next()) % 999_999_999_999_999_999), scale: 4),
                maybe(.decimal((Int128(Int64(bitPattern: random.next())) << 60) % max38, scale: 10)),
                maybe(.string(text)), maybe(.string("{\"id\": \(id)}")),
                maybe(.bytes((0..<Int(random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) })),
                maybe(.bytes((0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) })),
                maybe(.int(Int64(random.next() % UInt64(maxDate + 1)))), maybe(.int(Int64(random.next() % 86_400_000_001))),
                maybe(.int(Int64(random.next() % UInt64(maxMicros + 1)))), .int(Int64(random.next() % UInt64(maxMicros + 1))),
            ])
        }
        rows = rows.prefix(count).map { row in [.int(row[0].intValue! + firstID)] + row.dropFirst() }
        self.rows = rows
        batch = try makeBatch(Self.schema, rows)
    }

    /// `SELECT` list that prints every column in a form compared exactly: binary as hex.
    static var selectList: String {
        schema.fields.map { $0.type == .binary ? "hex(\(ClickHouseSQL.identifier($0.name)))" : ClickHouseSQL.identifier($0.name) }
            .joined(separator: ", ")
    }

    /// Compares one TabSeparated field (already unescaped) with the value sent. `zeroDatePrintsAsZeros`:
    /// ClickHouse 18.16 prints day 0 as `0000-00-00` and second 0 as `0000-00-00 00:00:00`.
    static func matches(_ text: String?, _ value: Value, _ field: Field, zeroDatePrintsAsZeros: Bool) -> Bool {
        guard case .int = value else { return matchesNonInt(text, value, field) }
        guard let text, let integer = value.intValue else { return false }
        switch field.type {
        case .boolean: return false
        case .date:
            if integer == 0, zeroDatePrintsAsZeros { return text == "0000-00-00" }
            return text == CivilTime.formatDate(days: integer)
        case .time:
            return text == CivilTime.formatTimeOfDay(microseconds: integer)
        case .timestamp, .timestampTZ:
            let seconds = CivilTime.floorDivide(integer, 1_000_000).quotient
            if seconds == 0, zeroDatePrintsAsZeros { return text == "0000-00-00 00:00:00" }
            return text == String(CivilTime.formatTimestamp(microseconds: seconds * 1_000_000).prefix(19))
        case .uint64:
            return text == String(UInt64(bitPattern: integer))
        default:
            return text == String(integer)
        }
    }

    private static func matchesNonInt(_ text: String?, _ value: Value, _ field: Field) -> Bool {
        switch value {
        case .null: return text == nil
        case .boolean(let flag): return text == (flag ? "1" : "0")
        case .float(let number):
            guard let text else { return false }
            if number.isInfinite { return text == (number < 0 ? "-inf" : "inf") }
            return Float(text).map { $0 == number && $0.sign == number.sign } ?? false
        case .double(let number):
            guard let text else { return false }
            if number.isInfinite { return text == (number < 0 ? "-inf" : "inf") }
            return Double(text) == number
        case .decimal(let unscaled, let scale):
            guard let text, case .decimal(let precision, _) = field.type else { return false }
            return DecimalText.parse(text, precision: precision, scale: scale) == unscaled
        case .string(let string): return text == string
        case .bytes(let bytes):
            if field.type == .uuid { return text == UUIDText.format(bytes) }
            return text == Hex.encode(bytes).uppercased()
        case .int: return false
        }
    }
}

extension Value {
    var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}

