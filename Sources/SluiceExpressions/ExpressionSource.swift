import SluiceCore

/// An expression's text and where it came from: turns UTF-8 offsets into the text into file positions, and
/// builds the located errors of every phase.
public struct ExpressionSource: Sendable, Hashable {
    /// The expression as written.
    public let text: String
    /// Where ``text`` starts in the configuration.
    public let origin: ExpressionOrigin
    let utf8: [UInt8]

    /// `text`, which starts at `origin`.
    public init(_ text: String, origin: ExpressionOrigin = ExpressionOrigin()) {
        self.text = text
        self.origin = origin
        utf8 = Array(text.utf8)
    }

    /// The file line and column (in characters) of the UTF-8 `offset` into the text.
    public func position(ofOffset offset: Int) -> (line: Int, column: Int) {
        let end = min(max(offset, 0), utf8.count)
        var line = origin.line
        var column = origin.column
        for byte in utf8[..<end] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = origin.continuationColumn
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// The text of `span` (UTF-8 offsets), for messages.
    public func excerpt(_ span: Range<Int>) -> String {
        let lower = min(max(span.lowerBound, 0), utf8.count)
        let upper = min(max(span.upperBound, lower), utf8.count)
        return String(decoding: utf8[lower..<upper], as: UTF8.self)
    }

    /// An error located at the start of `span`.
    func error(_ code: SluiceError.Code, _ message: String, at span: Range<Int>, row: Int? = nil,
               table: String? = nil) -> SluiceError {
        let (line, column) = position(ofOffset: span.lowerBound)
        return SluiceError(code, message, context: ErrorContext(file: origin.file, line: line, position: column,
                                                                key: origin.keyPath, table: table, row: row))
    }
}
