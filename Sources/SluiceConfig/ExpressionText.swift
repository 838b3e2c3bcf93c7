import Yams

/// An expression as written in the configuration (a derived column, a filter, a validation rule), with where its
/// first character is, so that errors found later (by the expression checker, or while a row is evaluated) can
/// name the file, the line and the column: `tables/orders.yaml:14:22: unknown column 'totl'`.
///
/// The text is taken as written: `${...}` references are not expanded inside expressions.
public struct ExpressionText: Sendable, Hashable, Codable {
    public var text: String
    public var file: String
    /// 1-based line of the expression's first character.
    public var line: Int
    /// 1-based column of the expression's first character.
    public var column: Int
    /// 1-based column at which the continuation lines of a block scalar (`|`) start; 1 otherwise.
    public var continuationColumn: Int
    /// The YAML key path that holds it (`tables.[0].filter`).
    public var keyPath: String

    public init(text: String, file: String = "", line: Int = 1, column: Int = 1, continuationColumn: Int = 1, keyPath: String = "") {
        self.text = text
        self.file = file
        self.line = line
        self.column = column
        self.continuationColumn = continuationColumn
        self.keyPath = keyPath
    }

    enum CodingKeys: String, CodingKey { case text, file, line, column, continuationColumn, keyPath }

    public init(from decoder: any Decoder) throws {
        guard let decoder = decoder as? NodeDecoder else {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            text = try c.decode(String.self, forKey: .text)
            file = try c.decode(String.self, forKey: .file)
            line = try c.decode(Int.self, forKey: .line)
            column = try c.decode(Int.self, forKey: .column)
            continuationColumn = try c.decode(Int.self, forKey: .continuationColumn)
            keyPath = try c.decode(String.self, forKey: .keyPath)
            return
        }
        guard case .scalar(let scalar) = decoder.node, !decoder.isNull else {
            throw decoder.location.error("expected an expression, found \(decoder.node.kindDescription)")
        }
        text = scalar.string
        file = decoder.state.file
        keyPath = decoder.path.joined(separator: ".")
        let (markLine, markColumn) = (decoder.node.mark?.line ?? 1, decoder.node.mark?.column ?? 1)
        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            // The mark is the opening quote (escapes inside are not accounted for).
            line = markLine
            column = markColumn + 1
            continuationColumn = 1
        case .literal, .folded:
            // The mark is the `|` or `>`; the text starts on the next line at the block's indentation.
            let indentation = Self.blockIndentation(in: decoder.state.text, after: markLine)
            line = markLine + 1
            column = indentation + 1
            continuationColumn = indentation + 1
        default:
            line = markLine
            column = markColumn
            continuationColumn = markColumn
        }
    }

    /// The indentation of the first non-blank line after `line` in `text`.
    static func blockIndentation(in text: String, after line: Int) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for candidate in lines.dropFirst(line) where !candidate.allSatisfy(\.isWhitespace) {
            return candidate.prefix { $0 == " " }.count
        }
        return 0
    }
}
