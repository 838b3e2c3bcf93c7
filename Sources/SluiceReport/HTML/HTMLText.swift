import Foundation

/// Text made safe for HTML and SVG, and numbers written for people. Everything the page shows from a report goes
/// through ``escape(_:)``: table names, partition summaries and error messages can hold `<`, `&` and quotes.
enum HTMLText {
    /// `s` with `&`, `<`, `>`, `"` and `'` as character references: safe in element content and in quoted
    /// attribute values alike.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for character in s.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Control characters other than tab and newline are not allowed in HTML text.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// `1,234,567`.
    static func count<T: BinaryInteger>(_ value: T) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// `12.35` (two decimals), `-` for nil.
    static func seconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.2f", value)
    }

    /// `1.5 MiB`, `812 KiB`, `120 B`.
    static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : String(format: "%.1f", amount) + " " + units[unit]
    }

    /// A coordinate for SVG: at most two decimals, no exponent.
    static func coordinate(_ value: Double) -> String {
        String(format: "%.2f", value.isFinite ? value : 0)
    }
}
