public import SluiceCore

extension ExpressionChecker {
    /// Type-checks an expression that fills a column declared `type` (a derived column). Its value must be of
    /// that type, or of one that converts to it without losing anything: a narrower integer, a decimal with no
    /// more integer or fraction digits, `float32` for `float64`, a date for a timestamp, or a constant that
    /// converts exactly. Anything else is an error that says which CAST makes the narrowing explicit (and so
    /// rounds, or fails on overflow, row by row).
    public func checkColumn(_ syntax: ExpressionSyntax, in source: ExpressionSource, as type: DataType) throws(SluiceError)
        -> CompiledExpression
    {
        let checking = TypeChecking(schema: schema, source: source)
        let root = try checking.typed(syntax)
        if root.isUntypedNull {
            return CompiledExpression(source: source, schema: schema, root: checking.retyped(root, type))
        }
        if root.type == type { return CompiledExpression(source: source, schema: schema, root: root) }
        let converted = TypedExpression(.cast(root, implicit: true), type: type, nullable: root.nullable, span: root.span)
        if root.isConstant, CastKernels.supports(from: root.type, to: type) {
            return CompiledExpression(source: source, schema: schema, root: try checking.folded(converted))
        }
        guard TypeRules.widens(root.type, to: type) else {
            throw source.error(.expressionType,
                               "the expression gives \(root.type) but the column is declared \(type); write CAST(... AS \(type)) to convert it (rounding, or failing on values that do not fit), or declare the column \(root.type)",
                               at: root.span)
        }
        return CompiledExpression(source: source, schema: schema, root: converted)
    }

    /// Type-checks a condition as its conjuncts: the parts joined by top-level `AND`, each checked as a condition
    /// of its own (so that each can be evaluated, or pushed to the source, on its own). A row passes the whole
    /// condition exactly when it passes every conjunct.
    public func checkConjuncts(_ syntax: ExpressionSyntax, in source: ExpressionSource) throws(SluiceError) -> [CompiledExpression] {
        var parts: [ExpressionSyntax] = []
        func split(_ node: ExpressionSyntax) {
            if case .binary(.and, let left, let right) = node.kind {
                split(left)
                split(right)
            } else {
                parts.append(node)
            }
        }
        split(syntax)
        var checked: [CompiledExpression] = []
        for part in parts { checked.append(try checkPredicate(part, in: source)) }
        return checked
    }
}

extension CompiledExpression {
    /// Parses and type-checks `text` as the value of a column declared `type`; see
    /// ``ExpressionChecker/checkColumn(_:in:as:)``.
    public static func compileColumn(_ text: String, schema: Schema, origin: ExpressionOrigin = ExpressionOrigin(),
                                     as type: DataType) throws(SluiceError) -> CompiledExpression {
        let source = ExpressionSource(text, origin: origin)
        return try ExpressionChecker(schema: schema).checkColumn(try ExpressionParser.parse(source), in: source, as: type)
    }

    /// Parses and type-checks `text` as a condition split into its top-level `AND` parts; see
    /// ``ExpressionChecker/checkConjuncts(_:in:)``.
    public static func compileConjuncts(_ text: String, schema: Schema,
                                        origin: ExpressionOrigin = ExpressionOrigin()) throws(SluiceError) -> [CompiledExpression] {
        let source = ExpressionSource(text, origin: origin)
        return try ExpressionChecker(schema: schema).checkConjuncts(try ExpressionParser.parse(source), in: source)
    }

    /// The text of the expression as written (for a conjunct, its part of the condition).
    public var text: String { source.excerpt(root.span) }
}

extension TypeRules {
    /// Whether every value of `source` converts to `target` exactly.
    static func widens(_ source: DataType, to target: DataType) -> Bool {
        if source == target { return true }
        switch (source, target) {
        case (.float32, .float64), (.date, .timestamp):
            return true
        case (.decimal(let p1, let s1), .decimal(let p2, let s2)):
            return s2 >= s1 && p2 - s2 >= p1 - s1
        case (_, .decimal(let precision, let scale)) where isInteger(source):
            return decimalDigits(ofInteger: source) <= precision - scale
        case _ where isInteger(source) && isInteger(target):
            guard let from = integerRange(source), let to = integerRange(target) else { return false }
            return to.lowerBound <= from.lowerBound && from.upperBound <= to.upperBound
        default:
            return false
        }
    }

    /// The values an integer type holds (uint64's upper bound clipped to what the comparison needs).
    private static func integerRange(_ type: DataType) -> ClosedRange<Int128>? {
        switch type {
        case .int8: Int128(Int8.min)...Int128(Int8.max)
        case .int16: Int128(Int16.min)...Int128(Int16.max)
        case .int32: Int128(Int32.min)...Int128(Int32.max)
        case .int64: Int128(Int64.min)...Int128(Int64.max)
        case .uint8: 0...Int128(UInt8.max)
        case .uint16: 0...Int128(UInt16.max)
        case .uint32: 0...Int128(UInt32.max)
        case .uint64: 0...Int128(UInt64.max)
        default: nil
        }
    }
}
