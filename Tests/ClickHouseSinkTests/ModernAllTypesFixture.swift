import ClickHouseSink
import SluiceCore

/// Rows of every Sluice type for the modern mapping: extremes, NULLs, 38-digit decimals, dates and timestamps at both
/// ends of 1900-01-01 ... 2299-12-31 and before 1970, one instant written in two time zones, unicode and empty
/// strings, and LowCardinality columns with repeated and unique values; plus the canonical text chdb must print.
struct ModernAllTypesFixture {
    static let lowCardinalityColumns = ["lc", "lcn"]
    static let schema = Schema([
        Field(name: "id", type: .int64, nullable: false),
        Field(name: "b", type: .boolean, nullable: true),
        Field(name: "flag", type: .boolean, nullable: false),
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
        Field(name: "d38s0", type: .decimal(precision: 38, scale: 0), nullable: true),
        Field(name: "d38", type: .decimal(precision: 38, scale: 10), nullable: true),
        Field(name: "s", type: .string, nullable: true),
        Field(name: "j", type: .json, nullable: true),
        Field(name: "bin", type: .binary, nullable: true),
        Field(name: "u", type: .uuid, nullable: true),
        Field(name: "d", type: .date, nullable: true),
        Field(name: "t", type: .time, nullable: true),
        Field(name: "ts", type: .timestamp, nullable: true),
        Field(name: "tz", type: .timestampTZ, nullable: false),
        Field(name: "lc", type: .string, nullable: false),
        Field(name: "lcn", type: .string, nullable: true),
    ])

    static let mapping = ClickHouseTypeMapping.modern.withLowCardinality(lowCardinalityColumns)

    /// `id Int64, b Nullable(Bool), ...`: the structure chdb reads the file with, the DDL's types exactly.
    static var structure: String {
        schema.fields.map { "\($0.name) \(mapping.type(for: $0))" }.joined(separator: ", ")
    }

    /// One expression per column printing it exactly: dates and timestamps as integers and as text, so that an
    /// off-by-one day or microsecond and a calendar error both show.
    static var selectList: String {
        schema.fields.map { field in
            switch field.type {
            case .binary: "hex(\(field.name))"
            case .date: "toInt32(\(field.name)), toString(\(field.name))"
            case .timestamp, .timestampTZ: "toUnixTimestamp64Micro(\(field.name)), toString(\(field.name))"
            case .boolean: "toString(\(field.name))"
            default: field.name
            }
        }.joined(separator: ", ")
    }

    static let firstInstant = CivilTime.parseTimestamp("2024-03-10 12:00:00.123456+02:00")!.microseconds
    static let sameInstantElsewhere = CivilTime.parseTimestamp("2024-03-10 05:00:00.123456-05:00")!.microseconds

    let rows: [[Value]]

