public import SluiceConfig
public import SluiceCore

/// `sink.clickhouse.type_mapping`: which column types the sink writes. The choice is made once per run, from the
/// server's version (``ClickHouseWarehouse/connectForRun()``), and travels to executors inside each table's target.
public enum ClickHouseTypeMappingChoice: String, Sendable, Hashable, ConfigChoice {
    /// Every capability the server has (``ClickHouseCapability/available(on:)``); on 18.16, the legacy types.
    case auto
    /// ClickHouse 18.16's types on every server, exactly as Sluice wrote them before the modern mapping existed.
    case legacy
    /// Every capability; a server that lacks one is refused when the run starts.
    case modern

    /// The mapping for a server of `version` at `endpoint` (`host:port`, for the message).
    /// - Throws: ``SluiceError/Code/clickHouseTypeMappingUnsupported`` for `modern` on a server that lacks a capability.
    public func mapping(for version: ClickHouseServerVersion, endpoint: String) throws(SluiceError) -> ClickHouseTypeMapping {
        switch self {
        case .legacy:
            return .legacy
        case .auto:
            return ClickHouseTypeMapping(serverVersion: version)
        case .modern:
            let missing = ClickHouseCapability.allCases.filter { version < $0.since }
            guard missing.isEmpty else {
                throw SluiceError(.clickHouseTypeMappingUnsupported,
                                  "sink.clickhouse.type_mapping is modern, but ClickHouse \(endpoint) is version \(version), which lacks "
                                      + missing.map(\.description).joined(separator: ", ")
                                      + "; use type_mapping: auto (the types this server has) or legacy")
            }
            return .modern
        }
    }
}

extension SluiceError.Code {
    /// `type_mapping: modern` against a server too old for it.
    public static let clickHouseTypeMappingUnsupported = Self("clickhouse_type_mapping_unsupported", retryable: false)
}
