import SluiceCore
import Testing
@testable import PostgresSource

@Suite("Binary numeric decoding")
struct NumericBinaryTests {
    /// The binary form PostgreSQL would send for `text` (a plain decimal), built digit group by group.
    static func binary(_ text: String) -> [UInt8] {
        var digits = text
        var negative = false
        if digits.hasPrefix("-") { negative = true; digits.removeFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0]).drop { $0 == "0" }
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        let scale = fraction.count
        // Pad the integer part on the left and the fraction on the right to whole groups of 4.
        let integerPadded = String(repeating: "0", count: (4 - integer.count % 4) % 4) + integer
        let fractionPadded = fraction + String(repeating: "0", count: (4 - fraction.count % 4) % 4)
        var groups: [Int16] = []
        var chars = Array(integerPadded)
        while !chars.isEmpty { groups.append(Int16(String(chars.prefix(4)))!); chars.removeFirst(4) }
        var weight = Int16(groups.count - 1)
        chars = Array(fractionPadded)
        while !chars.isEmpty { groups.append(Int16(String(chars.prefix(4)))!); chars.removeFirst(4) }
        if integer.isEmpty { weight = -1 }
        // Strip leading zero groups (adjusting the weight) and trailing zero groups, as PostgreSQL stores them.
        while groups.first == 0 { groups.removeFirst(); weight -= 1 }
        while groups.last == 0 { groups.removeLast() }
        if groups.isEmpty { weight = 0; negative = false }

        return CopyStream.numeric(digits: groups, weight: weight, sign: negative ? 0x4000 : 0, scale: Int16(scale))
    }

    func unscaled(_ text: String, scale: Int, precision: Int = 38) -> Int128? {
        Self.binary(text).withUnsafeBytes { raw in
            guard let numeric = NumericBinary(raw) else { return nil }
            return try? numeric.unscaled(scale: scale, limit: DecimalText.powerOfTen(precision)).get()
        }
    }

    func text(_ text: String) -> String {
        Self.binary(text).withUnsafeBytes { raw in
            var out: [UInt8] = []
            NumericBinary(raw)!.appendText(into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    @Test(arguments: [
        ("0", 2, 0), ("1.5", 2, 150), ("-1.5", 2, -150), ("12345.67", 2, 1_234_567), ("0.0001", 4, 1), ("100000000", 0, 100_000_000),
        ("1.10", 1, 11), ("99999999.99", 2, 9_999_999_999), ("0.05", 2, 5),
    ] as [(String, Int, Int128)])
    func exactUnscaledValues(_ value: String, _ scale: Int, _ expected: Int128) {
        #expect(unscaled(value, scale: scale) == expected)
    }

    @Test func tooManyDecimalsOrDigitsFail() {
        #expect(unscaled("1.234", scale: 2) == nil)
        #expect(unscaled("0.00001", scale: 4) == nil)
        #expect(unscaled("12345", scale: 0, precision: 4) == nil)
        #expect(unscaled("99999999999999999999999999999999999999", scale: 0) == 99_999_999_999_999_999_999_999_999_999_999_999_999)
        #expect(unscaled("100000000000000000000000000000000000000", scale: 0) == nil)
        #expect(unscaled("1", scale: 38) == nil)  // 39 digits
    }

    @Test func textMatchesNumericOut() {
        #expect(text("0") == "0")
        #expect(text("-12.50") == "-12.50")
        #expect(text("0.00012300") == "0.00012300")
        #expect(text("100000000.0001") == "100000000.0001")
    }

    /// The Int64 fast path agrees with the exact path wherever it answers, over many generated values.
    @Test func fastPathAgreesWithTheExactPath() {
        var generator = SystemRandomNumberGenerator()
        var answered = 0
        for _ in 0..<20_000 {
            let integerDigits = Int.random(in: 0...20, using: &generator)
            let fractionDigits = Int.random(in: 0...12, using: &generator)
            var value = (0..<integerDigits).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            if value.isEmpty { value = "0" }
            if fractionDigits > 0 {
                value += "." + (0..<fractionDigits).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            }
            if Bool.random(using: &generator) { value = "-" + value }
            let scale = Int.random(in: 0...12, using: &generator)
            let bytes = Self.binary(value)
            bytes.withUnsafeBytes { raw in
                let exact = try? NumericBinary(raw)!.unscaled(scale: scale, limit: DecimalText.powerOfTen(38)).get()
                if let fast = NumericBinary.fastUnscaled(raw, scale: scale) {
                    answered += 1
                    #expect(Int128(fast) == exact, "\(value) at scale \(scale)")
                }
            }
        }
        #expect(answered > 2_000)
    }

    @Test func malformedNumericsAreRejected() {
        let bad: [[UInt8]] = [
            [], [0, 1, 0, 0, 0, 0, 0, 0],                          // one digit announced, none present
            CopyStream.numeric(digits: [10_000], weight: 0, scale: 0),  // digit out of range
            CopyStream.numeric(digits: [1], weight: 0, sign: 0x1234, scale: 0),
            CopyStream.numeric(digits: [1], weight: 0, sign: 0xC000, scale: 0),  // NaN with digits
        ]
        for bytes in bad {
            #expect(bytes.withUnsafeBytes { NumericBinary($0) } == nil)
        }
    }
}
