import Foundation
public import SluiceConfig
public import SluiceCore
public import SluiceExpressions

/// A key of a parent row, as its children refer to it: an integer (any integer, date or timestamp storage) or
/// bytes (strings, binaries, UUIDs).
public enum RowKey: Hashable, Sendable {
    case integer(Int64)
    case bytes([UInt8])

    /// The key of each row of `column`; nil for a NULL.
    public static func keys(of column: Column) -> [RowKey?] {
        var keys = [RowKey?](repeating: nil, count: column.count)
        switch column.values {
        case .int32(let values): for row in values.indices where !column.isNull(row) { keys[row] = .integer(Int64(values[row])) }
        case .int64(let values): for row in values.indices where !column.isNull(row) { keys[row] = .integer(values[row]) }
        case .bytes(let values): for row in 0..<values.count where !column.isNull(row) { keys[row] = .bytes(Array(values[row])) }
        case .fixedBytes(let width, let values):
            for row in 0..<column.count where !column.isNull(row) { keys[row] = .bytes(Array(values[row * width..<(row + 1) * width])) }
        default: break
        }
        return keys
    }
}

extension ReconcileSpec {
    /// Checks `validation`'s reconciliation against the parent's and the child's staged (declared) columns: the
    /// aggregate is `count(*)` or `sum(expression)` of an integer or decimal expression over the child, `equals` an
    /// integer or decimal expression over the parent, the tolerance a non-negative decimal.
    public static func plan(_ validation: ValidationConfig, parent: Schema, child: Schema) throws(SluiceError) -> ReconcileSpec {
        guard let reconcile = validation.reconcile else {
            throw SluiceError(.internalError, "validation \(validation.name) is not a reconciliation")
        }
        let aggregate = reconcile.aggregate
        let text = aggregate.text.trimmingCharacters(in: .whitespaces)
        let lowered = text.lowercased()
        var sum: ExpressionText?
        if lowered.replacingOccurrences(of: " ", with: "") == "count(*)" {
            sum = nil
        } else if lowered.hasPrefix("sum("), text.hasSuffix(")") {
            let offset = aggregate.text.distance(from: aggregate.text.startIndex,
                                                 to: aggregate.text.range(of: "(")!.upperBound)
            var inner = aggregate
            inner.text = String(text.dropFirst(4).dropLast())
            inner.column += offset
            sum = inner
            let compiled = try CompiledExpression.compile(inner.text, schema: child, origin: inner.origin)
            guard Self.isExact(compiled.type) else {
                throw SluiceError(.configInvalid,
                                  "validation \(validation.name): sum() needs an integer or decimal expression over \(reconcile.child)'s columns; \(inner.text) is \(compiled.type)",
                                  context: ErrorContext(file: aggregate.file, line: aggregate.line, key: aggregate.keyPath))
            }
        } else {
            throw SluiceError(.configInvalid,
                              "validation \(validation.name): the aggregate is sum(expression) or count(*), not \(text)",
                              context: ErrorContext(file: aggregate.file, line: aggregate.line, key: aggregate.keyPath))
        }
        let equals = try CompiledExpression.compile(reconcile.equals.text, schema: parent, origin: reconcile.equals.origin)
        guard Self.isExact(equals.type) else {
            throw SluiceError(.configInvalid,
                              "validation \(validation.name): equals must be an integer or decimal expression; \(reconcile.equals.text) is \(equals.type)",
                              context: ErrorContext(file: reconcile.equals.file, line: reconcile.equals.line, key: reconcile.equals.keyPath))
        }
        guard Tolerance(reconcile.tolerance) != nil else {
            throw SluiceError(.configInvalid,
                              "validation \(validation.name): tolerance '\(reconcile.tolerance)' is not a non-negative decimal number (0.01)",
                              context: ErrorContext(file: aggregate.file, line: aggregate.line, key: aggregate.keyPath))
        }
        return ReconcileSpec(name: validation.name, child: reconcile.child, sum: sum, aggregate: text, equals: reconcile.equals,
                             tolerance: reconcile.tolerance, action: validation.action)
    }

    static func isExact(_ type: DataType) -> Bool {
        switch type {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .decimal: true
        default: false
        }
    }
}

/// A decimal tolerance as written (`0.01`): its digits and scale.
struct Tolerance {
    var unscaled: Int128
    var scale: Int

    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let scale = trimmed.firstIndex(of: ".").map { trimmed.distance(from: $0, to: trimmed.endIndex) - 1 } ?? 0
        guard !trimmed.hasPrefix("-"), scale <= 18, let value = DecimalText.parse(trimmed, precision: 38, scale: scale) else {
            return nil
        }
        unscaled = value
        self.scale = scale
    }
}

/// One reconciliation over one task's rows: collects the parent rows' expected values and the children's totals,
/// then says which parents differ by more than the tolerance. Exact decimal arithmetic throughout; a sum that
/// overflows is an error, never a wrapped value.
public struct Reconciliation: Sendable {
    public let spec: ReconcileSpec
    let sum: CompiledExpression?
    let equals: CompiledExpression
    /// The scale every value is brought to.
    let scale: Int
    let tolerance: Int128
    let runStartedAt: Int64
    /// Per live parent row: the value its children must add up to (nil: NULL, which never reconciles).
    private(set) var expected: [RowKey: Int128?] = [:]
    /// Per parent key: its live children's total.
    private(set) var totals: [RowKey: Int128] = [:]

