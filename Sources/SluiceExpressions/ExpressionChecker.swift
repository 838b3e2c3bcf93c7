public import SluiceCore

/// Resolves an ``ExpressionSyntax`` against a ``SluiceCore/Schema``: finds every column, infers every node's type
/// and nullability, inserts the implicit conversions (``TypeRules``), compiles LIKE patterns, regular expressions
/// and formats, and folds casts of literals. The result is a ``CompiledExpression`` for batches of that schema.
///
/// Errors are ``SluiceError``s with code ``SluiceError/Code/expressionType`` located at the offending part:
/// `unknown column 'totl' (did you mean 'total'?)`, `operator '+' needs numbers, not string and int32`.
public struct ExpressionChecker: Sendable {
    /// The columns expressions may read, by name (case-sensitive).
    public let schema: Schema

    /// A checker for expressions over batches of `schema`.
    public init(schema: Schema) {
        self.schema = schema
    }

    /// Type-checks `syntax`, parsed from `source`.
    public func check(_ syntax: ExpressionSyntax, in source: ExpressionSource) throws(SluiceError) -> CompiledExpression {
        let checking = TypeChecking(schema: schema, source: source)
        let root = try checking.typed(syntax)
        if root.isUntypedNull {
            throw source.error(.expressionType, "cannot infer the type of NULL; write CAST(NULL AS type)", at: root.span)
        }
        return CompiledExpression(source: source, schema: schema, root: root)
    }

    /// Type-checks a filter or validation rule: the expression must be boolean (a bare NULL is taken as one).
    public func checkPredicate(_ syntax: ExpressionSyntax, in source: ExpressionSource) throws(SluiceError) -> CompiledExpression {
        let checking = TypeChecking(schema: schema, source: source)
        let root = try checking.typed(syntax)
        guard root.type == .boolean else {
            throw source.error(.expressionType, "a condition must be boolean, not \(root.type)", at: root.span)
        }
        var predicate = root
        predicate.isUntypedNull = false
        return CompiledExpression(source: source, schema: schema, root: predicate)
    }
}

/// One checking pass: the schema, the text (for messages) and the rules, node by node.
struct TypeChecking {
    let schema: Schema
    let source: ExpressionSource

    func typed(_ syntax: ExpressionSyntax) throws(SluiceError) -> TypedExpression {
        let span = syntax.span
        switch syntax.kind {
        case .literal(let literal):
            return try self.literal(literal, span: span)
        case .column(let name):
            return try column(name, span: span)
        case .negate(let operand):
            return try negate(typed(operand), span: span)
        case .not(let operand):
            let value = try boolean(typed(operand), role: "NOT")
            return TypedExpression(.not(value), type: .boolean, nullable: value.nullable, span: span)
        case .binary(let operation, let left, let right):
            return try binary(operation, typed(left), typed(right), span: span)
        case .isNull(let operand, let negated):
            let value = try typed(operand)
            return TypedExpression(.isNull(value, negated: negated), type: .boolean, nullable: false, span: span)
        case .inList(let operand, let items, let negated):
            var values: [TypedExpression] = []
            for item in items { values.append(try typed(item)) }
            let membership = try inList(typed(operand), values, span: span)
            return negated ? TypedExpression(.not(membership), type: .boolean, nullable: membership.nullable, span: span) : membership
        case .between(let operand, let low, let high, let negated):
            let value = try typed(operand)
            let lower = try comparison(.greaterOrEqual, value, typed(low), span: span)
            let upper = try comparison(.lessOrEqual, value, typed(high), span: span)
            let both = TypedExpression(.and(lower, upper), type: .boolean, nullable: lower.nullable || upper.nullable, span: span)
            return negated ? TypedExpression(.not(both), type: .boolean, nullable: both.nullable, span: span) : both
        case .like(let operand, let pattern, let negated):
            let match = try like(typed(operand), pattern: pattern, span: span)
            return negated ? TypedExpression(.not(match), type: .boolean, nullable: match.nullable, span: span) : match
        case .caseWhen(let operand, let branches, let otherwise):
            return try caseWhen(operand, branches, otherwise: otherwise, span: span)
        case .cast(let operand, let type):
            return try explicitCast(typed(operand), to: type, span: span)
        case .call(let name, let arguments):
            return try call(name, arguments, span: span)
        case .extract(let field, let operand):
            return try extract(field, typed(operand), span: span)
        }
    }

