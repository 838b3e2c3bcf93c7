/// A compiled `LIKE` pattern: `%` matches any run of characters, `_` exactly one character (one Unicode scalar),
/// and `\` makes the next character literal. Matching is on UTF-8 bytes and case-sensitive.
struct LikePattern: Sendable, Hashable {
    enum Element: Sendable, Hashable {
        case literal([UInt8])
        case anyCharacter
        case anyRun
    }

    /// The shapes that need no backtracking.
    enum Shape: Sendable, Hashable {
        case exact([UInt8])
        case prefix([UInt8])
        case suffix([UInt8])
        case contains([UInt8])
        case general
    }

    let elements: [Element]
    let shape: Shape
    /// The pattern as written, for messages and pushdown.
    let text: String

    /// Compiles `pattern`; nil when it ends with the escape character.
    init?(_ pattern: String) {
        var elements: [Element] = []
        var literal: [UInt8] = []
        var bytes = Array(pattern.utf8)[...]
        func flush() {
            if !literal.isEmpty { elements.append(.literal(literal)); literal = [] }
        }
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "\\"):
                guard let escaped = bytes.popFirst() else { return nil }
                literal.append(escaped)
                // Copy the rest of a multi-byte character as is.
                while let next = bytes.first, next & 0xC0 == 0x80 { literal.append(next); bytes.removeFirst() }
            case UInt8(ascii: "%"):
                flush()
                if elements.last != .anyRun { elements.append(.anyRun) }
            case UInt8(ascii: "_"):
                flush()
                elements.append(.anyCharacter)
            default:
                literal.append(byte)
            }
        }
        flush()
        self.elements = elements
        self.text = pattern
        shape = Self.shape(of: elements)
    }

    private static func shape(of elements: [Element]) -> Shape {
        func literal(_ index: Int) -> [UInt8]? {
            if index < elements.count, case .literal(let bytes) = elements[index] { return bytes }
            return nil
        }
        let startsWithRun = elements.first == .anyRun, endsWithRun = elements.last == .anyRun
        switch elements.count {
        case 0: return .exact([])
        case 1: return startsWithRun ? .prefix([]) : (literal(0).map(Shape.exact) ?? .general)
        case 2:
            if endsWithRun, let prefix = literal(0) { return .prefix(prefix) }
            if startsWithRun, let suffix = literal(1) { return .suffix(suffix) }
            return .general
        case 3:
            if startsWithRun && endsWithRun, let middle = literal(1) { return .contains(middle) }
            return .general
        default: return .general
        }
    }

    /// Whether `text` matches the whole pattern.
    func matches(_ text: UnsafeRawBufferPointer) -> Bool {
        switch shape {
        case .exact(let literal):
            return text.count == literal.count && Self.hasPrefix(text, at: 0, literal)
        case .prefix(let literal):
            return text.count >= literal.count && Self.hasPrefix(text, at: 0, literal)
        case .suffix(let literal):
            return text.count >= literal.count && Self.hasPrefix(text, at: text.count - literal.count, literal)
        case .contains(let literal):
            return Self.find(literal, in: text, from: 0) != nil
        case .general:
            return matchesGeneral(text)
        }
    }

    /// Greedy matching that backtracks to the last `%` only, which suffices because every other element
    /// matches a fixed amount of text.
    private func matchesGeneral(_ text: UnsafeRawBufferPointer) -> Bool {
        var position = 0
        var element = 0
        var starElement = -1
        var starPosition = 0
        while position < text.count || element < elements.count {
            if element < elements.count {
                switch elements[element] {
                case .anyRun:
                    starElement = element
                    starPosition = position
                    element += 1
                    continue
                case .anyCharacter:
                    if position < text.count {
                        position = Self.nextScalar(text, after: position)
                        element += 1
                        continue
                    }
                case .literal(let literal):
                    if position + literal.count <= text.count && Self.hasPrefix(text, at: position, literal) {
                        position += literal.count
                        element += 1
                        continue
                    }
                }
            }
            guard starElement >= 0, starPosition < text.count else { return false }
            starPosition = Self.nextScalar(text, after: starPosition)
            position = starPosition
            element = starElement + 1
        }
        return true
    }

    @inline(__always)
    static func nextScalar(_ text: UnsafeRawBufferPointer, after position: Int) -> Int {
        var next = position + 1
        while next < text.count && text[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }

    @inline(__always)
    static func hasPrefix(_ text: UnsafeRawBufferPointer, at offset: Int, _ literal: [UInt8]) -> Bool {
        var index = 0
        while index < literal.count {
            if text[offset + index] != literal[index] { return false }
            index += 1
        }
        return true
    }

    /// The offset of the first occurrence of `needle` in `text` at or after `start`.
    static func find(_ needle: [UInt8], in text: UnsafeRawBufferPointer, from start: Int) -> Int? {
        needle.withUnsafeBytes { find($0, in: text, from: start) }
    }

    static func find(_ needle: UnsafeRawBufferPointer, in text: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let first = needle.first else { return start <= text.count ? start : nil }
        var offset = start
        let last = text.count - needle.count
        while offset <= last {
            if text[offset] == first {
                var index = 1
                while index < needle.count && text[offset + index] == needle[index] { index += 1 }
                if index == needle.count { return offset }
            }
            offset += 1
        }
        return nil
    }
}