    /// - Parameters:
    ///   - parent: the parent's declared staged columns; `child`: the child's.
    public init(_ spec: ReconcileSpec, parent: Schema, child: Schema, runStartedAt: Int64) throws(SluiceError) {
        self.spec = spec
        self.runStartedAt = runStartedAt
        sum = try spec.sum.map { text throws(SluiceError) in try CompiledExpression.compile(text.text, schema: child, origin: text.origin) }
        equals = try CompiledExpression.compile(spec.equals.text, schema: parent, origin: spec.equals.origin)
        guard let tolerance = Tolerance(spec.tolerance) else {
            throw SluiceError(.configInvalid, "validation \(spec.name): tolerance '\(spec.tolerance)' is not a decimal number")
        }
        scale = max(Self.scale(of: sum?.type ?? .int64), Self.scale(of: equals.type), tolerance.scale)
        self.tolerance = tolerance.unscaled * DecimalText.powerOfTen(scale - tolerance.scale)
    }

    static func scale(of type: DataType) -> Int {
        if case .decimal(_, let scale) = type { return scale }
        return 0
    }

    /// Adds parent rows: `batch` has the parent's declared columns first; `keys` are their keys; rows where `live`
    /// is false (deleted) are not reconciled.
    public mutating func addParents(_ batch: RecordBatch, keys: [RowKey?], live: [Bool]) throws(SluiceError) {
        let values = try scaled(try equals.evaluate(declared(batch, equals.schema), context: context), type: equals.type, what: spec.equals.text)
        for row in keys.indices where live[row] {
            guard let key = keys[row] else { continue }
            expected[key] = values[row]
        }
    }

    /// Adds child rows: `keys` are their parents' keys; rows where `live` is false are left out of the totals.
    public mutating func addChildren(_ batch: RecordBatch, keys: [RowKey?], live: [Bool]) throws(SluiceError) {
        var amounts: [Int128?]
        if let sum {
            amounts = try scaled(try sum.evaluate(declared(batch, sum.schema), context: context), type: sum.type, what: spec.aggregate)
        } else {
            amounts = [Int128?](repeating: 1, count: batch.rowCount)
        }
        for row in keys.indices where live[row] {
            guard let key = keys[row], let amount = amounts[row] else { continue }
            let (total, overflow) = totals[key, default: 0].addingReportingOverflow(amount)
            guard !overflow, DecimalText.fits(total, precision: 38) else {
                throw SluiceError(.expressionOverflow, "validation \(spec.name): \(spec.aggregate) overflows 38 digits for one parent row")
            }
            totals[key] = total
        }
    }

    /// The parents whose children do not add up, each with why.
    public func failures() -> [RowKey: String] {
        var failed: [RowKey: String] = [:]
        for (key, value) in expected {
            let total = totals[key] ?? 0
            let found = DecimalText.format(unscaled: total, scale: scale)
            guard let value else {
                failed[key] = "\(spec.aggregate) over \(spec.child) is \(found) but \(spec.equals.text) is NULL"
                continue
            }
            if (total - value).magnitude <= tolerance.magnitude { continue }
            failed[key] = "\(spec.aggregate) over \(spec.child) is \(found) but \(spec.equals.text) is "
                + DecimalText.format(unscaled: value, scale: scale)
                + (tolerance == 0 ? "" : " (tolerance \(spec.tolerance))")
        }
        return failed
    }

    var context: EvaluationContext { EvaluationContext(runStartedAt: runStartedAt, table: spec.child) }

    /// `batch` cut to the columns `schema` has (staged rows carry the deleted flag and a parent version after them).
    func declared(_ batch: RecordBatch, _ schema: Schema) throws(SluiceError) -> RecordBatch {
        guard batch.schema.count > schema.count else { return batch }
        return try RecordBatch(schema: schema, columns: Array(batch.columns.prefix(schema.count)))
    }

    /// The values of an integer or decimal column at ``scale``.
    func scaled(_ column: Column, type: DataType, what: String) throws(SluiceError) -> [Int128?] {
        let factor = DecimalText.powerOfTen(scale - Self.scale(of: type))
        var result = [Int128?](repeating: nil, count: column.count)
        func put(_ row: Int, _ value: Int128) throws(SluiceError) {
            let (product, overflow) = value.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw SluiceError(.expressionOverflow, "validation \(spec.name): \(what) overflows at scale \(scale)") }
            result[row] = product
        }
        switch column.values {
        case .int32(let values): for row in values.indices where !column.isNull(row) { try put(row, Int128(values[row])) }
        case .int64(let values): for row in values.indices where !column.isNull(row) { try put(row, Int128(values[row])) }
        case .int128(let values): for row in values.indices where !column.isNull(row) { try put(row, values[row]) }
        default: throw SluiceError(.internalError, "validation \(spec.name): \(what) is not an integer or decimal")
        }
        return result
    }
}
