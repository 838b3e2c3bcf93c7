/// Whether a field may be absent or repeated (parquet.thrift `FieldRepetitionType`).
public enum ParquetRepetition: Int32, Sendable, Hashable, CustomStringConvertible {
    case required = 0
    case optional = 1
    case repeated = 2

    public var description: String {
        switch self {
        case .required: "REQUIRED"
        case .optional: "OPTIONAL"
        case .repeated: "REPEATED"
        }
    }
}
