public import SluiceCore

/// One element of a parsed S3 (or STS) XML response: its local name (namespace prefix dropped), child elements and
/// the text directly inside it (entities decoded, CDATA kept as is).
///
/// S3's responses are small, flat documents without mixed content, so this purpose-built parser keeps only what they
/// use: elements, text, the five predefined entities and numeric character references. Attributes, comments,
/// processing instructions and the doctype are skipped. Pure; no Foundation.
public struct S3XMLElement: Sendable, Hashable {
    public var name: String
    public var children: [S3XMLElement]
    public var text: String

    public init(name: String, children: [S3XMLElement] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    /// The first child named `name`.
    public func child(_ name: String) -> S3XMLElement? { children.first { $0.name == name } }

    /// Every child named `name`, in document order.
    public func children(_ name: String) -> [S3XMLElement] { children.filter { $0.name == name } }

    /// The text of the first child named `name`.
    public func text(_ name: String) -> String? { child(name)?.text }

    /// Parses a whole document and returns its root element.
    public static func parse(_ bytes: [UInt8]) throws(SluiceError) -> S3XMLElement {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    /// Elements nest at most this deep. S3's and STS's documents nest five levels at most; the limit keeps a hostile
    /// or broken body from exhausting the stack of this recursive parser.
    public static let maximumDepth = 64

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func document() throws(SluiceError) -> S3XMLElement {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            try skipMisc()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw failure("no root element") }
            let root = try element(depth: 1)
            try skipMisc()
            guard index == bytes.count else { throw failure("content after the root element") }
            return root
        }

        /// Skips whitespace, comments, processing instructions and a doctype.
        mutating func skipMisc() throws(SluiceError) {
            while true {
                while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                if starts("<?") {
                    try skip(past: "?>")
                } else if starts("<!--") {
                    try skip(past: "-->")
                } else if starts("<!DOCTYPE") {
                    try skip(past: ">")
                } else {
                    return
                }
            }
        }

        mutating func element(depth: Int) throws(SluiceError) -> S3XMLElement {
            guard depth <= S3XMLElement.maximumDepth else {
                throw failure("elements nested more than \(S3XMLElement.maximumDepth) deep")
            }
            index += 1  // "<"
            let name = readName()
            guard !name.isEmpty else { throw failure("an element without a name") }
            // Attributes are skipped, minding quotes.
            var quote: UInt8?
            while index < bytes.count {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                }
                index += 1
            }
            guard index < bytes.count else { throw failure("unterminated start tag <\(name)>") }
            let selfClosing = bytes[index - 1] == UInt8(ascii: "/")
            index += 1
            var result = S3XMLElement(name: Self.localName(name))
            if selfClosing { return result }
            var text: [UInt8] = []
            while true {
                guard index < bytes.count else { throw failure("element <\(name)> is not closed") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "&") {
                    text += try entity()
                } else if byte != UInt8(ascii: "<") {
                    // A run of plain text, up to the next markup, in one piece.
                    let end = bytes[index...].firstIndex { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") } ?? bytes.count
                    text += bytes[index..<end]
                    index = end
                } else if starts("</") {
                    index += 2
                    let closing = readName()
                    while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                    guard closing == name, index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                        throw failure("</\(closing)> closes <\(name)>")
                    }
                    index += 1
                    result.text = String(decoding: text, as: UTF8.self)
                    return result
                } else if starts("<![CDATA[") {
                    index += 9
                    let start = index
                    try skip(past: "]]>")
                    text += bytes[start..<(index - 3)]
                } else if starts("<!--") || starts("<?") {
                    try skipMisc()
                } else {
                    result.children.append(try element(depth: depth + 1))
                }
            }
        }

        mutating func entity() throws(SluiceError) -> [UInt8] {
            // The longest entity S3 can send is `&#x10FFFF;`: look no further than that for the `;`.
            guard let end = bytes[index..<min(bytes.count, index + 13)].firstIndex(of: UInt8(ascii: ";")) else {
                throw failure("a bare '&' in text")
            }
            let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
            index = end + 1
            switch name {
            case "amp": return Array("&".utf8)
            case "lt": return Array("<".utf8)
            case "gt": return Array(">".utf8)
            case "quot": return Array("\"".utf8)
            case "apos": return Array("'".utf8)
            default:
                var value: UInt32?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    value = UInt32(name.dropFirst(2), radix: 16)
                } else if name.hasPrefix("#") {
                    value = UInt32(name.dropFirst())
                }
                guard let value, let scalar = Unicode.Scalar(value) else { throw failure("unknown entity &\(name);") }
                return Array(String(Character(scalar)).utf8)
            }
        }

        mutating func readName() -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if Self.isSpace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { break }
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func skip(past marker: String) throws(SluiceError) {
            let pattern = Array(marker.utf8)
            while let first = bytes[index...].firstIndex(of: pattern[0]), first + pattern.count <= bytes.count {
                index = first
                if bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                    index += pattern.count
                    return
                }
                index += 1
            }
            index = bytes.count
            throw failure("missing \(marker)")
        }

        func starts(_ prefix: String) -> Bool {
            let pattern = prefix.utf8
            return index + pattern.count <= bytes.count && bytes[index..<(index + pattern.count)].elementsEqual(pattern)
        }

        func failure(_ what: String) -> SluiceError {
            SluiceError(.s3InvalidResponse, "malformed XML in an S3 response at byte \(index): \(what)",
                        underlying: String(decoding: bytes.prefix(200), as: UTF8.self))
        }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        static func localName(_ name: String) -> String {
            guard let colon = name.lastIndex(of: ":") else { return name }
            return String(name[name.index(after: colon)...])
        }
    }
}
