import SluiceCore

/// Renders a type-checked predicate as PostgreSQL SQL, for a source to filter rows before they leave the database.
///
/// A predicate is rendered only when every part of it means exactly what Sluice's evaluation means, in a session
/// with `TimeZone = UTC` and `standard_conforming_strings = on` (as `PostgresSource` opens them); otherwise the
/// result is nil and the filter stays in Sluice. What is rendered: comparisons (`COLLATE "C"` on string
/// ordering, so that PostgreSQL orders bytes as Sluice does), AND, OR, NOT, IS [NOT] NULL, IN, BETWEEN (as two
/// comparisons), LIKE, `+ - * / %` and unary minus on `int32`/`int64` operands, literals (typed literals as
/// `DATE '...'`, `TIMESTAMP '...'`, `TIMESTAMPTZ '...+00'`, `TIME '...'`, `'...'::uuid`), and the implicit
/// widenings that PostgreSQL performs identically (integer to bigint or numeric, date to timestamp). Floats,
/// binaries, json, explicit CASTs, CASE, COALESCE, NULLIF, `||` and every function stay in Sluice.
///
/// The caller vouches that each source column named in `sourceColumns` has the PostgreSQL type matching its Sluice
/// type (`int32` ↔ `integer`, `int64` ↔ `bigint`, `decimal` ↔ `numeric`, `string` ↔ `text`/`varchar`, `date` ↔
/// `date`, ... with a deterministic collation); a column read through a conversion (numeric into int32, date into
/// timestamp) should be left out of the map, which keeps every predicate on it in Sluice.
public enum PostgresPushdown {
    /// The predicate as SQL for a WHERE clause, or nil when some part of it cannot be rendered exactly.
    ///
    /// - Parameter sourceColumns: the schema's column names mapped to the source's; a column missing from the map
    ///   makes the predicate stay in Sluice.
    public static func render(_ predicate: CompiledExpression, sourceColumns: [String: String]) -> String? {
        guard predicate.type == .boolean else { return nil }
        return Renderer(schema: predicate.schema, sourceColumns: sourceColumns).sql(predicate.root)
    }
}

private struct Renderer {
    let schema: Schema
    let sourceColumns: [String: String]

    func sql(_ node: TypedExpression) -> String? {
        switch node.kind {
        case .column(let index):
            let field = schema.fields[index]
            guard Self.pushableColumnTypes.contains(field.type) || TypeRules.isInteger(field.type) || TypeRules.isDecimal(field.type),
                  let name = sourceColumns[field.name] else { return nil }
            return "\"" + name.replacingAll("\"", with: "\"\"") + "\""
        case .constant:
            return node.constantValue.flatMap { literal($0, type: node.type) }
        case .arithmetic(let operation, let left, let right):
            guard isPlainInteger(left), isPlainInteger(right), let l = sql(left), let r = sql(right) else { return nil }
            return "(\(l) \(operation.rawValue) \(r))"
        case .negate(let operand):
            guard isPlainInteger(operand), let x = sql(operand) else { return nil }
            return "(-\(x))"
        case .compare(let operation, let left, let right):
            guard let l = sql(left), let r = sql(right) else { return nil }
            let collation = left.type == .string && operation != .equal && operation != .notEqual ? " COLLATE \"C\"" : ""
            return "(\(l)\(collation) \(operation.rawValue) \(r))"
        case .and(let left, let right), .or(let left, let right):
            guard let l = sql(left), let r = sql(right) else { return nil }
            if case .and = node.kind { return "(\(l) AND \(r))" }
            return "(\(l) OR \(r))"
        case .not(let operand):
            return sql(operand).map { "(NOT \($0))" }
        case .isNull(let operand, let negated):
            return sql(operand).map { "(\($0) IS \(negated ? "NOT " : "")NULL)" }
        case .inSet(let operand, let set):
            guard let subject = sql(operand) else { return nil }
            var items: [String] = []
            switch set {
            case .int32(let values, _): items = values.compactMap { literal(.int(Int64($0)), type: operand.type) }
            case .int64(let values, _): items = values.compactMap { literal(.int($0), type: operand.type) }
            case .int128(let values, _): items = values.compactMap { literal(.decimal($0, scale: operand.type.decimalScale), type: operand.type) }
            case .bytes(let values, _):
                items = values.compactMap { bytes in
                    operand.type == .uuid ? literal(.bytes(bytes), type: .uuid) : literal(.string(String(decoding: bytes, as: UTF8.self)), type: .string)
                }
                guard items.count == values.count else { return nil }
            }
            if set.containsNull { items.append("NULL") }
            return "(\(subject) IN (\(items.joined(separator: ", "))))"
        case .like(let operand, let pattern):
            guard let subject = sql(operand), let text = quoted(pattern.text) else { return nil }
            return "(\(subject) LIKE \(text) ESCAPE '\\')"
        case .cast(let operand, let implicit):
            guard implicit, Self.isExactWidening(from: operand.type, to: node.type) else { return nil }
            return sql(operand)
        case .runStartedAt, .caseWhen, .coalesce, .nullIf, .concatenate, .function:
            return nil
        }
    }

