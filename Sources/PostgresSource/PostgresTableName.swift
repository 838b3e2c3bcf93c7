public import SluiceCore

/// A table named by optional schema and name, parsed from configuration text and always quoted in SQL.
public struct PostgresTableName: Sendable, Hashable, CustomStringConvertible {
    public var schema: String?
    public var name: String

    public init(schema: String? = nil, name: String) {
        self.schema = schema
        self.name = name
    }

    /// Parses `table`, `schema.table`, or either part double-quoted (`"My Schema"."Order.Items"`, with `""`
    /// for a quote inside). Unquoted parts are taken as written (not folded to lower case), so `Orders`
    /// names the table `Orders`.
    public init(parsing text: String) throws(SluiceError) {
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var wasQuoted = false
        var characters = Array(text)[...]
        while let c = characters.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if characters.first == "\"" { current.append("\""); characters.removeFirst() } else { inQuotes = false }
                } else { current.append(c) }
            } else if c == "\"" {
                guard current.isEmpty else { throw Self.invalid(text) }
                inQuotes = true
                wasQuoted = true
            } else if c == "." {
                guard !current.isEmpty else { throw Self.invalid(text) }
                parts.append(current)
                current = ""
                wasQuoted = false
            } else {
                guard !wasQuoted, !c.isWhitespace else { throw Self.invalid(text) }
                current.append(c)
            }
        }
        guard !inQuotes, !current.isEmpty else { throw Self.invalid(text) }
        parts.append(current)
        switch parts.count {
        case 1: self.init(name: parts[0])
        case 2: self.init(schema: parts[0], name: parts[1])
        default: throw Self.invalid(text)
        }
    }

    private static func invalid(_ text: String) -> SluiceError {
        SluiceError(.invalidValue, "invalid table name '\(text)': use table or schema.table, double-quoting parts as needed",
                    context: ErrorContext(table: text))
    }

    /// `"schema"."name"` (or `"name"`), ready to splice into SQL.
    public var quoted: String {
        (schema.map { SQL.quoteIdentifier($0) + "." } ?? "") + SQL.quoteIdentifier(name)
    }

    /// `schema.name` as written in messages.
    public var description: String { (schema.map { $0 + "." } ?? "") + name }
}
