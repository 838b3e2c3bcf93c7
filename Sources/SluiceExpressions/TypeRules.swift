import SluiceCore

/// The implicit conversions and result types of the language, in one place (docs/expressions.md, "Types").
///
/// - Integers: `int8`, `int16`, `uint8` and `uint16` compute as `int32`; `uint32` as `int64`; `uint64` as
///   `decimal(20,0)`. Two integers give the wider of `int32` and `int64`.
/// - An integer meets a decimal as `decimal(digits, 0)`: 3 digits for int8, 5 for int16, 10 for int32,
///   19 for int64, 20 for uint64, and a literal's own digit count.
/// - An integer meets a float as `float64`; `float32` computes as `float64`. A decimal never meets a float
///   implicitly (CAST one side), so no decimal value passes through a `Double` unasked.
/// - Decimal results: `+ -` scale `max(s1, s2)`, precision `max(p1 - s1, p2 - s2) + scale + 1`; `*` scale
///   `s1 + s2` (at most 38), precision `p1 + p2`; `/` scale `max(6, s1 + p2 + 1)`, integer digits
///   `p1 - s1 + s2`, and when that needs more than 38 digits the scale shrinks to `max(38 - integer digits,
///   min(scale, 6))`; `%` scale `max(s1, s2)`, precision `min(p1 - s1, p2 - s2) + scale`. Precision is capped
///   at 38; a result that then does not fit is an overflow error at run time.
enum TypeRules {
    static func isInteger(_ type: DataType) -> Bool {
        switch type {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: true
        default: false
        }
    }

    static func isFloat(_ type: DataType) -> Bool { type == .float32 || type == .float64 }

    static func isDecimal(_ type: DataType) -> Bool {
        if case .decimal = type { return true }
        return false
    }

    static func isNumeric(_ type: DataType) -> Bool { isInteger(type) || isFloat(type) || isDecimal(type) }

    static func isTimestamp(_ type: DataType) -> Bool { type == .timestamp || type == .timestampTZ }

    /// The type an integer computes as: `int32`, `int64`, or `decimal(20,0)` for `uint64`.
    static func computedInteger(_ type: DataType) -> DataType {
        switch type {
        case .int8, .int16, .int32, .uint8, .uint16: .int32
        case .uint64: .decimal(precision: 20, scale: 0)
        default: .int64
        }
    }

    /// The decimal that holds every value of an integer type exactly.
    static func decimalDigits(ofInteger type: DataType) -> Int {
        switch type {
        case .int8, .uint8: 3
        case .int16, .uint16: 5
        case .int32, .uint32: 10
        case .int64: 19
        default: 20
        }
    }

    /// `(precision, scale)` of a numeric operand seen as a decimal; `literalDigits` is the digit count of an
    /// integer literal, which counts for its own size rather than its type's.
    static func asDecimal(_ type: DataType, literalDigits: Int? = nil) -> (precision: Int, scale: Int)? {
        switch type {
        case .decimal(let p, let s): return (p, s)
        case _ where isInteger(type): return (literalDigits ?? decimalDigits(ofInteger: type), 0)
        default: return nil
        }
    }

    /// The numeric domain two operands of an arithmetic operator or a comparison meet in, or nil when they do not
    /// meet (a decimal and a float). Decimal domains are returned as `.decimal` with the widest scale; arithmetic
    /// then applies ``decimalResult(_:_:_:)``.
    enum NumericDomain {
        case int32, int64, float64
        /// Both sides as decimals, each keeping its own precision and scale.
        case decimal(left: (precision: Int, scale: Int), right: (precision: Int, scale: Int))
    }

    static func numericDomain(_ left: DataType, _ right: DataType, leftLiteralDigits: Int? = nil,
                              rightLiteralDigits: Int? = nil) -> NumericDomain? {
        guard isNumeric(left), isNumeric(right) else { return nil }
        if isFloat(left) || isFloat(right) {
            return isDecimal(left) || isDecimal(right) ? nil : .float64
        }
        let l = isInteger(left) ? computedInteger(left) : left
        let r = isInteger(right) ? computedInteger(right) : right
        if isDecimal(l) || isDecimal(r) {
            let leftDigits = left == .uint64 ? nil : leftLiteralDigits
            let rightDigits = right == .uint64 ? nil : rightLiteralDigits
            return .decimal(left: asDecimal(left, literalDigits: leftDigits)!, right: asDecimal(right, literalDigits: rightDigits)!)
        }
        return l == .int64 || r == .int64 ? .int64 : .int32
    }

    /// The decimal result type of `operator` on two decimals, or a message saying why there is none.
    static func decimalResult(_ operation: BinaryOperator, _ left: (precision: Int, scale: Int),
                              _ right: (precision: Int, scale: Int)) -> Result<DataType, DecimalTypeError> {
        let (p1, s1) = left, (p2, s2) = right
        let maximum = DataType.maxDecimalPrecision
        switch operation {
        case .add, .subtract:
            let scale = max(s1, s2)
            return .success(.decimal(precision: min(maximum, max(p1 - s1, p2 - s2) + scale + 1), scale: scale))
        case .multiply:
            let scale = s1 + s2
            guard scale <= maximum else { return .failure(DecimalTypeError(scale: scale)) }
            return .success(.decimal(precision: min(maximum, p1 + p2), scale: scale))
        case .divide:
            var scale = max(6, s1 + p2 + 1)
            let integerDigits = p1 - s1 + s2
            if integerDigits + scale > maximum {
                scale = max(maximum - integerDigits, min(scale, 6))
            }
            return .success(.decimal(precision: min(maximum, integerDigits + scale), scale: scale))
        default:
            let scale = max(s1, s2)
            return .success(.decimal(precision: min(maximum, max(1, min(p1 - s1, p2 - s2) + scale)), scale: scale))
        }
    }

    struct DecimalTypeError: Error {
        var scale: Int
    }

    /// The one type values of `left` and `right` are brought to when they meet in CASE, COALESCE, NULLIF or IN:
    /// equal types; integers and decimals widened as above (decimal digits capped at 38); `date` with a timestamp
    /// becomes that timestamp; `timestamp` with `timestamptz` becomes `timestamptz` (UTC). Nil when there is none.
    static func commonType(_ left: DataType, _ right: DataType, leftLiteralDigits: Int? = nil,
                           rightLiteralDigits: Int? = nil) -> DataType? {
        if left == right { return left }
        if isNumeric(left) && isNumeric(right) {
            switch numericDomain(left, right, leftLiteralDigits: leftLiteralDigits, rightLiteralDigits: rightLiteralDigits) {
            case .int32: return .int32
            case .int64: return .int64
            case .float64: return .float64
            case .decimal(let l, let r):
                let scale = max(l.scale, r.scale)
                let integerDigits = max(l.precision - l.scale, r.precision - r.scale)
                return .decimal(precision: min(DataType.maxDecimalPrecision, max(1, integerDigits + scale)), scale: scale)
            case nil: return nil
            }
        }
        switch (left, right) {
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        case (.date, .timestampTZ), (.timestampTZ, .date), (.timestamp, .timestampTZ), (.timestampTZ, .timestamp):
            return .timestampTZ
        default: return nil
        }
    }

    /// Types whose values can be ordered and compared for equality.
    static func isComparable(_ type: DataType) -> Bool {
        type != .json
    }
}
