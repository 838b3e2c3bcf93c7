/// Exact conversion between decimal text and an unscaled `Int128` at a given scale.
public enum DecimalText {
    /// `unscaled / 10^scale` as plain text: `-12.30` for (-1230, 2), `0.05` for (5, 2), `7` for (7, 0).
    public static func format(unscaled: Int128, scale: Int) -> String {
        let negative = unscaled < 0
        var digits = String(unscaled.magnitude)
        if scale > 0 {
            if digits.count <= scale {
                digits = String(repeating: "0", count: scale - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Parses `[-+]digits[.digits]` (optionally with an exponent `e[-+]N`) into an unscaled integer at `scale`.
    /// Returns nil if the text is malformed, has more fractional digits than `scale` (other than trailing
    /// zeros), or does not fit in `precision` digits.
    public static func parse(_ text: String, precision: Int, scale: Int) -> Int128? {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var exponent = 0
        if let e = utf8.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let exp = Int(String(Substring(utf8[utf8.index(after: e)...]))), abs(exp) < 100 else { return nil }
            exponent = exp
            utf8 = utf8[..<e]
        }
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var seenPoint = false
        for c in utf8 {
            if c == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if seenPoint { fractionDigits.append(c - 48) } else { integerDigits.append(c - 48) }
            } else {
                return nil
            }
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { return nil }
        // Apply the exponent by moving digits across the point.
        var all = integerDigits + fractionDigits
        var pointPosition = integerDigits.count + exponent
        if pointPosition < 0 {
            all = Array(repeating: 0, count: -pointPosition) + all
            pointPosition = 0
        }
        if pointPosition > all.count { all += Array(repeating: 0, count: pointPosition - all.count) }
        var fraction = Array(all[pointPosition...])
        let integer = all[..<pointPosition]
        while fraction.count > scale {
            guard fraction.last == 0 else { return nil }
            fraction.removeLast()
        }
        fraction += Array(repeating: 0, count: scale - fraction.count)
        var value: Int128 = 0
        var significant = 0
        for digit in integer + fraction {
            if value == 0 && digit == 0 { continue }
            significant += 1
            guard significant <= precision else { return nil }
            value = value * 10 + Int128(digit)
        }
        return negative ? -value : value
    }

    /// `10^exponent` for 0...38.
    public static func powerOfTen(_ exponent: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// Whether `unscaled` has at most `precision` digits.
    public static func fits(_ unscaled: Int128, precision: Int) -> Bool {
        unscaled.magnitude < powerOfTen(precision).magnitude
    }
}
