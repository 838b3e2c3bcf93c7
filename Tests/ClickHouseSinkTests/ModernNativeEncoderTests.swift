import ClickHouseSink
import SluiceCore
import Testing

/// Exact bytes of Native blocks under the modern mapping (chdb reads them back in ``ChdbModernTests``).
@Suite struct ModernNativeEncoderTests {
    func encoder(_ schema: Schema, lowCardinality: [String] = []) -> ClickHouseNativeEncoder {
        ClickHouseNativeEncoder(schema: schema, mapping: ClickHouseTypeMapping.modern.withLowCardinality(lowCardinality))
    }

    @Test func date32DateTime64AndBool() throws {
        let schema = Schema([
            Field(name: "d", type: .date, nullable: false),
            Field(name: "ts", type: .timestamp, nullable: true),
            Field(name: "b", type: .boolean, nullable: false),
        ])
        let batch = try makeBatch(schema, [
            [.int(-25_567), .int(-2_208_988_799_999_999), .boolean(true)],
            [.int(120_529), .null, .boolean(false)],
            [.int(0), .int(10_413_791_999_999_999), .boolean(true)],
        ])
        var expected: [UInt8] = [3, 3]
        expected += header("d", "Date32") + le(Int32(-25_567)) + le(Int32(120_529)) + le(Int32(0))
        expected += header("ts", "Nullable(DateTime64(6, 'UTC'))") + [0, 1, 0]
            + le(Int64(-2_208_988_799_999_999)) + le(Int64(0)) + le(Int64(10_413_791_999_999_999))
        expected += header("b", "Bool") + [1, 0, 1]
        #expect(try encoder(schema).encode(batch) == expected)
    }

    /// The keys version, the index type with "additional keys" and "update dictionary", the keys, the indexes.
    static func lowCardinality(indexType: UInt64 = 0, keys: [String], indexes: [UInt8]) -> [UInt8] {
        le(UInt64(1)) + le(indexType | 1 << 9 | 1 << 10) + le(UInt64(keys.count)) + keys.flatMap(string)
            + le(UInt64(indexes.count)) + indexes
    }

    @Test func lowCardinalityStringsAreADictionaryAndIndexes() throws {
        let schema = Schema([Field(name: "s", type: .string, nullable: false)])
        let batch = try makeBatch(schema, [[.string("paid")], [.string("new")], [.string("paid")], [.string("")], [.string("paid")]])
        let expected: [UInt8] = [1, 5] + header("s", "LowCardinality(String)")
            + Self.lowCardinality(keys: ["paid", "new", ""], indexes: [0, 1, 0, 2, 0])
        #expect(try encoder(schema, lowCardinality: ["s"]).encode(batch) == expected)
    }

    @Test func nullableLowCardinalityHasNoNullMapButANullKey() throws {
        let schema = Schema([Field(name: "s", type: .string, nullable: true)])
        let batch = try makeBatch(schema, [[.null], [.string("x")], [.string("")], [.string("x")], [.null]])
        let expected: [UInt8] = [1, 5] + header("s", "LowCardinality(Nullable(String))")
            + Self.lowCardinality(keys: ["", "x", ""], indexes: [0, 1, 2, 1, 0])
        #expect(try encoder(schema, lowCardinality: ["s"]).encode(batch) == expected,
                "key 0 is NULL; a non-NULL empty string has a key of its own")
    }

    @Test func moreThan256KeysTakeTwoByteIndexes() throws {
        let schema = Schema([Field(name: "s", type: .string, nullable: false)])
        let batch = try makeBatch(schema, (0..<300).map { [.string("v\($0 % 257)")] })
        let block = try encoder(schema, lowCardinality: ["s"]).encode(batch)
        let start = 3 + header("s", "LowCardinality(String)").count  // varint(1 column), varint(300 rows) in two bytes
        #expect(Array(block[start + 8..<start + 16]) == le(UInt64(1 | 1 << 9 | 1 << 10)), "UInt16 indexes")
        #expect(Array(block[start + 16..<start + 24]) == le(UInt64(257)))
        #expect(Array(block.suffix(2 * 44)) == (256..<300).flatMap { le(UInt16($0 % 257)) })
    }

    @Test func anEmptyLowCardinalityColumnIsItsVersionOnly() throws {
        let schema = Schema([Field(name: "s", type: .string, nullable: true)])
        #expect(try encoder(schema, lowCardinality: ["s"]).encode(try makeBatch(schema, []))
            == [1, 0] + header("s", "LowCardinality(Nullable(String))") + le(UInt64(1)))
    }

    @Test(arguments: [
        (DataType.date, Value.int(-25_568), "1899-12-31", "Date32 (1900-01-01 to 2299-12-31)"),
        (.date, .int(120_530), "2300-01-01", "Date32 (1900-01-01 to 2299-12-31)"),
        (.timestamp, .int(-2_208_988_800_000_001), "1899-12-31 23:59:59.999999",
         "DateTime64(6, 'UTC') (1900-01-01 00:00:00.000000 to 2299-12-31 23:59:59.999999)"),
        (.timestampTZ, .int(10_413_792_000_000_000), "2300-01-01 00:00:00.000000", "DateTime64(6, 'UTC')"),
    ])
    func valuesOutsideTheModernRangesAreErrorsNamingColumnAndRow(type: DataType, value: Value, shown: String, target: String) throws {
        let schema = Schema([Field(name: "id", type: .int32, nullable: false), Field(name: "v", type: type, nullable: true)])
        let batch = try makeBatch(schema, [[.int(1), .null], [.int(2), value]])
        let error = #expect(throws: SluiceError.self) { try encoder(schema).encode(batch, firstRow: 500) }
        #expect(error?.code == .clickHouseValueOutOfRange)
        #expect(error?.context.column == "v")
        #expect(error?.context.row == 501)
        #expect(error?.message.contains(shown) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(target) == true, "\(error?.message ?? "")")
    }

    @Test func theLegacyMessagesAreUnchanged() throws {
        let schema = Schema([Field(name: "v", type: .timestamp, nullable: false)])
        let error = #expect(throws: SluiceError.self) {
            try ClickHouseNativeEncoder(schema: schema).encode(try makeBatch(schema, [[.int(-1)]]))
        }
        #expect(error?.message == "value 1969-12-31 23:59:59.999999 does not fit ClickHouse DateTime (1970-01-01 00:00:00 to 2105-12-31 23:59:59)")
    }
}
