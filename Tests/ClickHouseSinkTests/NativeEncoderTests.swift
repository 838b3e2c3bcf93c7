import ClickHouseSink
import Foundation
import SluiceCore
import Testing

/// Exact bytes of Native blocks.
@Suite struct NativeEncoderTests {
    /// The payload builder of SERVICES.md section 2 (tested there against ClickHouse 18.16), run as is:
    /// etl.t1 (id UInt64, name Nullable(String), amount Decimal(12,2), ts DateTime, d Date), three rows.
    static let servicesPayloadBuilder = #"""
import struct, datetime, sys

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7f; n >>= 7
        if n: out.append(b | 0x80)
        else: out.append(b); return bytes(out)

def s(b):  # String: varint length + bytes
    b = b.encode() if isinstance(b, str) else b
    return varint(len(b)) + b

EPOCH = datetime.date(1970, 1, 1)
rows = [  # id, name, amount (cents), ts (unix seconds), date
    (10, "alice", 12345, 1700000000, datetime.date(2023, 11, 14)),
    (11, None,    -5,    1700000001, datetime.date(2023, 12, 1)),
    (12, "zoë",   99999999999, 0,    datetime.date(2024, 1, 31)),
]

def native():
    n = len(rows)
    out = bytearray(varint(5) + varint(n))    # ncols, nrows (one block)
    def col(name, typ, data):
        return s(name) + s(typ) + data
    out += col('id', 'UInt64', b''.join(struct.pack('<Q', r[0]) for r in rows))
    nullmap = bytes(1 if r[1] is None else 0 for r in rows)   # Nullable: null map for all rows, then nested column (default '' for NULL)
    out += col('name', 'Nullable(String)', nullmap + b''.join(s(r[1] or '') for r in rows))
    out += col('amount', 'Decimal(12, 2)', b''.join(struct.pack('<q', r[2]) for r in rows))
    out += col('ts', 'DateTime', b''.join(struct.pack('<I', r[3]) for r in rows))
    out += col('d', 'Date', b''.join(struct.pack('<H', (r[4] - EPOCH).days) for r in rows))
    return bytes(out)

sys.stdout.buffer.write(native())
"""#

    @Test func matchesThePythonPayloadBuilderOfServicesMD() throws {
        let schema = Schema([
            Field(name: "id", type: .uint64, nullable: false),
            Field(name: "name", type: .string, nullable: true),
            Field(name: "amount", type: .decimal(precision: 12, scale: 2), nullable: false),
            Field(name: "ts", type: .timestamp, nullable: false),
            Field(name: "d", type: .date, nullable: false),
        ])
        func date(_ text: String) -> Value { .int(CivilTime.parseDate(text)!) }
        let batch = try makeBatch(schema, [
            [.int(10), .string("alice"), .decimal(12345, scale: 2), .int(1_700_000_000_000_000), date("2023-11-14")],
            [.int(11), .null, .decimal(-5, scale: 2), .int(1_700_000_001_999_999), date("2023-12-01")],
            [.int(12), .string("zoë"), .decimal(99_999_999_999, scale: 2), .int(0), date("2024-01-31")],
        ])
        let encoder = ClickHouseNativeEncoder(schema: schema, mapping: ClickHouseTypeMapping(dateTimeTimeZone: nil))
        let expected = try runPython(Self.servicesPayloadBuilder)
        #expect(try encoder.encode(batch) == Array(expected))
    }

    @Test func integersFloatsAndBooleans() throws {
        let schema = Schema([
            Field(name: "b", type: .boolean, nullable: false),
            Field(name: "i8", type: .int8, nullable: false),
            Field(name: "u16", type: .uint16, nullable: false),
            Field(name: "u32", type: .uint32, nullable: false),
            Field(name: "u64", type: .uint64, nullable: false),
            Field(name: "f", type: .float32, nullable: false),
            Field(name: "g", type: .float64, nullable: false),
        ])
        let batch = try makeBatch(schema, [
            [.boolean(true), .int(-128), .int(65535), .int(4_294_967_295), .int(-1), .float(1.5), .double(-2)],
            [.boolean(false), .int(127), .int(0), .int(0), .int(1), .float(.infinity), .double(0.1)],
        ])
        var expected: [UInt8] = [7, 2]
        expected += header("b", "UInt8") + [1, 0]
        expected += header("i8", "Int8") + [0x80, 0x7F]
        expected += header("u16", "UInt16") + [0xFF, 0xFF, 0, 0]
        expected += header("u32", "UInt32") + [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]
        expected += header("u64", "UInt64") + [UInt8](repeating: 0xFF, count: 8) + [1, 0, 0, 0, 0, 0, 0, 0]
        expected += header("f", "Float32") + le(Float(1.5).bitPattern) + le(Float.infinity.bitPattern)
        expected += header("g", "Float64") + le(Double(-2).bitPattern) + le(Double(0.1).bitPattern)
        #expect(try ClickHouseNativeEncoder(schema: schema).encode(batch) == expected)
    }

    @Test func decimalsByPrecision() throws {
        let schema = Schema([
            Field(name: "d9", type: .decimal(precision: 9, scale: 2), nullable: false),
            Field(name: "d18", type: .decimal(precision: 18, scale: 4), nullable: false),
            Field(name: "d38", type: .decimal(precision: 38, scale: 10), nullable: false),
        ])
        let max38 = DecimalText.powerOfTen(38) - 1
        let batch = try makeBatch(schema, [
            [.decimal(-999_999_999, scale: 2), .decimal(999_999_999_999_999_999, scale: 4), .decimal(max38, scale: 10)],
            [.decimal(1, scale: 2), .decimal(-1, scale: 4), .decimal(-max38, scale: 10)],
        ])
        var expected: [UInt8] = [3, 2]
        expected += header("d9", "Decimal(9, 2)") + le(Int32(-999_999_999)) + le(Int32(1))
        expected += header("d18", "Decimal(18, 4)") + le(Int64(999_999_999_999_999_999)) + le(Int64(-1))
        expected += header("d38", "Decimal(38, 10)") + le(UInt64(truncatingIfNeeded: max38)) + le(UInt64(truncatingIfNeeded: max38 >> 64))
            + le(UInt64(truncatingIfNeeded: -max38)) + le(UInt64(truncatingIfNeeded: -max38 >> 64))
        #expect(try ClickHouseNativeEncoder(schema: schema).encode(batch) == expected)
    }

    @Test func uuidHalvesAreReversed() throws {
        let schema = Schema([Field(name: "u", type: .uuid, nullable: true)])
        let bytes = Array(UInt8(0)...UInt8(15))
        let batch = try makeBatch(schema, [[.bytes(bytes)], [.null]])
        let expected: [UInt8] = [1, 2] + header("u", "Nullable(UUID)") + [0, 1]
            + [7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8] + [UInt8](repeating: 0, count: 16)
        #expect(try ClickHouseNativeEncoder(schema: schema).encode(batch) == expected)
    }

    @Test func datesTimesAndTimestamps() throws {
        let schema = Schema([
            Field(name: "d", type: .date, nullable: false),
            Field(name: "t", type: .time, nullable: true),
            Field(name: "ts", type: .timestampTZ, nullable: false),
        ])
        let batch = try makeBatch(schema, [
            [.int(0), .int(0), .int(0)],
            [.int(49_672), .int(86_400_000_000), .int(1_999_999)],
            [.int(19_000), .null, .int(4_291_747_199_999_999)],
            [.int(1), .int(45_296_000_007), .int(1_000_000)],
        ])
        var expected: [UInt8] = [3, 4]
        expected += header("d", "Date") + le(UInt16(0)) + le(UInt16(49_672)) + le(UInt16(19_000)) + le(UInt16(1))
        expected += header("t", "Nullable(String)") + [0, 0, 1, 0]
            + string("00:00:00.000000") + string("24:00:00.000000") + [0] + string("12:34:56.000007")
        expected += header("ts", "DateTime('UTC')") + le(UInt32(0)) + le(UInt32(1)) + le(UInt32(4_291_747_199)) + le(UInt32(1))
        #expect(try ClickHouseNativeEncoder(schema: schema).encode(batch) == expected)
    }

    @Test func stringsWithLongLengthsAndNullSlots() throws {
        let schema = Schema([Field(name: "s", type: .string, nullable: true), Field(name: "b", type: .binary, nullable: false)])
        let long = String(repeating: "ü", count: 200)  // 400 bytes: a two-byte varint length
        let batch = try makeBatch(schema, [[.string(long), .bytes([0, 255])], [.null, .bytes([])], [.string(""), .bytes([10])]])
        var expected: [UInt8] = [2, 3]
        expected += header("s", "Nullable(String)") + [0, 1, 0] + [0x90, 0x03] + Array(long.utf8) + [0] + [0]
        expected += header("b", "String") + [2, 0, 255] + [0] + [1, 10]
        #expect(try ClickHouseNativeEncoder(schema: schema).encode(batch) == expected)
    }

    /// NULL slots hold the type's default, whatever the column holds there.
    @Test func nullSlotsAreWrittenAsDefaults() throws {
        let schema = Schema([Field(name: "i", type: .int64, nullable: true), Field(name: "d", type: .date, nullable: true)])
        let batch = try RecordBatch(schema: schema, columns: [
            Column(values: .int64([7, 99, 8]), validity: [true, false, true]),
            // A value out of Date's range under a NULL is not an error: it is never written.
            Column(values: .int32([1, -5, 2]), validity: [true, false, true]),
        ])
        let expected: [UInt8] = [2, 3] + header("i", "Nullable(Int64)") + [0, 1, 0] + le(Int64(7)) + le(Int64(0)) + le(Int64(8))
            + header("d", "Nullable(Date)") + [0, 1, 0] + le(UInt16(1)) + le(UInt16(0)) + le(UInt16(2))
        #expect(try ClickHouseNativeEncoder(schema: schema).encode(batch) == expected)
    }

    @Test func emptyBatch() throws {
        let schema = Schema([Field(name: "a", type: .int32, nullable: true)])
        let batch = try makeBatch(schema, [])
        #expect(try ClickHouseNativeEncoder(schema: schema).encode(batch) == [1, 0] + header("a", "Nullable(Int32)"))
    }

    @Test(arguments: [
        (DataType.date, Value.int(-1), "1969-12-31", "Date"),
        (.date, .int(49_673), "2106-01-01", "Date"),
        (.timestamp, .int(-1), "1969-12-31 23:59:59.999999", "DateTime"),
        (.timestampTZ, .int(4_291_747_200_000_000), "2106-01-01 00:00:00.000000", "DateTime"),
        (.int8, .int(128), "128", "Int8"),
        (.uint16, .int(-1), "-1", "UInt16"),
        (.uint32, .int(4_294_967_296), "4294967296", "UInt32"),
        (.decimal(precision: 5, scale: 2), .decimal(100_000, scale: 2), "1000.00", "Decimal(5, 2)"),
        (.time, .int(86_400_000_001), "86400000001 microseconds", "time of day"),
    ])
    func valuesOutOfRangeAreErrorsNamingColumnAndRow(type: DataType, value: Value, shown: String, target: String) throws {
        let schema = Schema([Field(name: "id", type: .int32, nullable: false), Field(name: "v", type: type, nullable: true)])
        let batch = try makeBatch(schema, [[.int(1), .null], [.int(2), value]])
        let error = #expect(throws: SluiceError.self) {
            try ClickHouseNativeEncoder(schema: schema).encode(batch, firstRow: 1000)
        }
        #expect(error?.code == .clickHouseValueOutOfRange)
        #expect(error?.context.column == "v")
        #expect(error?.context.row == 1001)
        #expect(error?.message.contains(shown) == true)
        #expect(error?.message.contains(target) == true)
    }

    @Test func batchOfAnotherSchemaIsRejected() throws {
        let schema = Schema([Field(name: "a", type: .int32, nullable: true)])
        let other = Schema([Field(name: "a", type: .int32, nullable: false)])
        let error = #expect(throws: SluiceError.self) {
            try ClickHouseNativeEncoder(schema: schema).encode(try makeBatch(other, [[.int(1)]]))
        }
        #expect(error?.code == .invalidBatch)
    }
}

func header(_ name: String, _ type: String) -> [UInt8] { string(name) + string(type) }

func string(_ text: String) -> [UInt8] {
    precondition(text.utf8.count < 128)
    return [UInt8(text.utf8.count)] + Array(text.utf8)
}

func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}
