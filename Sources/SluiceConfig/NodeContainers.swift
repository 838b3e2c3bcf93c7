import Yams

struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let mapping: Node.Mapping

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        mapping.compactMap { $0.key.string.flatMap { Key(stringValue: $0) } }
    }

    private func entry(_ key: Key) -> (key: Node, value: Node)? {
        let name = NodeDecoder.yamlKey(key.stringValue)
        decoder.tracker.requested.insert(name)
        return mapping.first { $0.key.string == name }
    }

    func contains(_ key: Key) -> Bool {
        entry(key) != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let (_, value) = entry(key) else { return true }
        return decoder.child(value, key: NodeDecoder.yamlKey(key.stringValue), codingKey: key).isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let name = NodeDecoder.yamlKey(key.stringValue)
        guard let (_, value) = entry(key) else {
            throw decoder.location.error("missing required key '\(name)'")
        }
        return try decoder.child(value, key: name, codingKey: key).decodeScalar(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let name = NodeDecoder.yamlKey(key.stringValue)
        guard let (_, value) = entry(key) else { throw decoder.location.error("missing required key '\(name)'") }
        return try decoder.child(value, key: name, codingKey: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let name = NodeDecoder.yamlKey(key.stringValue)
        guard let (_, value) = entry(key) else { throw decoder.location.error("missing required key '\(name)'") }
        return try decoder.child(value, key: name, codingKey: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        let name = NodeDecoder.yamlKey(key.stringValue)
        guard let (_, value) = entry(key) else { throw decoder.location.error("missing required key '\(name)'") }
        return decoder.child(value, key: name, codingKey: key)
    }
}

struct IndexKey: CodingKey {
    var stringValue: String { "\(intValue!)" }
    var intValue: Int?
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let elements: [Node]
    var currentIndex = 0

    init(decoder: NodeDecoder, elements: [Node]) {
        self.decoder = decoder
        self.elements = elements
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else { throw decoder.location.error("the list has too few entries") }
        defer { currentIndex += 1 }
        return decoder.child(elements[currentIndex], key: "[\(currentIndex)]", codingKey: IndexKey(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if decoder.child(elements[currentIndex], key: "", codingKey: IndexKey(currentIndex)).isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next().decodeScalar(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decodeScalar(type)
    }
}
