/// The constants of an IN list, sorted, for a binary search per row.
enum ConstantSet: Sendable {
    case int32([Int32], containsNull: Bool)
    case int64([Int64], containsNull: Bool)
    case int128([Int128], containsNull: Bool)
    case bytes([[UInt8]], containsNull: Bool)

    var containsNull: Bool {
        switch self {
        case .int32(_, let n), .int64(_, let n), .int128(_, let n), .bytes(_, let n): n
        }
    }
}
