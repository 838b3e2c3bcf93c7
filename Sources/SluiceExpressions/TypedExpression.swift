import SluiceCore

/// A type-checked expression node: what the checker hands the evaluator and the pushdown renderer.
///
/// Every node knows its ``DataType``; operands have been brought to the types their operator computes in by
/// explicit `.cast(_, implicit: true)` nodes, so evaluation never guesses.
struct TypedExpression: Sendable {
    indirect enum Kind: Sendable {
        /// The batch column at this index.
        case column(Int)
        /// A one-row column holding the value (or a NULL).
        case constant(Column)
        /// The run's start (``EvaluationContext/runStartedAt``).
        case runStartedAt
        /// Both operands of this node's type (int32, int64, decimal or float64), except decimals, which keep
        /// their own precision and scale.
        case arithmetic(BinaryOperator, TypedExpression, TypedExpression)
        case negate(TypedExpression)
        /// Both operands of one comparable type, except decimals, which may differ in scale.
        case compare(BinaryOperator, TypedExpression, TypedExpression)
        case and(TypedExpression, TypedExpression)
        case or(TypedExpression, TypedExpression)
        case not(TypedExpression)
        case isNull(TypedExpression, negated: Bool)
        /// `value IN (constants)`: the constants are of the value's type; `containsNull` makes a miss NULL.
        case inSet(TypedExpression, ConstantSet)
        case like(TypedExpression, LikePattern)
        case caseWhen([CaseBranch], otherwise: TypedExpression?)
        case coalesce([TypedExpression])
        /// NULL where `equal` (a comparison of the two arguments) is true, else `value`.
        case nullIf(TypedExpression, equal: TypedExpression)
        /// The operand converted to this node's type.
        case cast(TypedExpression, implicit: Bool)
        /// `a || b || ...` on strings (a chain of `||` is one node): NULL when any part is.
        case concatenate([TypedExpression])
        case function(ScalarFunction, [TypedExpression])
    }

    struct CaseBranch: Sendable {
        var condition: TypedExpression
        var value: TypedExpression
    }

    var kind: Kind
    var type: DataType
    /// Whether the node can be NULL (a column's declared nullability, propagated by the operators).
    var nullable: Bool
    /// UTF-8 offsets of the text this node came from.
    var span: Range<Int>
    /// A `NULL` literal whose type is not known yet; the checker gives it the type of what it meets.
    var isUntypedNull = false

    init(_ kind: Kind, type: DataType, nullable: Bool, span: Range<Int>) {
        self.kind = kind
        self.type = type
        self.nullable = nullable
        self.span = span
    }

    var isConstant: Bool {
        if case .constant = kind { return true }
        return false
    }

    /// The constant's value (slow path, for the checker and the pushdown renderer).
    var constantValue: Value? {
        guard case .constant(let column) = kind else { return nil }
        return Value(of: column, type: type, at: 0)
    }
}

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

/// The built-in functions, with what the checker fixed at compile time.
enum ScalarFunction: Sendable {
    case lower, upper
    /// `trim`, `ltrim`, `rtrim`: spaces, or the characters of a literal second argument.
    case trim(leading: Bool, trailing: Bool, characters: Set<Unicode.Scalar>)
    /// `substring(s, start [, length])`: arguments string, int64, int64.
    case substring
    /// `concat(...)`: string arguments, NULLs skipped.
    case concat
    /// `length(s)`: characters of a string, bytes of a binary.
    case length
    /// `replace(s, from, to)`: three strings.
    case replace
    case regexpReplace(RegexReplacement)
    case dateTrunc(DateTruncation)
    case extract(DateField)
    /// `to_date(text [, format])`.
    case toDate(DateTimeFormat?)
    /// `to_timestamp(text [, format])`, UTC.
    case toTimestamp(DateTimeFormat?)
    /// `to_timestamp(seconds)`: a decimal or integer count of seconds since the epoch.
    case epochToTimestamp
}

/// `date_trunc` units.
enum DateTruncation: String, Sendable, CaseIterable {
    case year, quarter, month, week, day, hour, minute, second
}

/// `extract` fields.
enum DateField: String, Sendable, CaseIterable {
    case year, quarter, month, day, hour, minute, second, dow, doy, epoch
}
