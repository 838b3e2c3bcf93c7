import ClickHouseSink
import SluiceCore
import Testing

/// Versions as `SELECT version()` prints them, the capabilities each one has, and `type_mapping` pins.
@Suite struct ClickHouseServerVersionTests {
    @Test(arguments: [
        ("18.16.1", [18, 16, 1]), ("25.3.2.1", [25, 3, 2, 1]), ("21.12", [21, 12]), ("24.3.1.2672-lts", [24, 3, 1, 2672]),
        (" 23.8.1 (official build)", [23, 8, 1]),
    ])
    func parsesWhatServersPrint(text: String, components: [Int]) throws {
        #expect(try #require(ClickHouseServerVersion(text)).components == components)
    }

    @Test(arguments: ["", "18", "version", "x.1.2", ".16.1"])
    func refusesWhatIsNotAVersion(text: String) {
        #expect(ClickHouseServerVersion(text) == nil)
    }

    @Test func comparesComponentByComponent() {
        let ordered = ["18.16.1", "19.3", "20.1", "20.1.2.4", "20.8", "21.9", "21.12", "22.8", "25.3.2.1"].map { ClickHouseServerVersion($0)! }
        #expect(ordered == ordered.sorted())
        #expect(ClickHouseServerVersion(21, 12) > ClickHouseServerVersion(21, 9), "12 > 9 as numbers, not as text")
        #expect(ClickHouseServerVersion("20.1") == ClickHouseServerVersion("20.1.0.0"))
        #expect(Set([ClickHouseServerVersion("20.1")!, ClickHouseServerVersion("20.1.0")!]).count == 1)
        #expect(ClickHouseServerVersion("20.1.0.1")! > ClickHouseServerVersion(20, 1))
        #expect(ClickHouseServerVersion("25.3.2.1")!.description == "25.3.2.1")
    }

    @Test(arguments: [
        ("18.16.1", [ClickHouseCapability]()),
        ("19.17.6.36", [.lowCardinality]),
        ("20.1.2.4", [.lowCardinality, .dateTime64]),
        ("20.8", [.lowCardinality, .dateTime64, .decimal256]),
        ("21.4", [.lowCardinality, .dateTime64, .decimal256, .dateTime64From1925]),
        ("21.9.2", [.lowCardinality, .dateTime64, .decimal256, .dateTime64From1925, .date32]),
        ("21.12.1", [.lowCardinality, .dateTime64, .decimal256, .dateTime64From1925, .date32, .bool]),
        ("22.8.1", ClickHouseCapability.allCases),
        ("25.3.2.1", ClickHouseCapability.allCases),
    ])
    func eachVersionGetsTheCapabilitiesItHas(version: String, expected: [ClickHouseCapability]) {
        #expect(ClickHouseCapability.available(on: ClickHouseServerVersion(version)!) == Set(expected))
    }

    @Test func theMappingFollowsEachCapabilityOnItsOwn() {
        let timestamp = Field(name: "t", type: .timestamp, nullable: false)
        let date = Field(name: "d", type: .date, nullable: false)
        let flag = Field(name: "b", type: .boolean, nullable: false)
        func types(_ version: String) -> [String] {
            let mapping = ClickHouseTypeMapping(serverVersion: ClickHouseServerVersion(version)!)
            return [timestamp, date, flag].map { mapping.type(for: $0).description }
        }
        #expect(types("19.17") == ["DateTime('UTC')", "Date", "UInt8"])
        #expect(types("20.1") == ["DateTime64(6, 'UTC')", "Date", "UInt8"], "DateTime64 before Date32")
        #expect(types("20.8") == ["DateTime64(6, 'UTC')", "Date", "UInt8"], "Decimal256 changes nothing Sluice writes")
        #expect(types("21.9") == ["DateTime64(6, 'UTC')", "Date32", "UInt8"])
        #expect(types("21.12") == ["DateTime64(6, 'UTC')", "Date32", "Bool"])
        #expect(types("25.3.2.1") == ["DateTime64(6, 'UTC')", "Date32", "Bool"])
    }

    @Test func rangesWidenWithTheServer() {
        func limits(_ version: String) -> (String, String, String, String) {
            let mapping = ClickHouseTypeMapping(serverVersion: ClickHouseServerVersion(version)!)
            return (CivilTime.formatDate(days: mapping.dateDays.lowerBound), CivilTime.formatDate(days: mapping.dateDays.upperBound),
                    CivilTime.formatTimestamp(microseconds: mapping.timestampMicroseconds.lowerBound),
                    CivilTime.formatTimestamp(microseconds: mapping.timestampMicroseconds.upperBound))
        }
        #expect(limits("18.16.1") == ("1970-01-01", "2105-12-31", "1970-01-01 00:00:00.000000", "2105-12-31 23:59:59.999999"))
        #expect(limits("20.1") == ("1970-01-01", "2105-12-31", "1970-01-01 00:00:00.000000", "2105-12-31 23:59:59.999999"))
        #expect(limits("21.4") == ("1970-01-01", "2105-12-31", "1925-01-01 00:00:00.000000", "2282-12-31 23:59:59.999999"))
        #expect(limits("21.9") == ("1925-01-01", "2282-12-31", "1925-01-01 00:00:00.000000", "2282-12-31 23:59:59.999999"))
        #expect(limits("22.8") == ("1900-01-01", "2299-12-31", "1900-01-01 00:00:00.000000", "2299-12-31 23:59:59.999999"))
        #expect(ClickHouseTypeMapping.legacy.dateDays == ClickHouseTypeMapping.dateRange)
        #expect(ClickHouseTypeMapping.legacy.timestampMicroseconds == ClickHouseTypeMapping.timestampMicrosecondsRange)
    }

    @Test func aPinOverridesTheServer() throws {
        let old = ClickHouseServerVersion(18, 16, 1), new = ClickHouseServerVersion(25, 3, 2, 1)
        #expect(try ClickHouseTypeMappingChoice.auto.mapping(for: old, endpoint: "ch:8123") == .legacy)
        #expect(try ClickHouseTypeMappingChoice.auto.mapping(for: new, endpoint: "ch:8123") == .modern)
        #expect(try ClickHouseTypeMappingChoice.legacy.mapping(for: new, endpoint: "ch:8123") == .legacy)
        #expect(try ClickHouseTypeMappingChoice.modern.mapping(for: new, endpoint: "ch:8123") == .modern)
        let error = #expect(throws: SluiceError.self) {
            try ClickHouseTypeMappingChoice.modern.mapping(for: old, endpoint: "ch:8123")
        }
        #expect(error?.code == .clickHouseTypeMappingUnsupported)
        #expect(error?.message.hasPrefix("sink.clickhouse.type_mapping is modern, but ClickHouse ch:8123 is version 18.16.1, which lacks LowCardinality (19.3), DateTime64 (20.1), ") == true,
                "\(error?.message ?? "")")
        let partly = #expect(throws: SluiceError.self) {
            try ClickHouseTypeMappingChoice.modern.mapping(for: ClickHouseServerVersion(21, 12), endpoint: "ch:8123")
        }
        #expect(partly?.message.contains("lacks Date32 and DateTime64 from 1900 (22.8);") == true, "\(partly?.message ?? "")")
    }

    @Test func summariesSayWhatWasChosen() {
        #expect(ClickHouseTypeMapping.legacy.summary == "legacy types")
        #expect(ClickHouseTypeMapping.modern.summary == "modern types")
        #expect(ClickHouseTypeMapping(serverVersion: ClickHouseServerVersion(21, 9)).summary
            == "modern types without Bool (21.12), Date32 and DateTime64 from 1900 (22.8)")
    }
}
