import SluiceCore

/// Splits an expression's text into ``Token``s, by hand over its UTF-8 bytes.
///
/// Words are letters, digits, `_` and any non-ASCII character, not starting with a digit. `--` starts a comment
/// that runs to the end of the line.
struct ExpressionLexer {
    let source: ExpressionSource

    init(_ source: ExpressionSource) {
        self.source = source
    }

    /// All tokens, ending with `.end`.
    func tokens() throws(SluiceError) -> [Token] {
        let bytes = source.utf8
        var tokens: [Token] = []
        var index = 0
        while true {
            index = skipSpaceAndComments(bytes, from: index)
            guard index < bytes.count else {
                tokens.append(Token(kind: .end, span: bytes.count..<bytes.count))
                return tokens
            }
            let start = index
            let byte = bytes[index]
            if Self.isDigit(byte) || (byte == UInt8(ascii: ".") && index + 1 < bytes.count && Self.isDigit(bytes[index + 1])) {
                let (kind, end) = try number(bytes, from: index)
                tokens.append(Token(kind: kind, span: start..<end))
                index = end
            } else if Self.isWordStart(byte) {
                // A name, or a qualified one (`customers.tier`: a joined table's column).
                var end = index + 1
                while end < bytes.count && Self.isWordPart(bytes[end]) { end += 1 }
                while end + 1 < bytes.count && bytes[end] == UInt8(ascii: ".") && Self.isWordStart(bytes[end + 1]) {
                    end += 2
                    while end < bytes.count && Self.isWordPart(bytes[end]) { end += 1 }
                }
                tokens.append(Token(kind: .identifier(String(decoding: bytes[start..<end], as: UTF8.self)), span: start..<end))
                index = end
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                let (text, end) = try quoted(bytes, from: index, quote: byte)
                if byte == UInt8(ascii: "\"") {
                    guard !text.isEmpty else {
                        throw source.error(.expressionSyntax, "a quoted column name cannot be empty", at: start..<end)
                    }
                    tokens.append(Token(kind: .quotedIdentifier(text), span: start..<end))
                } else {
                    tokens.append(Token(kind: .string(text), span: start..<end))
                }
                index = end
            } else if let (symbol, length) = Self.symbol(bytes, at: index) {
                tokens.append(Token(kind: .symbol(symbol), span: start..<start + length))
                index += length
            } else {
                let character = source.excerpt(start..<Self.scalarEnd(bytes, from: start))
                throw source.error(.expressionSyntax, "unexpected character '\(character)'", at: start..<start + 1)
            }
        }
    }

    private func skipSpaceAndComments(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "-") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-") {
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else {
                break
            }
        }
        return index
    }

    /// `digits [. digits] [e [+-] digits]`; a number directly followed by a letter or another point is an error.
    private func number(_ bytes: [UInt8], from start: Int) throws(SluiceError) -> (Token.Kind, Int) {
        var index = start
        var sawPoint = false
        var sawExponent = false
        while index < bytes.count && Self.isDigit(bytes[index]) { index += 1 }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            sawPoint = true
            index += 1
            while index < bytes.count && Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            var exponentEnd = index + 1
            if exponentEnd < bytes.count && (bytes[exponentEnd] == UInt8(ascii: "+") || bytes[exponentEnd] == UInt8(ascii: "-")) {
                exponentEnd += 1
            }
            let digitsStart = exponentEnd
            while exponentEnd < bytes.count && Self.isDigit(bytes[exponentEnd]) { exponentEnd += 1 }
            guard exponentEnd > digitsStart else {
                throw source.error(.expressionSyntax, "malformed number '\(source.excerpt(start..<exponentEnd))': the exponent has no digits",
                                   at: start..<exponentEnd)
            }
            sawExponent = true
            index = exponentEnd
        }
        if index < bytes.count && (Self.isWordPart(bytes[index]) || bytes[index] == UInt8(ascii: ".")) {
            var end = index
            while end < bytes.count && (Self.isWordPart(bytes[end]) || bytes[end] == UInt8(ascii: ".")) { end += 1 }
            throw source.error(.expressionSyntax, "malformed number '\(source.excerpt(start..<end))'", at: start..<end)
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if sawExponent { return (.float(text), index) }
        return (sawPoint ? .decimal(text) : .integer(text), index)
    }

    /// A `'string'` or `"name"`: the quote doubled inside stands for itself.
    private func quoted(_ bytes: [UInt8], from start: Int, quote: UInt8) throws(SluiceError) -> (String, Int) {
        var content: [UInt8] = []
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == quote {
                if index + 1 < bytes.count && bytes[index + 1] == quote {
                    content.append(quote)
                    index += 2
                    continue
                }
                return (String(decoding: content, as: UTF8.self), index + 1)
            }
            content.append(bytes[index])
            index += 1
        }
        let what = quote == UInt8(ascii: "'") ? "string" : "quoted name"
        throw source.error(.expressionSyntax, "unterminated \(what)", at: start..<bytes.count)
    }

    private static func symbol(_ bytes: [UInt8], at index: Int) -> (Token.Symbol, Int)? {
        if index + 1 < bytes.count {
            let pair = String(decoding: bytes[index...index + 1], as: UTF8.self)
            if let symbol = Token.Symbol(rawValue: pair) { return (symbol, 2) }
        }
        return Token.Symbol(rawValue: String(UnicodeScalar(bytes[index]))).map { ($0, 1) }
    }

    private static func scalarEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return end
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isWordStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    static func isWordPart(_ byte: UInt8) -> Bool { isWordStart(byte) || isDigit(byte) }
}