    // MARK: - Leaves

    private func literal(_ literal: ExpressionSyntax.Literal, span: Range<Int>) throws(SluiceError) -> TypedExpression {
        switch literal {
        case .null:
            var null = constant(.null, type: .boolean, span: span)
            null.isUntypedNull = true
            return null
        case .boolean(let value):
            return constant(.boolean(value), type: .boolean, span: span)
        case .integer(let digits):
            if let value = Int32(digits) { return constant(.int(Int64(value)), type: .int32, span: span) }
            if let value = Int64(digits) { return constant(.int(value), type: .int64, span: span) }
            return try decimalLiteral(digits, span: span)
        case .decimal(let digits):
            return try decimalLiteral(digits, span: span)
        case .float(let value):
            return constant(.double(value), type: .float64, span: span)
        case .string(let text):
            return constant(.string(text), type: .string, span: span)
        case .date(let days):
            guard let narrow = Int32(exactly: days) else {
                throw source.error(.expressionType, "date is out of range", at: span)
            }
            return constant(.int(Int64(narrow)), type: .date, span: span)
        case .timestamp(let micros):
            return constant(.int(micros), type: .timestamp, span: span)
        case .timestampTZ(let micros):
            return constant(.int(micros), type: .timestampTZ, span: span)
        }
    }

    /// `12.50` is `decimal(4,2)`: as many digits as written (leading zeros aside), at least the scale.
    private func decimalLiteral(_ text: String, span: Range<Int>) throws(SluiceError) -> TypedExpression {
        let unsigned = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        let integerDigits = parts[0].drop { $0 == "0" }.count
        let scale = parts.count > 1 ? parts[1].count : 0
        let precision = max(1, integerDigits + scale)
        var copy = text
        let parsed = copy.withUTF8 { TextConversion.parseDecimal(UnsafeRawBufferPointer($0), precision: min(precision, 38), scale: scale) }
        guard precision <= DataType.maxDecimalPrecision, scale <= DataType.maxDecimalPrecision, case .value(let unscaled) = parsed else {
            throw source.error(.expressionType, "number \(text) has more than 38 digits", at: span)
        }
        return constant(.decimal(unscaled, scale: scale), type: .decimal(precision: precision, scale: scale), span: span)
    }

    /// A one-row constant node.
    func constant(_ value: Value, type: DataType, span: Range<Int>) -> TypedExpression {
        var builder = ColumnBuilder(type: type, capacity: 1)
        if case .string(let text) = value, type == .string { builder.append(string: text) } else { builder.append(value) }
        return TypedExpression(.constant(builder.finish()), type: type, nullable: value == .null, span: span)
    }

    private func column(_ name: String, span: Range<Int>) throws(SluiceError) -> TypedExpression {
        guard let index = schema.index(of: name) else {
            let names = schema.fields.map(\.name)
            var message = "unknown column '\(name)'"
            if let suggestion = Suggestion.closest(to: name, among: names) {
                message += " (did you mean '\(suggestion)'?)"
            } else if !names.isEmpty && names.count <= 12 {
                message += "; the columns are " + names.joined(separator: ", ")
            }
            throw source.error(.expressionType, message, at: span)
        }
        let field = schema.fields[index]
        return TypedExpression(.column(index), type: field.type, nullable: field.nullable, span: span)
    }

    // MARK: - Shared rules

