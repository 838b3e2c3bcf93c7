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
/// then says which parents differ by more than the tolerance. Parents are named by their slot in the task's
/// ``ParentKeys``, so the per-row work is array indexing, not hashing. Exact decimal arithmetic throughout; a sum
/// that overflows 38 digits is an error, never a wrapped value.
public struct Reconciliation: Sendable {
    public let spec: ReconcileSpec
    let sum: CompiledExpression?
    let equals: CompiledExpression
    /// The scale every value is brought to.
    let scale: Int
    let tolerance: Int128
    let runStartedAt: Int64
    /// Per slot: whether it is a live parent row, and whether its expected value is NULL (which never reconciles).
    private var parentState: [ParentState] = []
    /// Per slot: the value its children must add up to.
    private var expected: [Int128] = []
    /// Per slot: its live children's total.
    private var totals: [Int128] = []

    private enum ParentState: UInt8, Sendable {
        case notAParent, value, null
    }

    /// The largest magnitude a total may reach: 38 digits.
    private static let limit = DecimalText.powerOfTen(38).magnitude

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

    /// Adds parent rows: `batch` has the parent's declared columns first; `slots` are their keys' slots
    /// (``ParentKeys/none`` for a NULL key); rows where `live` is false (deleted) are not reconciled.
    public mutating func addParents(_ batch: RecordBatch, slots: [Int32], live: [Bool]) throws(SluiceError) {
        let column = try equals.evaluate(declared(batch, equals.schema), context: context)
        let values = try scaled(column, type: equals.type, what: spec.equals.text)
        grow(toHold: slots)
        for row in slots.indices where live[row] {
            let slot = Int(slots[row])
            guard slot >= 0 else { continue }
            if column.isNull(row) {
                parentState[slot] = .null
            } else {
                parentState[slot] = .value
                expected[slot] = values[row]
            }
        }
    }

    /// Adds child rows: `slots` are their parents' keys' slots; rows where `live` is false are left out of the
    /// totals.
    public mutating func addChildren(_ batch: RecordBatch, slots: [Int32], live: [Bool]) throws(SluiceError) {
        grow(toHold: slots)
        guard let sum else {
            // count(*): each live child adds one, at the common scale.
            let one = DecimalText.powerOfTen(scale)
            for row in slots.indices where live[row] && slots[row] >= 0 { totals[Int(slots[row])] += one }
            return
        }
        let column = try sum.evaluate(declared(batch, sum.schema), context: context)
        let amounts = try scaled(column, type: sum.type, what: spec.aggregate)
        for row in slots.indices where live[row] && !column.isNull(row) {
            let slot = Int(slots[row])
            guard slot >= 0 else { continue }
            let (total, overflow) = totals[slot].addingReportingOverflow(amounts[row])
            guard !overflow, total.magnitude < Self.limit else {
                throw SluiceError(.expressionOverflow, "validation \(spec.name): \(spec.aggregate) overflows 38 digits for one parent row")
            }
            totals[slot] = total
        }
    }

    private mutating func grow(toHold slots: [Int32]) {
        let needed = Int(slots.max() ?? -1) + 1
        guard needed > totals.count else { return }
        let more = needed - totals.count
        parentState.append(contentsOf: repeatElement(.notAParent, count: more))
        expected.append(contentsOf: repeatElement(0, count: more))
        totals.append(contentsOf: repeatElement(0, count: more))
    }

    /// The parents whose children do not add up, by slot in ascending order, each with why.
    public func failures() -> [(slot: Int32, reason: String)] {
        var failed: [(slot: Int32, reason: String)] = []
        for slot in parentState.indices where parentState[slot] != .notAParent {
            let total = totals[slot]
            if parentState[slot] == .value, (total - expected[slot]).magnitude <= tolerance.magnitude { continue }
            let found = DecimalText.format(unscaled: total, scale: scale)
            guard parentState[slot] == .value else {
                failed.append((Int32(slot), "\(spec.aggregate) over \(spec.child) is \(found) but \(spec.equals.text) is NULL"))
                continue
            }
            failed.append((Int32(slot), "\(spec.aggregate) over \(spec.child) is \(found) but \(spec.equals.text) is "
                + DecimalText.format(unscaled: expected[slot], scale: scale)
                + (tolerance == 0 ? "" : " (tolerance \(spec.tolerance))")))
        }
        return failed
    }

    /// ``failures()`` by key.
    public func failures(_ keys: ParentKeys) -> [RowKey: String] {
        Dictionary(uniqueKeysWithValues: failures().map { (keys.key($0.slot), $0.reason) })
    }

    var context: EvaluationContext { EvaluationContext(runStartedAt: runStartedAt, table: spec.child) }

    /// `batch` cut to the columns `schema` has (staged rows carry the deleted flag and a parent version after them).
    func declared(_ batch: RecordBatch, _ schema: Schema) throws(SluiceError) -> RecordBatch {
        guard batch.schema.count > schema.count else { return batch }
        return try RecordBatch(schema: schema, columns: Array(batch.columns.prefix(schema.count)))
    }

    /// The values of an integer or decimal column at ``scale`` (0 where the column is NULL).
    func scaled(_ column: Column, type: DataType, what: String) throws(SluiceError) -> [Int128] {
        let factor = DecimalText.powerOfTen(scale - Self.scale(of: type))
        if factor == 1, case .int128(let values) = column.values { return values }
        var result = [Int128](repeating: 0, count: column.count)
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
