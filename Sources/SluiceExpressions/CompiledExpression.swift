public import SluiceCore

/// A parsed and type-checked expression, ready to run on batches of its schema: immutable and `Sendable`, so one
/// compiled program serves every batch and every thread of a run.
///
/// ```swift
/// let total = try CompiledExpression.compile("price * qty", schema: schema,
///                                            origin: ExpressionOrigin(file: "tables/orders.yaml", line: 14, column: 22))
/// let column = try total.evaluate(batch, context: EvaluationContext(runStartedAt: start, rowOffset: firstRow))
/// ```
public struct CompiledExpression: Sendable {
    /// The text and where it came from.
    public let source: ExpressionSource
    /// The schema the expression was checked against; batches must have it.
    public let schema: Schema
    let root: TypedExpression

    init(source: ExpressionSource, schema: Schema, root: TypedExpression) {
        self.source = source
        self.schema = schema
        self.root = root
    }

    /// Parses and type-checks `text`.
    public static func compile(_ text: String, schema: Schema,
                               origin: ExpressionOrigin = ExpressionOrigin()) throws(SluiceError) -> CompiledExpression {
        let source = ExpressionSource(text, origin: origin)
        return try ExpressionChecker(schema: schema).check(try ExpressionParser.parse(source), in: source)
    }

    /// Parses and type-checks `text` as a condition (a filter or a validation rule): it must be boolean.
    public static func compilePredicate(_ text: String, schema: Schema,
                                        origin: ExpressionOrigin = ExpressionOrigin()) throws(SluiceError) -> CompiledExpression {
        let source = ExpressionSource(text, origin: origin)
        return try ExpressionChecker(schema: schema).checkPredicate(try ExpressionParser.parse(source), in: source)
    }

    /// The type of the values ``evaluate(_:context:)`` returns.
    public var type: DataType { root.type }

    /// Whether the result can hold NULLs (false only when no input or operation can produce one).
    public var isNullable: Bool { root.nullable }

    /// The schema's columns the expression reads, in schema order.
    public var referencedColumns: [String] {
        var indices = Set<Int>()
        root.visit { node in if case .column(let index) = node.kind { indices.insert(index) } }
        return indices.sorted().map { schema.fields[$0].name }
    }

    /// The expression's value for every row of `batch`, as a column of ``type``.
    ///
    /// - Throws: ``SluiceError/Code/invalidBatch`` when the batch's columns differ from the schema's;
    ///   ``SluiceError/Code/expressionOverflow``, ``SluiceError/Code/expressionDivisionByZero`` or
    ///   ``SluiceError/Code/expressionInvalidValue`` naming the row (its position in the batch plus
    ///   ``EvaluationContext/rowOffset``), the part of the expression and the values.
    public func evaluate(_ batch: RecordBatch, context: EvaluationContext) throws(SluiceError) -> Column {
        try checkShape(of: batch)
        let evaluator = Evaluator(batch: batch, context: context, source: source)
        return try evaluator.evaluate(root, mask: nil).materialized(count: batch.rowCount)
    }

    /// For a boolean expression: which rows it holds for. NULL counts as false, as in a WHERE clause.
    ///
    /// - Throws: as ``evaluate(_:context:)``, and ``SluiceError/Code/expressionType`` when the expression is not
    ///   boolean.
    public func selection(_ batch: RecordBatch, context: EvaluationContext) throws(SluiceError) -> [Bool] {
        guard type == .boolean else {
            throw source.error(.expressionType, "a condition must be boolean, not \(type)", at: root.span)
        }
        let column = try evaluate(batch, context: context)
        guard case .boolean(var values) = column.values else { preconditionFailure("boolean expression without boolean storage") }
        if let validity = column.validity {
            for row in values.indices where !validity[row] { values[row] = false }
        }
        return values
    }

    private func checkShape(of batch: RecordBatch) throws(SluiceError) {
        guard batch.schema != schema else { return }
        var mismatch: String?
        root.visit { node in
            guard mismatch == nil, case .column(let index) = node.kind else { return }
            let expected = schema.fields[index]
            if index >= batch.schema.count || batch.schema.fields[index].name != expected.name
                || batch.schema.fields[index].type != expected.type {
                mismatch = expected.name
            }
        }
        if let mismatch {
            throw SluiceError(.invalidBatch, "the batch's columns differ from the schema the expression was checked against",
                              context: ErrorContext(file: source.origin.file, line: source.origin.line, key: source.origin.keyPath,
                                                    column: mismatch))
        }
    }
}

extension TypedExpression {
    /// Calls `body` on this node and every node below it.
    func visit(_ body: (TypedExpression) -> Void) {
        body(self)
        switch kind {
        case .column, .constant, .runStartedAt: break
        case .arithmetic(_, let l, let r), .compare(_, let l, let r), .and(let l, let r), .or(let l, let r),
             .nullIf(let l, let r):
            l.visit(body)
            r.visit(body)
        case .negate(let x), .not(let x), .isNull(let x, _), .inSet(let x, _), .like(let x, _), .cast(let x, _):
            x.visit(body)
        case .caseWhen(let branches, let otherwise):
            for branch in branches {
                branch.condition.visit(body)
                branch.value.visit(body)
            }
            otherwise?.visit(body)
        case .coalesce(let arguments), .function(_, let arguments), .concatenate(let arguments):
            for argument in arguments { argument.visit(body) }
        }
    }
}
