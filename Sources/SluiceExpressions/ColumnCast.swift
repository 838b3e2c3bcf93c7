public import SluiceCore

/// Converting a whole column from the type a source holds to the type a table declares, for sources whose files carry
/// their own types (Parquet): the conversions a load may make without losing what nobody asked to lose.
///
/// | from | into |
/// |---|---|
/// | any type | itself, string (its canonical text) |
/// | an integer | any integer (range-checked per value), decimal(p,s), float64; float32 from int8/int16 |
/// | decimal(p,s) | decimal(p2,s2) with s2 >= s (range-checked), float64 |
/// | float32 | float64 |
/// | date | timestamp, timestamptz (midnight UTC) |
/// | timestamp, timestamptz | each other (the same instant, read as UTC) |
/// | string | json (the text as it is), binary (its UTF-8 bytes) |
/// | binary | string is refused (not text); binary only |
///
/// Everything else (a float into an integer, a decimal losing digits, text parsed into numbers) is refused when the
/// table is described, before any row is read: declare the file's type, or convert with a column expression.
public enum ColumnCast {
    /// Whether values of `source` load into a declared `target` by ``cast(_:from:to:)``.
    public static func canLoad(from source: DataType, into target: DataType) -> Bool {
        if source == target { return true }
        switch (source, target) {
        case (.binary, .string): return false
        case (_, .string): return true
        case (.string, .json), (.string, .binary): return true
        case (.float32, .float64): return true
        case (.date, .timestamp), (.date, .timestampTZ), (.timestamp, .timestampTZ), (.timestampTZ, .timestamp): return true
        case (.decimal(_, let scale), .decimal(_, let targetScale)): return targetScale >= scale
        case (.decimal, .float64): return true
        case _ where TypeRules.isInteger(source):
            switch target {
            case _ where TypeRules.isInteger(target): return true
            case .decimal, .float64: return true
            case .float32: return [.int8, .int16, .uint8, .uint16].contains(source)
            default: return false
            }
        default: return false
        }
    }

    /// `column` (of type `source`) as type `target`; a value the target cannot hold (an integer out of range, a
    /// decimal over its precision) throws `invalid_value` naming its row within the column. `canLoad` must allow the
    /// pair.
    public static func cast(_ column: Column, from source: DataType, to target: DataType) throws(SluiceError) -> Column {
        precondition(canLoad(from: source, into: target), "ColumnCast.cast(\(source) -> \(target)) is not a load conversion")
        if source == target { return column }
        switch (source, target) {
        case (.string, .json), (.string, .binary):
            return column
        default:
            do {
                // Only valid slots convert; NULLs stay NULL (the kernels read no validity themselves).
                return try CastKernels.cast(Vector(column: column, isConstant: false), from: source, to: target,
                                            count: column.count, active: column.validity)
            } catch {
                throw SluiceError(.invalidValue, "cannot load \(source) as \(target): \(error.reason)",
                                  context: ErrorContext(row: error.slot))
            }
        }
    }
}

extension ColumnCast {
    /// Texts (nil: NULL) parsed as `type` with the rules of `CAST(text AS type)`: a Hive partition folder's value
    /// (`date=2026-11-01`) as its declared column's type. A text that does not parse throws `invalid_value` naming it.
    public static func parse(_ texts: [String?], as type: DataType) throws(SluiceError) -> Column {
        var builder = ColumnBuilder(type: .string, capacity: texts.count)
        for text in texts {
            if let text { builder.append(string: text) } else { builder.appendNull() }
        }
        let column = builder.finish()
        if type == .string { return column }
        do {
            return try CastKernels.cast(Vector(column: column, isConstant: false), from: .string, to: type, count: texts.count,
                                        active: column.validity)
        } catch {
            throw SluiceError(.invalidValue, "'\(texts[error.slot] ?? "")' is not a valid \(type): \(error.reason)",
                              context: ErrorContext(row: error.slot))
        }
    }
}
