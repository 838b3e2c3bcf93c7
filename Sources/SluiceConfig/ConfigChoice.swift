/// A setting with a fixed set of spellings (`compression: zstd`, `out_of_range: set_null`): parsed once, where it
/// is read, and a value outside the set is an error that lists the allowed ones.
public protocol ConfigChoice: RawRepresentable, CaseIterable, Decodable, Sendable where RawValue == String {}

extension ConfigChoice {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not one of \(Self.spellings)")
        }
        self = value
    }

    /// `a, b or c`.
    public static var spellings: String {
        let all = allCases.map(\.rawValue)
        guard all.count > 1 else { return all.first ?? "" }
        return all.dropLast().joined(separator: ", ") + " or " + all.last!
    }
}
