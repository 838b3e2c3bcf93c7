/// `run.speculation`: speculative copies of slow task attempts (off by default). Once `quantile` of a table's tasks
/// have staged, an attempt running longer than `multiplier` × the median time they took, and at least
/// `min_runtime`, gets a second attempt on another executor; the first of the two to stage is committed and the
/// other cancelled, its staging discarded (docs/ARCHITECTURE.md, "Liveness and speculation").
public struct SpeculationConfig: Sendable, Decodable, Hashable {
    /// Default false.
    public var enabled: Bool
    /// How many times the table's median an attempt must run (default 1.5; at least 1).
    public var multiplier: Double
    /// The youngest an attempt may be when copied (default 30s): short tasks are not worth a second executor.
    public var minRuntime: ConfigDuration
    /// The share of the table's tasks that must have staged before its median counts (default 0.75; 0...1).
    public var quantile: Double

    public init() {
        enabled = false
        multiplier = 1.5
        minRuntime = .seconds(30)
        quantile = 0.75
    }

    enum CodingKeys: String, CodingKey { case enabled, multiplier, minRuntime, quantile }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? enabled
        multiplier = try c.decodeIfPresent(Double.self, forKey: .multiplier) ?? multiplier
        minRuntime = try c.decodeIfPresent(ConfigDuration.self, forKey: .minRuntime) ?? minRuntime
        quantile = try c.decodeIfPresent(Double.self, forKey: .quantile) ?? quantile
        guard multiplier >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .multiplier, in: c, debugDescription: "multiplier must be at least 1")
        }
        guard (0...1).contains(quantile) else {
            throw DecodingError.dataCorruptedError(forKey: .quantile, in: c, debugDescription: "quantile must be 0...1")
        }
    }
}
