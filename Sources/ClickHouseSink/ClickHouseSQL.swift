public import SluiceCore

/// Renders names and values into ClickHouse SQL text. ClickHouse 18.16's HTTP interface has no bind
/// parameters, so every identifier and literal Sluice writes goes through these functions; nothing is
/// spliced raw.
///
/// Escaping follows ClickHouse's lexer: inside backquotes and single quotes a backslash escapes the next
/// character, and `\n`, `\t`, `\r`, `\0`, `\b`, `\f` stand for control characters.
public enum ClickHouseSQL {
    /// A back-quoted identifier: `` `name` ``, with backquotes and backslashes escaped.
    public static func identifier(_ name: String) -> String {
        quoted(name, quote: UInt8(ascii: "`"))
    }

    /// `` `database`.`table` ``.
    public static func qualifiedName(database: String, table: String) -> String {
        identifier(database) + "." + identifier(table)
    }

    /// A single-quoted string literal with quotes, backslashes and control characters escaped.
    public static func stringLiteral(_ value: String) -> String {
        quoted(value, quote: UInt8(ascii: "'"))
    }

    /// A literal for a typed value: numbers as digits, decimals exactly (`toDecimal128('...', s)` so no
    /// float rounding happens), dates as `toDate(days)`, timestamps as `toDateTime(seconds, 'UTC')` (floored),
    /// strings quoted, NULL as `NULL`. Binary values are written as `\xHH` escapes.
    public static func literal(_ value: Value, type: DataType) -> String {
        switch value {
        case .null:
            return "NULL"
        case .boolean(let flag):
            return flag ? "1" : "0"
        case .int(let integer):
            switch type {
            case .date:
                return "toDate(\(integer))"
            case .timestamp, .timestampTZ:
                let (seconds, _) = CivilTime.floorDivide(integer, CivilTime.microsecondsPerSecond)
                return "toDateTime(\(seconds), 'UTC')"
            case .time:
                return stringLiteral(CivilTime.formatTimeOfDay(microseconds: integer))
            case .uint64:
                return String(UInt64(bitPattern: integer))
            default:
                return String(integer)
            }
        case .decimal(let unscaled, let scale):
            return "toDecimal128(\(stringLiteral(DecimalText.format(unscaled: unscaled, scale: scale))), \(scale))"
        case .float(let number):
            return floatLiteral(Double(number))
        case .double(let number):
            return floatLiteral(number)
        case .string(let text):
            return stringLiteral(text)
        case .bytes(let bytes):
            if type == .uuid, bytes.count == 16 { return "toUUID(\(stringLiteral(UUIDText.format(bytes))))" }
            var out = "'"
            for byte in bytes { out += "\\x" + Hex.encode([byte]) }
            return out + "'"
        }
    }

    private static func floatLiteral(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return "\(value)"
    }

    private static func quoted(_ text: String, quote: UInt8) -> String {
        var out: [UInt8] = [quote]
        out.reserveCapacity(text.utf8.count + 2)
        for byte in text.utf8 {
            switch byte {
            case quote, UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0x0A: out += Array("\\n".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x00: out += Array("\\0".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0C: out += Array("\\f".utf8)
            default: out.append(byte)
            }
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }
}
