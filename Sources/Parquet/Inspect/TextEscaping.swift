/// Quoting for the text formats of ``ParquetCat`` (docs/parquet.md, "sluice parquet cat").
enum TextEscaping {
    /// A CSV field (RFC 4180): quoted when empty or when it holds `,` `"` CR or LF; quotes doubled.
    /// NULL is written by the caller as an empty unquoted field, so it differs from the empty string `""`.
    static func csvField(_ text: String, into out: inout String) {
        var needsQuotes = text.isEmpty
        if !needsQuotes {
            for byte in text.utf8 where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            out += text
            return
        }
        out += "\""
        for character in text.unicodeScalars {
            if character == "\"" { out += "\"\"" } else { out.unicodeScalars.append(character) }
        }
        out += "\""
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n` `\r` `\t` `\b` `\f` or
    /// `\u00XX`, everything else (all of Unicode) as UTF-8.
    static func jsonString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
