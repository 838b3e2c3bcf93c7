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