    /// `node` as a boolean operand of `role` (a NULL literal becomes a boolean NULL).
    func boolean(_ node: TypedExpression, role: String) throws(SluiceError) -> TypedExpression {
        if node.isUntypedNull { return retyped(node, .boolean) }
        guard node.type == .boolean else {
            throw source.error(.expressionType, "\(role) needs a boolean, not \(node.type)", at: node.span)
        }
        return node
    }

    /// A NULL literal given `type`.
    func retyped(_ node: TypedExpression, _ type: DataType) -> TypedExpression {
        constant(.null, type: type, span: node.span)
    }

    /// Whether `node` is a string constant that can stand for a value of another type (`date_col > '2024-01-01'`).
    func isStringLiteral(_ node: TypedExpression) -> Bool {
        node.isConstant && node.type == .string && !node.isUntypedNull
    }

    /// The digit count of an integer constant, which makes it meet decimals at its own size.
    func literalDigits(_ node: TypedExpression) -> Int? {
        guard node.isConstant, TypeRules.isInteger(node.type), case .int(let value)? = node.constantValue else { return nil }
        return max(1, String(value.magnitude).count)
    }

    /// `node` converted to `type`: unchanged, a typed NULL, or an implicit cast (folded for constants).
    func coerce(_ node: TypedExpression, to type: DataType) throws(SluiceError) -> TypedExpression {
        if node.isUntypedNull { return retyped(node, type) }
        if node.type == type { return node }
        return try folded(TypedExpression(.cast(node, implicit: true), type: type, nullable: node.nullable, span: node.span))
    }

    /// A cast of a constant computed now, so that a bad literal is reported where it is written.
    func folded(_ cast: TypedExpression) throws(SluiceError) -> TypedExpression {
        guard case .cast(let operand, _) = cast.kind, case .constant(let column) = operand.kind else { return cast }
        do {
            let converted = try CastKernels.cast(Vector(column: column, isConstant: true), from: operand.type, to: cast.type,
                                                 count: 1, active: nil)
            return TypedExpression(.constant(converted), type: cast.type, nullable: cast.nullable, span: cast.span)
        } catch {
            throw source.error(.expressionType, "cannot convert to \(cast.type): \(error.reason)", at: operand.span)
        }
    }

    /// The one type `nodes` meet in (for CASE, COALESCE): string literals take the others' type, NULL literals
    /// any type. Throws naming `what` when the types do not meet.
    func unifiedType(_ nodes: [TypedExpression], what: String, span: Range<Int>) throws(SluiceError) -> DataType {
        let typed = nodes.filter { !$0.isUntypedNull }
        let decided = typed.filter { !isStringLiteral($0) }
        guard var common = decided.first?.type ?? typed.first?.type else {
            throw source.error(.expressionType, "cannot infer the type of \(what) from NULLs alone; write CAST(NULL AS type)", at: span)
        }
        var commonDigits = decided.first.flatMap(literalDigits)
        for node in decided.dropFirst() {
            guard let next = TypeRules.commonType(common, node.type, leftLiteralDigits: commonDigits, rightLiteralDigits: literalDigits(node))
            else {
                throw source.error(.expressionType, "\(what) mixes \(common) and \(node.type); CAST them to one type", at: node.span)
            }
            if next != common { commonDigits = nil }
            common = next
        }
        return common
    }

    /// The text between two operands, for pointing at the operator.
    func operatorSpan(after left: TypedExpression, fallback: Range<Int>) -> Range<Int> {
        var offset = left.span.upperBound
        let bytes = source.utf8
        while offset < bytes.count && (bytes[offset] == UInt8(ascii: " ") || bytes[offset] == UInt8(ascii: "\t")
                                       || bytes[offset] == UInt8(ascii: "\n") || bytes[offset] == UInt8(ascii: "\r")) {
            offset += 1
        }
        return offset < bytes.count ? offset..<offset + 1 : fallback
    }
}
