/// Where an expression's text starts in the configuration: the file, the line and column of its first
/// character, and the key path of the YAML value that holds it (`tables.orders.filter`).
public struct ExpressionOrigin: Sendable, Hashable {
    /// The configuration file, as messages should name it (`tables/orders.yaml`).
    public var file: String?
    /// 1-based line of the expression's first character.
    public var line: Int
    /// 1-based column (in characters) of the expression's first character on ``line``.
    public var column: Int
    /// 1-based column at which continuation lines of a multi-line expression start (a YAML block scalar's
    /// indentation plus one); 1 when lines are not indented.
    public var continuationColumn: Int
    /// The key path of the YAML value (`tables.orders.filter`), for messages.
    public var keyPath: String?

    /// An origin; the defaults (line 1, column 1, no file) suit expressions that come from nowhere in particular.
    public init(file: String? = nil, line: Int = 1, column: Int = 1, continuationColumn: Int = 1, keyPath: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.continuationColumn = continuationColumn
        self.keyPath = keyPath
    }
}
