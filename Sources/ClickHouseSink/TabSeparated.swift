/// Parses ClickHouse's `TabSeparated` output: rows end with `\n`, fields are split by `\t`, `\N` is
/// NULL, and a backslash escapes the next character (`\t`, `\n`, `\\`, `\'`, `\0`, `\b`, `\f`, `\r`).
/// Pure; never traps on malformed input (a lone trailing backslash is kept as is).
public enum TabSeparated {
    /// The rows of `text`; a NULL field is nil.
    public static func parse(_ text: String) -> [[String?]] {
        var rows: [[String?]] = []
        var row: [String?] = []
        var field: [UInt8] = []
        var escaped = false
        var fieldIsNull = false
        var fieldHasContent = false
        let bytes = Array(text.utf8)
        var index = 0

        func endField() {
            row.append(fieldIsNull ? nil : String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldIsNull = false
            fieldHasContent = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if escaped {
                escaped = false
                switch byte {
                case UInt8(ascii: "N") where !fieldHasContent && (index == bytes.count || bytes[index] == 0x09 || bytes[index] == 0x0A):
                    fieldIsNull = true
                case UInt8(ascii: "n"): field.append(0x0A)
                case UInt8(ascii: "t"): field.append(0x09)
                case UInt8(ascii: "r"): field.append(0x0D)
                case UInt8(ascii: "0"): field.append(0x00)
                case UInt8(ascii: "b"): field.append(0x08)
                case UInt8(ascii: "f"): field.append(0x0C)
                case UInt8(ascii: "a"): field.append(0x07)
                case UInt8(ascii: "v"): field.append(0x0B)
                default: field.append(byte)
                }
                fieldHasContent = true
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"):
                escaped = true
            case 0x09:
                endField()
            case 0x0A:
                endField()
                rows.append(row)
                row = []
            default:
                field.append(byte)
                fieldHasContent = true
            }
        }
        if escaped { field.append(UInt8(ascii: "\\")) }
        if !field.isEmpty || !row.isEmpty || fieldIsNull {
            endField()
            rows.append(row)
        }
        return rows
    }

    /// One field escaped for `TabSeparated` input (the inverse of the parser); nil becomes `\N`.
    public static func escape(_ value: String?) -> String {
        guard let value else { return "\\N" }
        var out = ""
        out.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
