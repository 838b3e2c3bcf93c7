import Foundation

/// A table's curated (warehouse) layer: the table built from the clean layer after every shard of a run has
/// landed. `curated: false` turns it off for the table; a mapping changes how it is built.
///
/// ```yaml
/// curated:
///   table: orders_by_day                     # default: the clean table's name
///   select: |                                # default: the live rows, every declared column
///     SELECT toDate(created_at) AS day, count() AS orders, sum(total) AS revenue
///     FROM {{ live }} GROUP BY day
///   order_by: [day]                          # default: the primary key
///   partition_by: toYYYYMM(day)              # default: none
/// ```
///
/// In `select`, `{{ live }}` stands for the table's live rows (newest version per key, soft-deleted rows left out)
/// and `{{ clean }}` for the clean table itself, every version. Both are ClickHouse SQL the pipeline's author
/// writes, like `filters`; Sluice splices nothing else into it.
public struct CuratedConfig: Sendable, Hashable, Decodable {
    /// False: the table has no curated layer.
    public var enabled: Bool
    /// The curated table's name; default the clean table's.
    public var table: String?
    /// A `SELECT` over `{{ live }}` / `{{ clean }}`; default every declared column of the live rows.
    public var select: String?
    /// The curated table's sorting key; default the primary key (an empty list: no sorting key).
    public var orderBy: [String]?
    /// A ClickHouse partition expression (`toYYYYMM(created_at)`); default none.
    public var partitionBy: String?

    public init(enabled: Bool = true, table: String? = nil, select: String? = nil, orderBy: [String]? = nil,
                partitionBy: String? = nil) {
        self.enabled = enabled
        self.table = table
        self.select = select
        self.orderBy = orderBy
        self.partitionBy = partitionBy
    }

    enum CodingKeys: String, CodingKey { case enabled, table, select, orderBy, partitionBy }

    /// `curated: false` (or `true`), or the mapping above.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let enabled = try? single.decode(Bool.self) {
            self.init(enabled: enabled)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(enabled: try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
                  table: try c.decodeIfPresent(String.self, forKey: .table),
                  select: try c.decodeIfPresent(String.self, forKey: .select),
                  orderBy: try c.decodeIfPresent([String].self, forKey: .orderBy),
                  partitionBy: try c.decodeIfPresent(String.self, forKey: .partitionBy))
    }

    /// The placeholder for the live rows in ``select``.
    public static let livePlaceholder = "live"
    /// The placeholder for the clean table in ``select``.
    public static let cleanPlaceholder = "clean"

    /// `select` with each `{{ name }}` replaced by `replacement(name)`; nil for a name it does not know, which
    /// makes the whole call nil (the validator reports it).
    public static func expand(_ select: String, _ replacement: (String) -> String?) -> String? {
        var out = ""
        var rest = select[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { return nil }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let text = replacement(name) else { return nil }
            out += text
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The placeholders `select` names, in order (`{{ live }}` -> `live`); nil when a `{{` is never closed.
    public static func placeholders(in select: String) -> [String]? {
        var names: [String] = []
        guard expand(select, { names.append($0); return "" }) != nil else { return nil }
        return names
    }
}
