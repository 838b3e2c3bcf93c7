public import SluiceCore

/// An expression as written: the parser's output, before names and types are resolved.
///
/// Every node keeps the UTF-8 offsets of the text it came from (``span``), so that the checker and the
/// evaluator can point at it (``ExpressionSource/position(ofOffset:)``).
public struct ExpressionSyntax: Sendable, Hashable {
    /// The node kinds; `BETWEEN`, `IN` and simple CASE keep their written form (the checker lowers them).
    public indirect enum Kind: Sendable, Hashable {
        case literal(Literal)
        /// A column reference, exactly as written (bare or quoted).
        case column(String)
        case negate(ExpressionSyntax)
        case not(ExpressionSyntax)
        case binary(BinaryOperator, ExpressionSyntax, ExpressionSyntax)
        case isNull(ExpressionSyntax, negated: Bool)
        case inList(ExpressionSyntax, [ExpressionSyntax], negated: Bool)
        case between(ExpressionSyntax, low: ExpressionSyntax, high: ExpressionSyntax, negated: Bool)
        case like(ExpressionSyntax, pattern: ExpressionSyntax, negated: Bool)
        /// `CASE [operand] WHEN ... THEN ... [ELSE ...] END`.
        case caseWhen(operand: ExpressionSyntax?, branches: [WhenClause], otherwise: ExpressionSyntax?)
        /// `CAST(x AS type)` or `x::type`.
        case cast(ExpressionSyntax, DataType)
        /// A function call; `name` is lower-cased.
        case call(name: String, arguments: [ExpressionSyntax])
        /// `extract(field FROM value)`; `field` is lower-cased.
        case extract(field: String, from: ExpressionSyntax)
    }

    /// A literal value. Numbers keep their text so that no digit is lost before the type is known.
    public enum Literal: Sendable, Hashable {
        case null
        case boolean(Bool)
        /// Digits only; typed int32, int64 or decimal by its size.
        case integer(String)
        /// An exact decimal: digits with a point.
        case decimal(String)
        /// A float64 written with an exponent.
        case float(Double)
        case string(String)
        /// `DATE '...'`: days since 1970-01-01.
        case date(Int64)
        /// `TIMESTAMP '...'`: microseconds since 1970-01-01 00:00:00, no zone.
        case timestamp(Int64)
        /// `TIMESTAMPTZ '...'`: microseconds since 1970-01-01 00:00:00 UTC.
        case timestampTZ(Int64)
    }

    /// One `WHEN condition THEN result` of a CASE (with an operand, `condition` is the value it is compared to).
    public struct WhenClause: Sendable, Hashable {
        public var condition: ExpressionSyntax
        public var result: ExpressionSyntax

        public init(condition: ExpressionSyntax, result: ExpressionSyntax) {
            self.condition = condition
            self.result = result
        }
    }

    /// What the node is.
    public var kind: Kind
    /// UTF-8 offsets into the expression's text.
    public var span: Range<Int>

    public init(_ kind: Kind, span: Range<Int>) {
        self.kind = kind
        self.span = span
    }
}