    /// `count` rows: fixed edge cases first, then pseudo-random ones from `seed`.
    init(count: Int, seed: UInt64 = 7) {
        var random = SplitMix64(seed: seed)
        let max38 = DecimalText.powerOfTen(38) - 1
        let dates = ClickHouseTypeMapping.modern.dateDays, micros = ClickHouseTypeMapping.modern.timestampMicroseconds
        let uuid: [UInt8] = [0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00]
        var rows: [[Value]] = [
            [.int(0), .boolean(true), .boolean(false), .int(-128), .int(-32768), .int(Int64(Int32.min)), .int(.min), .int(255),
             .int(65535), .int(4_294_967_295), .int(-1), .float(.greatestFiniteMagnitude), .double(-.greatestFiniteMagnitude),
             .decimal(-999_999_999, scale: 2), .decimal(999_999_999_999_999_999, scale: 4), .decimal(max38, scale: 0),
             .decimal(max38, scale: 10), .string("zoë \u{1F30A} 日本"), .string("{\"a\": [1, \"\\t\"]}"), .bytes([0, 9, 10, 92, 255]),
             .bytes(uuid), .int(dates.lowerBound), .int(0), .int(micros.lowerBound + 1), .int(micros.lowerBound),
             .string("paid"), .string("paid")],
            [.int(1), .boolean(false), .boolean(true), .int(127), .int(32767), .int(Int64(Int32.max)), .int(.max), .int(0), .int(0),
             .int(0), .int(Int64(bitPattern: 1 << 63)), .float(-0.0), .double(.pi), .decimal(999_999_999, scale: 2),
             .decimal(-999_999_999_999_999_999, scale: 4), .decimal(-max38, scale: 0), .decimal(-max38, scale: 10), .string(""),
             .string(""), .bytes([]), .bytes([UInt8](repeating: 255, count: 16)), .int(dates.upperBound), .int(86_400_000_000),
             .int(micros.upperBound), .int(micros.upperBound), .string(""), .string("")],
            [.int(2), .null, .boolean(false), .null, .int(0), .null, .null, .int(1), .null, .null, .null, .null, .null, .null,
             .decimal(0, scale: 4), .null, .null, .null, .null, .null, .null, .null, .null, .null, .int(-1), .string("ünïcödé 🌊"), .null],
            [.int(3), .boolean(true), .boolean(true), .int(0), .int(1), .int(0), .int(0), .int(2), .int(1), .int(1), .int(0),
             .float(.infinity), .double(-.infinity), .decimal(1, scale: 2), .decimal(1, scale: 4), .decimal(1, scale: 0),
             .decimal(1, scale: 10), .string("tab\there\nnewline\\back'quote\0nul"), .string("null"), .bytes(Array("\\N".utf8)),
             .bytes(uuid), .int(-1), .int(45_296_123_456), .int(-1), .int(Self.firstInstant), .string("paid"), .string("new")],
            [.int(4), .boolean(false), .boolean(false), .int(-1), .int(-1), .int(-1), .int(-1), .int(3), .int(2), .int(2), .int(2),
             .float(1.5), .double(2.5), .decimal(-1, scale: 2), .decimal(-1, scale: 4), .decimal(-1, scale: 0),
             .decimal(-1, scale: 10), .string("x"), .string("[]"), .bytes([1]), .bytes(Array(uuid.reversed())),
             .int(CivilTime.parseDate("1969-07-20")!), .int(1), .int(CivilTime.parseTimestamp("1969-07-20 20:17:40.000001")!.microseconds),
             .int(Self.sameInstantElsewhere), .string("new"), .string("")],
        ]
        let statuses = ["paid", "new", "shipped", "returned", "ünïcödé 🌊", ""]
        while rows.count < count {
            let id = Int64(rows.count)
            func maybe(_ value: Value) -> Value { random.next() % 7 == 0 ? .null : value }
            func within(_ range: ClosedRange<Int64>) -> Int64 {
                let width = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
                return range.lowerBound &+ Int64(bitPattern: random.next() % width)
            }
            let text = String((0..<Int(random.next() % 12)).map { _ in
                ["a", "ü", "\t", "\n", "\\", "'", "日", "🌊", " ", "z"][Int(random.next() % 10)]
            })
            rows.append([
                .int(id), maybe(.boolean(random.next() % 2 == 0)), .boolean(random.next() % 2 == 0),
                maybe(.int(Int64(Int8(truncatingIfNeeded: random.next())))), .int(Int64(Int16(truncatingIfNeeded: random.next()))),
                maybe(.int(Int64(Int32(truncatingIfNeeded: random.next())))), maybe(.int(Int64(bitPattern: random.next()))),
                .int(Int64(random.next() % 256)), maybe(.int(Int64(random.next() % 65536))), maybe(.int(Int64(random.next() % 4_294_967_296))),
                maybe(.int(Int64(bitPattern: random.next()))), maybe(.float(Float(Int32(truncatingIfNeeded: random.next())) / 1024)),
                maybe(.double(Double(Int64(bitPattern: random.next() >> 11)) / 65536)),
                maybe(.decimal(Int128(Int64(random.next() % 1_999_999_999) - 999_999_999), scale: 2)),
                .decimal(Int128(Int64(bitPattern: random.next()) % 999_999_999_999_999_999), scale: 4),
                maybe(.decimal((Int128(Int64(bitPattern: random.next())) << 61) % max38, scale: 0)),
                maybe(.decimal((Int128(Int64(bitPattern: random.next())) << 60) % max38, scale: 10)),
                maybe(.string(text)), maybe(.string("{\"id\": \(id)}")),
                maybe(.bytes((0..<Int(random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) })),
                maybe(.bytes((0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) })),
                maybe(.int(within(dates))), maybe(.int(Int64(random.next() % 86_400_000_001))),
                maybe(.int(within(micros))), .int(within(micros)),
                .string(statuses[Int(random.next() % UInt64(statuses.count))]),
                random.next() % 3 == 0 ? maybe(.string("unique \(id)")) : maybe(.string(statuses[Int(random.next() % 3)])),
            ])
        }
        self.rows = Array(rows.prefix(count))
    }

    /// Compares the fields chdb printed for one row (``selectList``, dates and timestamps twice) with the values sent;
    /// returns a description of each difference.
    static func mismatches(_ printed: [String?], _ sent: [Value], row: Int) -> [String] {
        var problems: [String] = []
        var position = 0
        for (index, field) in schema.fields.enumerated() {
            let value = sent[index]
            let texts: [String?]
            switch field.type {
            case .date, .timestamp, .timestampTZ:
                texts = [printed[position], printed[position + 1]]
                position += 2
            default:
                texts = [printed[position]]
                position += 1
            }
            guard !matches(texts, value, field) else { continue }
            problems.append("row \(row) \(field.name): chdb printed \(texts.map { $0 ?? "NULL" }), sent \(value)")
        }
        return problems
    }

    private static func matches(_ texts: [String?], _ value: Value, _ field: Field) -> Bool {
        switch (field.type, value) {
        case (_, .null):
            return texts.allSatisfy { $0 == nil }
        case (.date, .int(let days)):
            return texts == [String(days), CivilTime.formatDate(days: days)]
        case (.timestamp, .int(let micros)), (.timestampTZ, .int(let micros)):
            return texts == [String(micros), CivilTime.formatTimestamp(microseconds: micros)]
        case (.boolean, .boolean(let flag)):
            return texts == [flag ? "true" : "false"]
        default:
            return AllTypesFixture.matches(texts[0], value, field, zeroDatePrintsAsZeros: false)
        }
    }
}
