public import SluiceCore

/// Error codes of expressions. Syntax and type errors carry the file, line and position of the offending part
/// of the expression (``ErrorContext/position``) and its key path; evaluation errors carry, in addition, the row
/// (the row within the batch plus ``EvaluationContext/rowOffset``) and quote the part of the expression and the
/// values that failed.
extension SluiceError.Code {
    /// The text is not an expression: an unexpected token, an unterminated string, a malformed literal.
    public static let expressionSyntax = Self("expression_syntax", retryable: false)
    /// The expression does not type-check against the schema: an unknown column or function, operands of the
    /// wrong type, a malformed regular expression or format.
    public static let expressionType = Self("expression_type", retryable: false)
    /// An integer or decimal result does not fit its type.
    public static let expressionOverflow = Self("expression_overflow", retryable: false)
    /// A division or remainder by zero.
    public static let expressionDivisionByZero = Self("expression_division_by_zero", retryable: false)
    /// A value a CAST or a function cannot convert: `'12x'` to an integer, an impossible date, a negative
    /// substring length.
    public static let expressionInvalidValue = Self("expression_invalid_value", retryable: false)
}
