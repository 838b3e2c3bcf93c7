/// The infix operators, with their SQL spelling.
public enum BinaryOperator: String, Sendable, Hashable {
    /// Arithmetic.
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    /// Comparisons (`!=` is read as `<>`).
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    /// Three-valued logic.
    case and = "AND", or = "OR"
    /// Text concatenation.
    case concatenate = "||"

    var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .remainder: true
        default: false
        }
    }

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }
}
