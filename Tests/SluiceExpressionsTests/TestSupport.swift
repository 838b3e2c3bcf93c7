import Foundation
import SluiceCore
import SluiceExpressions
import Testing

/// A column of a test batch: its name, type, and values written as text (nil for NULL).
struct TestColumn {
    var name: String
    var type: DataType
    var values: [String?]

    init(_ name: String, _ type: DataType, _ values: [String?]) {
        self.name = name
        self.type = type
        self.values = values
    }
}

enum TestBatch {
    /// A batch from columns written as text.
    static func make(_ columns: [TestColumn]) -> RecordBatch {
        let schema = Schema(columns.map { Field(name: $0.name, type: $0.type, nullable: true) })
        let built = columns.map { column in
            var builder = ColumnBuilder(type: column.type)
            for text in column.values { builder.append(value(text, column.type)) }
            return builder.finish()
        }
        return try! RecordBatch(schema: schema, columns: built)
    }

    /// `text` read as a value of `type` (test inputs are trusted).
    static func value(_ text: String?, _ type: DataType) -> Value {
        guard let text else { return .null }
        switch type {
        case .boolean: return .boolean(text == "true")
        case .uint64: return .int(Int64(bitPattern: UInt64(text)!))
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32: return .int(Int64(text)!)
        case .decimal(let p, let s): return .decimal(DecimalText.parse(text, precision: p, scale: s)!, scale: s)
        case .float32: return .float(Float(text)!)
        case .float64: return .double(Double(text)!)
        case .string, .json: return .string(text)
        case .binary: return .bytes(Hex.decode(text)!)
        case .uuid: return .bytes(UUIDText.parse(text)!)
        case .date: return .int(CivilTime.parseDate(text)!)
        case .time: return .int(CivilTime.parseTimeOfDay(text[...])!)
        case .timestamp, .timestampTZ: return .int(CivilTime.parseTimestamp(text)!.microseconds)
        }
    }

    /// How a test expects a value: its text form (``Value/text(as:)``) without an all-zero fraction, or `NULL`.
    static func display(_ value: Value, _ type: DataType) -> String {
        guard var text = value.text(as: type) else { return "NULL" }
        if type == .timestamp || type == .timestampTZ || type == .time {
            text = text.replacingOccurrences(of: ".000000", with: "")
        }
        return text
    }
}

/// The run start every test uses: 2024-05-17 08:30:00 UTC.
let testRunStart = CivilTime.parseTimestamp("2024-05-17 08:30:00")!.microseconds

/// Evaluates `text` over `batch` and returns each row's value as ``TestBatch/display(_:_:)`` shows it.
func evaluate(_ text: String, on batch: RecordBatch, rowOffset: Int = 0) throws(SluiceError) -> [String] {
    let expression = try CompiledExpression.compile(text, schema: batch.schema)
    let column = try expression.evaluate(batch, context: EvaluationContext(runStartedAt: testRunStart, rowOffset: rowOffset))
    #expect(column.count == batch.rowCount)
    #expect(column.values.kind == expression.type.storage, "\(text): storage of \(expression.type)")
    if !expression.isNullable { #expect(column.nullCount == 0, "\(text) is declared not nullable") }
    return (0..<batch.rowCount).map { TestBatch.display(Value(of: column, type: expression.type, at: $0), expression.type) }
}

/// The error compiling or evaluating `text` over `batch` raises, or nil.
func failure(_ text: String, on batch: RecordBatch, origin: ExpressionOrigin = ExpressionOrigin(), rowOffset: Int = 0) -> SluiceError? {
    do {
        let expression = try CompiledExpression.compile(text, schema: batch.schema, origin: origin)
        _ = try expression.evaluate(batch, context: EvaluationContext(runStartedAt: testRunStart, rowOffset: rowOffset))
        return nil
    } catch {
        return error
    }
}

/// A one-row batch with no columns, for expressions of literals.
let oneRow = try! RecordBatch(schema: Schema([Field(name: "unused", type: .int32)]), columns: [Column(values: .int32([0]))])

/// The value of a literal-only expression.
func value(_ text: String) throws(SluiceError) -> String {
    try evaluate(text, on: oneRow)[0]
}
