/// The mapping travels to executors inside ``ClickHouseTarget``, so that their stage writers encode with the types the
/// driver chose. Sets are written sorted, so the same mapping always gives the same JSON.
extension ClickHouseTypeMapping: Codable {
    enum CodingKeys: String, CodingKey {
        case dateTimeTimeZone, capabilities, lowCardinalityColumns
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dateTimeTimeZone: try container.decodeIfPresent(String.self, forKey: .dateTimeTimeZone),
                  capabilities: Set(try container.decode([ClickHouseCapability].self, forKey: .capabilities)),
                  lowCardinalityColumns: Set(try container.decode([String].self, forKey: .lowCardinalityColumns)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(dateTimeTimeZone, forKey: .dateTimeTimeZone)
        try container.encode(ClickHouseCapability.allCases.filter(capabilities.contains), forKey: .capabilities)
        try container.encode(lowCardinalityColumns.sorted(), forKey: .lowCardinalityColumns)
    }
}
