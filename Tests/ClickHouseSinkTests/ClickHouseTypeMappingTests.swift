import ClickHouseSink
import SluiceCore
import Testing

@Suite struct ClickHouseTypeMappingTests {
    @Test(arguments: [
        (DataType.boolean, "UInt8"), (.int8, "Int8"), (.int16, "Int16"), (.int32, "Int32"), (.int64, "Int64"),
        (.uint8, "UInt8"), (.uint16, "UInt16"), (.uint32, "UInt32"), (.uint64, "UInt64"),
        (.float32, "Float32"), (.float64, "Float64"),
        (.decimal(precision: 9, scale: 2), "Decimal(9, 2)"), (.decimal(precision: 38, scale: 10), "Decimal(38, 10)"),
        (.string, "String"), (.json, "String"), (.binary, "String"), (.time, "String"),
        (.uuid, "UUID"), (.date, "Date"), (.timestamp, "DateTime('UTC')"), (.timestampTZ, "DateTime('UTC')"),
    ])
    func mapping(type: DataType, expected: String) {
        let mapping = ClickHouseTypeMapping()
        #expect(mapping.type(for: type).description == expected)
        #expect(mapping.type(for: Field(name: "x", type: type, nullable: false)).description == expected)
        #expect(mapping.type(for: Field(name: "x", type: type, nullable: true)).description == "Nullable(\(expected))")
    }

    @Test func serverZoneAndWidths() {
        let plain = ClickHouseTypeMapping(dateTimeTimeZone: nil)
        #expect(plain.type(for: .timestamp).description == "DateTime")
        #expect(ClickHouseType.decimal(precision: 9, scale: 0).fixedWidth == 4)
        #expect(ClickHouseType.decimal(precision: 10, scale: 0).fixedWidth == 8)
        #expect(ClickHouseType.decimal(precision: 18, scale: 0).fixedWidth == 8)
        #expect(ClickHouseType.decimal(precision: 19, scale: 0).fixedWidth == 16)
        #expect(ClickHouseType.nullable(.uuid).fixedWidth == 16)
        #expect(ClickHouseType.string.fixedWidth == nil)
    }

    @Test func rangesMatchTheCalendar() {
        #expect(CivilTime.formatDate(days: ClickHouseTypeMapping.dateRange.upperBound) == "2105-12-31")
        #expect(CivilTime.formatTimestamp(microseconds: ClickHouseTypeMapping.dateTimeSecondsRange.upperBound * 1_000_000)
            == "2105-12-31 23:59:59.000000")
    }

    @Test func wireCompatibilityIgnoresTheDisplayZone() {
        let type = ClickHouseType.nullable(.dateTime(timeZone: "UTC"))
        #expect(type.isWireCompatible(withTableType: "Nullable(DateTime('UTC'))"))
        #expect(type.isWireCompatible(withTableType: "Nullable(DateTime)"))
        #expect(type.isWireCompatible(withTableType: "Nullable(DateTime('Europe/Moscow'))"))
        #expect(!type.isWireCompatible(withTableType: "DateTime"))
        #expect(!ClickHouseType.int64.isWireCompatible(withTableType: "Int32"))
        #expect(ClickHouseType.decimal(precision: 18, scale: 3).isWireCompatible(withTableType: "Decimal(18, 3)"))
    }
}
