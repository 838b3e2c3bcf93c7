/// A ClickHouse server's version as `SELECT version()` prints it (`18.16.1`, `25.3.2.1`), ordered component by
/// component (`21.12` > `21.9`; a missing component counts as 0, so `20.1` == `20.1.0.0`).
public struct ClickHouseServerVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Year-based major, minor, then patch and build numbers: at least two.
    public let components: [Int]

    public init(_ major: Int, _ minor: Int, _ rest: Int...) {
        components = [major, minor] + rest
    }

    /// Parses `18.16.1`, `25.3.2.1`, and tolerates what some builds append (`24.3.1.2672-lts`, `23.8.1 (official build)`):
    /// the leading dot-separated numbers count. Nil when there are fewer than two.
    public init?(_ text: String) {
        let leading = text.trimmingPrefix(while: \.isWhitespace).prefix(while: { $0.isNumber || $0 == "." })
        var components: [Int] = []
        for part in leading.split(separator: ".", omittingEmptySubsequences: false) {
            guard let number = Int(part) else { break }
            components.append(number)
        }
        guard components.count >= 2 else { return nil }
        self.components = components
    }

    public var major: Int { components[0] }
    public var minor: Int { components[1] }

    public var description: String { components.map(String.init).joined(separator: ".") }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        for index in 0..<max(lhs.components.count, rhs.components.count) {
            let left = index < lhs.components.count ? lhs.components[index] : 0
            let right = index < rhs.components.count ? rhs.components[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { !(lhs < rhs) && !(rhs < lhs) }

    public func hash(into hasher: inout Hasher) {
        var trimmed = components
        while trimmed.count > 2, trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
    }
}
