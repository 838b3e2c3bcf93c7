import SluiceCore

/// Text to and from values, as CAST, concat and `||` read and print them: PostgreSQL's forms in a UTC session,
/// with Sluice's astronomical years (`-0044-03-15` is 45 BC).
enum TextConversion {
    /// What reading a decimal from text gave.
    enum DecimalOutcome: Equatable {
        case value(Int128)
        case malformed
        case overflow
    }

    /// `[+-]digits[.digits][e[+-]digits]` (spaces around allowed) at `scale`, rounded half away from zero, with at
    /// most `precision` digits.
    static func parseDecimal(_ text: UnsafeRawBufferPointer, precision: Int, scale: Int) -> DecimalOutcome {
        var index = 0
        var end = text.count
        while index < end && isSpace(text[index]) { index += 1 }
        while end > index && isSpace(text[end - 1]) { end -= 1 }
        var negative = false
        if index < end && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        // Significant digits (leading zeros dropped) and where the point falls among them.
        var digits: [UInt8] = []
        var integerDigitCount = 0
        var sawDigit = false
        var sawPoint = false
        while index < end {
            let byte = text[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                sawDigit = true
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte - UInt8(ascii: "0")) }
                if !sawPoint && !digits.isEmpty { integerDigitCount += 1 }
                if sawPoint && digits.isEmpty { integerDigitCount -= 1 }
            } else if byte == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { return .malformed }
        if index < end {
            guard text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") else { return .malformed }
            index += 1
            var exponentNegative = false
            if index < end && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
                exponentNegative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < end else { return .malformed }
            var exponent = 0
            while index < end {
                let byte = text[index]
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return .malformed }
                exponent = min(exponent * 10 + Int(byte - UInt8(ascii: "0")), 100_000)
                index += 1
            }
            integerDigitCount += exponentNegative ? -exponent : exponent
        }
        if digits.isEmpty { return .value(0) }
        // value = digits * 10^(integerDigitCount - digits.count); scaled: * 10^scale.
        let keep = integerDigitCount + scale
        if keep > precision { return .overflow }
        guard keep >= 0 else { return .value(0) }
        var unscaled: Int128 = 0
        for position in 0..<keep {
            unscaled = unscaled * 10 + Int128(position < digits.count ? digits[position] : 0)
        }
        if keep < digits.count && digits[keep] >= 5 { unscaled += 1 }
        guard DecimalMath.fits(unscaled, precision: precision) else { return .overflow }
        return .value(negative ? -unscaled : unscaled)
    }

    /// `[+-]digits` with spaces around; nil when malformed or beyond `Int64`.
    static func parseInteger(_ text: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        var end = text.count
        while index < end && isSpace(text[index]) { index += 1 }
        while end > index && isSpace(text[end - 1]) { end -= 1 }
        var negative = false
        if index < end && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < end else { return nil }
        var magnitude: UInt64 = 0
        while index < end {
            let byte = text[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// PostgreSQL's boolean spellings: `true`/`false`, `t`/`f`, `yes`/`no`, `y`/`n`, `on`/`off`, `1`/`0`, any case.
    static func parseBoolean(_ text: String) -> Bool? {
        switch text.trimmingSpaces.lowercased() {
        case "true", "t", "yes", "y", "on", "1": true
        case "false", "f", "no", "n", "off", "0": false
        default: nil
        }
    }

    /// A float as PostgreSQL prints it: the shortest text that reads back, `NaN`, `Infinity`, `-Infinity`.
    static func format<F: BinaryFloatingPoint & LosslessStringConvertible>(float value: F) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// `HH:MM:SS` with the fraction's trailing zeros dropped (`12:00:00.5`).
    static func formatTime(microseconds: Int64) -> String {
        let full = CivilTime.formatTimeOfDay(microseconds: microseconds)
        var text = Substring(full)
        while text.last == "0" { text = text.dropLast() }
        if text.last == "." { text = text.dropLast() }
        return String(text)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, plus `+00` for an instant.
    static func formatTimestamp(microseconds: Int64, zoned: Bool) -> String {
        let (days, time) = CivilTime.floorDivide(microseconds, CivilTime.microsecondsPerDay)
        return CivilTime.formatDate(days: days) + " " + formatTime(microseconds: time) + (zoned ? "+00" : "")
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return Substring(self[first...last])
    }
}
