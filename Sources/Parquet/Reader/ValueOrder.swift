public import SluiceCore

/// Orders two values of one column type the way Parquet statistics do; nil when they cannot be compared
/// (different kinds, NaN).
public enum ValueOrder {
    /// -1, 0 or 1 as `a` sorts before, with or after `b`; nil when they cannot be compared.
    public static func compare(_ a: Value, _ b: Value, type: DataType) -> Int? {
        switch (a, b) {
        case (.boolean(let x), .boolean(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.int(let x), .int(let y)):
            if type == .uint64 { return sign(UInt64(bitPattern: x), UInt64(bitPattern: y)) }
            return sign(x, y)
        case (.decimal(let x, let sx), .decimal(let y, let sy)):
            guard sx == sy else { return nil }
            return sign(x, y)
        case (.float(let x), .float(let y)): return x.isNaN || y.isNaN ? nil : sign(x, y)
        case (.double(let x), .double(let y)): return x.isNaN || y.isNaN ? nil : sign(x, y)
        case (.string(let x), .string(let y)): return lexicographic(Array(x.utf8), Array(y.utf8))
        case (.bytes(let x), .bytes(let y)): return lexicographic(x, y)
        default: return nil
        }
    }

    private static func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }

    private static func lexicographic(_ x: [UInt8], _ y: [UInt8]) -> Int {
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return sign(x.count, y.count)
    }
}
