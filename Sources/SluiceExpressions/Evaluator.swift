import SluiceCore

/// Runs a ``TypedExpression`` over one batch, column at a time.
///
/// Each node is evaluated under a *mask*: the rows whose value is needed (nil: all). CASE, COALESCE, AND and OR
/// narrow it for the operands they may skip, so `CASE WHEN qty <> 0 THEN total / qty END` never divides by zero
/// and an error is only raised for a row whose value is used. Operations that cannot fail ignore the mask;
/// operations that can fail skip the rows outside it (leaving them NULL).
struct Evaluator {
    let batch: RecordBatch
    let context: EvaluationContext
    let source: ExpressionSource
    let rowCount: Int

    init(batch: RecordBatch, context: EvaluationContext, source: ExpressionSource) {
        self.batch = batch
        self.context = context
        self.source = source
        rowCount = batch.rowCount
    }

    func evaluate(_ node: TypedExpression, mask: [Bool]?) throws(SluiceError) -> Vector {
        switch node.kind {
        case .column(let index):
            return Vector(column: batch.columns[index], isConstant: false)
        case .constant(let column):
            return Vector(column: column, isConstant: true)
        case .runStartedAt:
            return Vector(column: Column(values: .int64([context.runStartedAt])), isConstant: true)
        case .arithmetic(let operation, let left, let right):
            return try arithmetic(operation, node, left, right, mask: mask)
        case .negate(let operand):
            return try negate(node, operand, mask: mask)
        case .compare(let operation, let left, let right):
            return try compare(operation, left, right, mask: mask)
        case .and(let left, let right):
            return try logical(isAnd: true, left, right, mask: mask)
        case .or(let left, let right):
            return try logical(isAnd: false, left, right, mask: mask)
        case .not(let operand):
            return try not(operand, mask: mask)
        case .isNull(let operand, let negated):
            return try isNull(operand, negated: negated, mask: mask)
        case .inSet(let operand, let set):
            return try inSet(operand, set, mask: mask)
        case .like(let operand, let pattern):
            return try like(operand, pattern, mask: mask)
        case .caseWhen(let branches, let otherwise):
            return try caseWhen(node, branches, otherwise: otherwise, mask: mask)
        case .coalesce(let arguments):
            return try coalesce(node, arguments, mask: mask)
        case .nullIf(let value, let equal):
            return try nullIf(value, equal: equal, mask: mask)
        case .cast(let operand, _):
            return try cast(node, operand, mask: mask)
        case .concatenate(let parts):
            return try concatenate(parts, mask: mask)
        case .function(let function, let arguments):
            return try call(function, node, arguments, mask: mask)
        }
    }

    // MARK: - Shared helpers

    /// The number of slots an operation over `vectors` computes: 1 when all are constants.
    func slotCount(_ vectors: Vector...) -> Int {
        vectors.allSatisfy(\.isConstant) ? 1 : rowCount
    }

    /// The rows a fallible operation over `vectors` must compute: valid in all and inside `mask`. For an
    /// all-constant operation the mask does not apply (see ``failedRow(_:constant:mask:)``).
    func activeRows(_ vectors: [Vector], mask: [Bool]?) -> [Bool]? {
        if vectors.allSatisfy(\.isConstant) { return nil }
        let parts: [[Bool]?] = vectors.filter { !$0.isConstant }.map(\.column.validity) + [mask]
        return Kernels.validity(of: parts, count: rowCount)
    }

    /// The row to name for a failure at slot `slot`: the slot itself, or for a constant computation the first row
    /// the mask needs (nil when it needs none, and the failure does not matter).
    func failedRow(_ slot: Int, constant: Bool, mask: [Bool]?) -> Int? {
        constant ? Kernels.firstActiveRow(mask) : slot
    }

    /// A vector from a kernel's output, or the error `describe` makes for the failed row.
    func vector<R: StorageElement>(
        _ output: Kernels.Output<R>, constant: Bool, mask: [Bool]?, type: DataType,
        failure describe: (Int) -> SluiceError
    ) throws(SluiceError) -> Vector {
        switch output {
        case .values(let values, let validity):
            return Vector(column: Column(values: R.values(values), validity: validity), isConstant: constant)
        case .failed(let slot):
            guard let row = failedRow(slot, constant: constant, mask: mask) else { return .null(type) }
            throw describe(row)
        }
    }

    /// An evaluation error located at `node`, naming the row: `what in 'excerpt': detail`.
    func error(_ code: SluiceError.Code, _ what: String, _ detail: String, at node: TypedExpression, row: Int) -> SluiceError {
        source.error(code, "\(what) in '\(source.excerpt(node.span))': \(detail)", at: node.span,
                     row: context.rowOffset + row, table: context.table)
    }

    /// Value `row` of `vector` as a message shows it: `42`, `'text'`, `NULL`.
    func describe(_ vector: Vector, row: Int, type: DataType) -> String {
        let value = Value(of: vector.column, type: type, at: vector.isConstant ? 0 : row)
        guard let text = value.text(as: type) else { return "NULL" }
        let shown = text.count > 60 ? String(text.prefix(60)) + "..." : text
        switch type {
        case .string, .json, .binary, .uuid, .date, .time, .timestamp, .timestampTZ: return "'\(shown)'"
        default: return shown
        }
    }
}
