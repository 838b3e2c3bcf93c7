/// The type nibble of the Thrift compact protocol (field headers and collection headers).
///
/// Spec: Apache Thrift, `doc/specs/thrift-compact-protocol.md`. Booleans in field headers carry their value
/// in the type (1 = true, 2 = false); inside lists they are one byte each.
enum ThriftType: UInt8, Sendable {
    case booleanTrue = 1
    case booleanFalse = 2
    case byte = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case `struct` = 12
    case uuid = 13

    var name: String {
        switch self {
        case .booleanTrue, .booleanFalse: "bool"
        case .byte: "byte"
        case .i16: "i16"
        case .i32: "i32"
        case .i64: "i64"
        case .double: "double"
        case .binary: "binary"
        case .list: "list"
        case .set: "set"
        case .map: "map"
        case .struct: "struct"
        case .uuid: "uuid"
        }
    }

    var isBoolean: Bool { self == .booleanTrue || self == .booleanFalse }
}

/// A field header read from a struct: its id and wire type.
struct ThriftField: Sendable {
    var id: Int16
    var type: ThriftType
}
