import SluiceCore
import Yams

/// Decodes `Decodable` configuration types from a composed YAML tree, keeping what plain `Codable`
/// decoding loses: the line of every value (for errors as `file:line: key.path: message`), unknown keys
/// (a typo such as `partiton:` is an error, not silently ignored), and `${ENV}` expansion in scalars.
///
/// Swift property names map to snake_case YAML keys: `primaryKey` reads `primary_key`.
struct YAMLNodeDecoder {
    let file: String
    /// The file's whole text, kept by values that decode part of it later (``ConnectorSection``).
    var text: String = ""
    let substitution: EnvironmentSubstitution

    /// Decodes `type` from `node`; `path` names where `node` sits in its file, for messages.
    func decode<T: Decodable>(_ type: T.Type, from node: Node, path: [String] = []) throws(SluiceError) -> T {
        let state = DecodingState(file: file, text: text, substitution: substitution)
        let decoder = NodeDecoder(node: node, state: state, path: path, codingPath: [])
        do {
            let value = try T(from: decoder)
            try decoder.checkNoUnknownKeys()
            return value
        } catch let error as SluiceError {
            throw error
        } catch let error as DecodingError {
            throw state.convert(error, root: node, path: path)
        } catch {
            throw SluiceError(.configInvalid, "\(error)", context: ErrorContext(file: file))
        }
    }
}

/// Shared by every decoder of one decoding pass.
final class DecodingState {
    let file: String
    let text: String
    let substitution: EnvironmentSubstitution

    init(file: String, text: String, substitution: EnvironmentSubstitution) {
        self.file = file
        self.text = text
        self.substitution = substitution
    }

    func location(_ node: Node?, _ path: [String]) -> ConfigLocation {
        ConfigLocation(file: file, line: node?.mark?.line, path: path)
    }

    /// Turns a `DecodingError` thrown by a type's own `init(from:)` into a located error.
    func convert(_ error: DecodingError, root: Node, path rootPath: [String]) -> SluiceError {
        let codingPath: [any CodingKey]
        let message: String
        switch error {
        case .dataCorrupted(let context):
            codingPath = context.codingPath; message = context.debugDescription
        case .keyNotFound(let key, let context):
            codingPath = context.codingPath + [key]; message = "missing required key"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            codingPath = context.codingPath; message = context.debugDescription
        @unknown default:
            return SluiceError(.configInvalid, "\(error)", context: ErrorContext(file: file))
        }
        var node: Node? = root
        // A key that is missing has no node: its mapping's line is the place to point at.
        var nearest: Node? = root
        var path = rootPath
        for key in codingPath {
            if node != nil { nearest = node }
            if let index = key.intValue, let sequence = node?.sequence {
                node = index < sequence.count ? sequence[index] : nil
                path.append("[\(index)]")
            } else {
                let name = NodeDecoder.yamlKey(key.stringValue)
                node = node?.mapping?.first { $0.key.string == name }?.value
                path.append(name)
            }
        }
        return location(node ?? nearest, path).error(message)
    }
}

/// Which keys of a mapping a decoded type asked for.
final class KeyTracker {
    var requested: Set<String> = []
    var used = false
}

struct NodeDecoder: Decoder {
    let node: Node
    let state: DecodingState
    /// Readable path for messages (`tables.[2].columns.[0].type`).
    let path: [String]
    let codingPath: [any CodingKey]
    let tracker = KeyTracker()

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var location: ConfigLocation { state.location(node, path) }

    /// `primaryKey` -> `primary_key`.
    static func yamlKey(_ swiftName: String) -> String {
        var result = ""
        for character in swiftName {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let mapping = node.mapping else {
            throw location.error("expected a mapping of keys to values, found \(node.kindDescription)")
        }
        tracker.used = true
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, mapping: mapping))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let sequence = node.sequence else {
            throw location.error("expected a list, found \(node.kindDescription)")
        }
        return UnkeyedContainer(decoder: self, elements: Array(sequence))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(decoder: self)
    }

    func child(_ node: Node, key: String, codingKey: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: node, state: state, path: path + [key], codingPath: codingPath + [codingKey])
    }

    /// Reports the first key of this mapping that the decoded type never asked for.
    func checkNoUnknownKeys() throws(SluiceError) {
        guard tracker.used, let mapping = node.mapping else { return }
        for (key, _) in mapping {
            let name = key.string ?? ""
            if !tracker.requested.contains(name) {
                let known = tracker.requested.sorted().joined(separator: ", ")
                throw state.location(key, path + [name]).error("unknown key '\(name)' (known keys here: \(known))")
            }
        }
    }

    /// Decodes a nested value and checks its keys.
    func decodeNested<T: Decodable>(_ type: T.Type, decoder: NodeDecoder) throws -> T {
        let value = try T(from: decoder)
        try decoder.checkNoUnknownKeys()
        return value
    }

    // MARK: scalars

    var isNull: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func scalarText() throws -> String {
        guard case .scalar(let scalar) = node else {
            throw location.error("expected a single value, found \(node.kindDescription)")
        }
        if isNull { throw location.error("missing value") }
        switch state.substitution.expand(scalar.string) {
        case .success(let text): return text
        case .failure(let unset):
            throw location.error(.configSecret, "environment variable \(unset.name) is not set (referenced as ${\(unset.name)})")
        }
    }

    func decodeScalar<T: Decodable>(_ type: T.Type) throws -> T {
        if type == String.self { return try scalarText() as! T }
        if type == Bool.self {
            let text = try scalarText()
            switch text.lowercased() {
            case "true", "yes", "on": return true as! T
            case "false", "no", "off": return false as! T
            default: throw location.error("expected true or false, found '\(text)'")
            }
        }
        if let integerType = type as? any FixedWidthInteger.Type {
            let text = try scalarText()
            guard let value = integerType.init(text.replacingOccurrences(of: "_", with: ""), radix: 10) else {
                throw location.error("expected a whole number, found '\(text)'")
            }
            return value as! T
        }
        if type == Double.self {
            let text = try scalarText()
            guard let value = Double(text) else { throw location.error("expected a number, found '\(text)'") }
            return value as! T
        }
        return try decodeNested(type, decoder: self)
    }
}

import Foundation

extension Node {
    var kindDescription: String {
        switch self {
        case .scalar(let scalar): "the value '\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