    /// Column types whose PostgreSQL counterpart compares exactly as Sluice does (integers and decimals too).
    static let pushableColumnTypes: Set<DataType> = [.boolean, .string, .uuid, .date, .time, .timestamp, .timestampTZ]

    /// Conversions PostgreSQL applies with the same result when it compares mixed types.
    static func isExactWidening(from: DataType, to: DataType) -> Bool {
        switch (from, to) {
        case _ where TypeRules.isInteger(from) && (TypeRules.isInteger(to) || TypeRules.isDecimal(to)): true
        case (.date, .timestamp), (.date, .timestampTZ), (.timestamp, .timestampTZ), (.timestampTZ, .timestamp): true
        default: false
        }
    }

    /// Whether `node` is an int32 or int64 value with no narrower integer underneath: PostgreSQL's integer and
    /// bigint arithmetic overflow exactly where Sluice's does (smallint arithmetic would overflow earlier).
    private func isPlainInteger(_ node: TypedExpression) -> Bool {
        var underlying = node
        while case .cast(let operand, true) = underlying.kind { underlying = operand }
        return (underlying.type == .int32 || underlying.type == .int64) && (node.type == .int32 || node.type == .int64)
    }

    private func literal(_ value: Value, type: DataType) -> String? {
        switch value {
        case .null: return "NULL"
        case .boolean(let v): return v ? "TRUE" : "FALSE"
        case .int(let v):
            switch type {
            case .date: return "DATE '" + Self.date(days: v) + "'"
            case .time: return "TIME '" + TextConversion.formatTime(microseconds: v) + "'"
            case .timestamp: return "TIMESTAMP '" + Self.timestamp(v, zoned: false) + "'"
            case .timestampTZ: return "TIMESTAMPTZ '" + Self.timestamp(v, zoned: true) + "'"
            case .uint64: return String(UInt64(bitPattern: v))
            default: return v < 0 ? "(\(v))" : String(v)
            }
        case .decimal(let unscaled, let scale):
            let text = DecimalText.format(unscaled: unscaled, scale: scale)
            return unscaled < 0 ? "(\(text))" : text
        case .string(let text): return quoted(text)
        case .bytes(let bytes) where type == .uuid && bytes.count == 16: return "'" + UUIDText.format(bytes) + "'::uuid"
        default: return nil
        }
    }

    /// `'text'` with quotes doubled; nil for text holding NUL, which PostgreSQL cannot hold.
    private func quoted(_ text: String) -> String? {
        guard !text.utf8.contains(0) else { return nil }
        return "'" + text.replacingAll("'", with: "''") + "'"
    }

    /// PostgreSQL's date text: `2024-01-02`, `0044-03-15 BC` for astronomical year -43.
    static func date(days: Int64) -> String {
        let (year, month, day) = CivilTime.civil(days: days)
        let shownYear = year > 0 ? year : 1 - year
        let yearText = String(shownYear)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + (month < 10 ? "0" : "") + String(month)
            + "-" + (day < 10 ? "0" : "") + String(day) + (year > 0 ? "" : " BC")
    }

    static func timestamp(_ microseconds: Int64, zoned: Bool) -> String {
        let (days, time) = CivilTime.floorDivide(microseconds, CivilTime.microsecondsPerDay)
        var dateText = date(days: days)
        let bc = dateText.hasSuffix(" BC")
        if bc { dateText.removeLast(3) }
        return dateText + " " + TextConversion.formatTime(microseconds: time) + (zoned ? "+00" : "") + (bc ? " BC" : "")
    }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(count)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
