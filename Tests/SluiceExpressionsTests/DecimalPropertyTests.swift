import SluiceCore
import SluiceExpressions
import Testing

/// A slow, obviously correct signed integer of any size on decimal digits, for checking decimal arithmetic.
struct ReferenceInteger: Equatable, CustomStringConvertible {
    var negative: Bool
    /// Most significant first, no leading zeros; empty for zero.
    var digits: [UInt8]

    init(_ text: String) {
        negative = text.hasPrefix("-")
        digits = Self.trimmed(text.utf8.filter { $0 != UInt8(ascii: "-") }.map { $0 - UInt8(ascii: "0") })
        if digits.isEmpty { negative = false }
    }

    init(negative: Bool, digits: [UInt8]) {
        self.digits = Self.trimmed(digits)
        self.negative = self.digits.isEmpty ? false : negative
    }

    var description: String {
        (negative ? "-" : "") + (digits.isEmpty ? "0" : String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self))
    }

    var isZero: Bool { digits.isEmpty }

    private static func trimmed(_ digits: [UInt8]) -> [UInt8] {
        Array(digits.drop { $0 == 0 })
    }

    /// `self * 10^exponent`.
    func shifted(_ exponent: Int) -> ReferenceInteger {
        isZero ? self : ReferenceInteger(negative: negative, digits: digits + [UInt8](repeating: 0, count: exponent))
    }

    static func compareMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    static func addMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var carry = 0
        var i = a.count - 1, j = b.count - 1
        while i >= 0 || j >= 0 || carry > 0 {
            let sum = (i >= 0 ? Int(a[i]) : 0) + (j >= 0 ? Int(b[j]) : 0) + carry
            result.append(UInt8(sum % 10))
            carry = sum / 10
            i -= 1
            j -= 1
        }
        return result.reversed()
    }

    /// `a - b` for `a >= b`.
    static func subtractMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var borrow = 0
        var j = b.count - 1
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            var difference = Int(a[i]) - (j >= 0 ? Int(b[j]) : 0) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 10 }
            result.append(UInt8(difference))
            j -= 1
        }
        return trimmed(result.reversed())
    }

    static func + (a: ReferenceInteger, b: ReferenceInteger) -> ReferenceInteger {
        if a.negative == b.negative { return ReferenceInteger(negative: a.negative, digits: addMagnitudes(a.digits, b.digits)) }
        if compareMagnitudes(a.digits, b.digits) >= 0 {
            return ReferenceInteger(negative: a.negative, digits: subtractMagnitudes(a.digits, b.digits))
        }
        return ReferenceInteger(negative: b.negative, digits: subtractMagnitudes(b.digits, a.digits))
    }

    static prefix func - (a: ReferenceInteger) -> ReferenceInteger {
        ReferenceInteger(negative: !a.negative, digits: a.digits)
    }

    static func - (a: ReferenceInteger, b: ReferenceInteger) -> ReferenceInteger { a + -b }

    static func * (a: ReferenceInteger, b: ReferenceInteger) -> ReferenceInteger {
        guard !a.isZero && !b.isZero else { return ReferenceInteger("0") }
        var product = [Int](repeating: 0, count: a.digits.count + b.digits.count)
        for (i, x) in a.digits.reversed().enumerated() {
            for (j, y) in b.digits.reversed().enumerated() { product[i + j] += Int(x) * Int(y) }
        }
        var carry = 0
        for index in product.indices {
            let total = product[index] + carry
            product[index] = total % 10
            carry = total / 10
        }
        return ReferenceInteger(negative: a.negative != b.negative, digits: product.reversed().map { UInt8($0) })
    }

    /// Truncated quotient and remainder of the magnitudes (long division, one digit at a time).
    static func divideMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> (quotient: [UInt8], remainder: [UInt8]) {
        var quotient: [UInt8] = []
        var remainder: [UInt8] = []
        for digit in a {
            remainder = trimmed(remainder + [digit])
            var count: UInt8 = 0
            while compareMagnitudes(remainder, b) >= 0 {
                remainder = subtractMagnitudes(remainder, b)
                count += 1
            }
            quotient.append(count)
        }
        return (trimmed(quotient), remainder)
    }
}

@Suite struct DecimalPropertyTests {
    enum Outcome: Equatable {
        case value(String)
        case overflow
        case divisionByZero
    }

    /// A random unscaled value with at most `precision` digits: often the widest, sometimes tiny, sometimes 0.
    static func randomUnscaled(precision: Int, using random: inout SplitMix64) -> String {
        let kind = random.next() % 6
        let length = kind == 0 ? precision : (kind == 1 ? Int(random.next() % 3) + 1 : Int(random.next() % UInt64(precision)) + 1)
        var digits = (0..<length).map { _ in String(random.next() % 10) }.joined()
        if kind == 2 { digits = "0" }
        if kind == 3 { digits = String(repeating: "9", count: length) }
        return (random.next() % 2 == 0 ? "-" : "") + digits
    }

    /// The result type, by the documented rules (docs/expressions.md), written out again here.
    static func resultType(_ operation: String, _ p1: Int, _ s1: Int, _ p2: Int, _ s2: Int) -> (Int, Int)? {
        switch operation {
        case "+", "-":
            let s = max(s1, s2)
            return (min(38, max(p1 - s1, p2 - s2) + s + 1), s)
        case "*":
            return s1 + s2 > 38 ? nil : (min(38, p1 + p2), s1 + s2)
        case "/":
            var s = max(6, s1 + p2 + 1)
            let integerDigits = p1 - s1 + s2
            if integerDigits + s > 38 { s = max(38 - integerDigits, min(s, 6)) }
            return (min(38, integerDigits + s), s)
        default:
            let s = max(s1, s2)
            return (min(38, max(1, min(p1 - s1, p2 - s2) + s)), s)
        }
    }

    /// The exact result by the slow reference: unscaled at scale `s`, or why there is none.
    static func reference(_ operation: String, _ a: ReferenceInteger, _ s1: Int, _ b: ReferenceInteger, _ s2: Int,
                          precision: Int, scale: Int) -> Outcome {
        let result: ReferenceInteger
        switch operation {
        case "+": result = a.shifted(scale - s1) + b.shifted(scale - s2)
        case "-": result = a.shifted(scale - s1) - b.shifted(scale - s2)
        case "*": result = a * b
        case "/":
            guard !b.isZero else { return .divisionByZero }
            let (quotient, remainder) = ReferenceInteger.divideMagnitudes(a.shifted(scale - s1 + s2).digits, b.digits)
            var magnitude = ReferenceInteger(negative: false, digits: quotient)
            // Half away from zero: round up when twice the remainder reaches the divisor.
            let twice = ReferenceInteger.addMagnitudes(remainder, remainder)
            if !remainder.isEmpty && ReferenceInteger.compareMagnitudes(twice, b.digits) >= 0 { magnitude = magnitude + ReferenceInteger("1") }
            result = ReferenceInteger(negative: a.negative != b.negative, digits: magnitude.digits)
        default:
            guard !b.isZero else { return .divisionByZero }
            let (_, remainder) = ReferenceInteger.divideMagnitudes(a.shifted(scale - s1).digits, b.shifted(scale - s2).digits)
            result = ReferenceInteger(negative: a.negative, digits: remainder)
        }
        guard result.digits.count <= precision else { return .overflow }
        return .value(DecimalText.format(unscaled: Int128(result.description)!, scale: scale))
    }

    @Test(arguments: ["+", "-", "*", "/", "%"])
    func matchesASlowReference(operation: String) throws {
        var random = SplitMix64(seed: 0x5EED_0000 + UInt64(operation.utf8.first!))
        var checked = 0
        var outcomes: [String: Int] = [:]
        for _ in 0..<300 {
            let p1 = Int(random.next() % 38) + 1, p2 = Int(random.next() % 38) + 1
            let s1 = Int(random.next() % UInt64(p1 + 1)), s2 = Int(random.next() % UInt64(p2 + 1))
            let left = DataType.decimal(precision: p1, scale: s1), right = DataType.decimal(precision: p2, scale: s2)
            let schema = Schema([Field(name: "a", type: left), Field(name: "b", type: right)])
            guard let (precision, scale) = Self.resultType(operation, p1, s1, p2, s2) else {
                #expect(throws: SluiceError.self) { try CompiledExpression.compile("a \(operation) b", schema: schema) }
                continue
            }
            let expression = try CompiledExpression.compile("a \(operation) b", schema: schema)
            #expect(expression.type == .decimal(precision: precision, scale: scale), "\(left) \(operation) \(right)")
            for _ in 0..<8 {
                let a = Self.randomUnscaled(precision: p1, using: &random), b = Self.randomUnscaled(precision: p2, using: &random)
                let batch = try RecordBatch(schema: schema, columns: [
                    Column(values: .int128([Int128(a)!])), Column(values: .int128([Int128(b)!])),
                ])
                let expected = Self.reference(operation, ReferenceInteger(a), s1, ReferenceInteger(b), s2, precision: precision, scale: scale)
                let actual: Outcome
                do {
                    let column = try expression.evaluate(batch, context: EvaluationContext(runStartedAt: 0))
                    actual = .value(Value(of: column, type: expression.type, at: 0).text(as: expression.type) ?? "NULL")
                } catch {
                    actual = error.code == .expressionDivisionByZero ? .divisionByZero : .overflow
                    #expect(error.code != .expressionOverflow || error.message.contains("does not fit decimal("))
                }
                #expect(actual == expected, "\(a)e-\(s1) \(operation) \(b)e-\(s2) as \(left) \(operation) \(right)")
                checked += 1
                switch actual {
                case .value: outcomes["value", default: 0] += 1
                case .overflow: outcomes["overflow", default: 0] += 1
                case .divisionByZero: outcomes["zero", default: 0] += 1
                }
            }
        }
        #expect(checked > 1500)
        // Both kinds of outcome are exercised: exact values, and (except for %) overflows.
        #expect(outcomes["value", default: 0] > checked / 3, "\(outcomes)")
        if operation != "%" { #expect(outcomes["overflow", default: 0] > 10, "\(outcomes)") }
    }

    @Test func roundsCastsLikeTheReference() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let p1 = Int(random.next() % 38) + 1, s1 = Int(random.next() % UInt64(p1 + 1))
            let p2 = Int(random.next() % 38) + 1, s2 = Int(random.next() % UInt64(p2 + 1))
            let a = Self.randomUnscaled(precision: p1, using: &random)
            let schema = Schema([Field(name: "a", type: .decimal(precision: p1, scale: s1))])
            let expression = try CompiledExpression.compile("CAST(a AS decimal(\(p2),\(s2)))", schema: schema)
            let batch = try RecordBatch(schema: schema, columns: [Column(values: .int128([Int128(a)!]))])
            // Reference: scale up exactly, or divide by a power of ten rounding half away from zero.
            let value = ReferenceInteger(a)
            var expected: Outcome
            if s2 >= s1 {
                let scaled = value.shifted(s2 - s1)
                expected = scaled.digits.count <= p2 ? .value(DecimalText.format(unscaled: Int128(scaled.description)!, scale: s2)) : .overflow
            } else {
                let divisor = ReferenceInteger("1").shifted(s1 - s2)
                let (quotient, remainder) = ReferenceInteger.divideMagnitudes(value.digits, divisor.digits)
                var magnitude = ReferenceInteger(negative: false, digits: quotient)
                if ReferenceInteger.compareMagnitudes(ReferenceInteger.addMagnitudes(remainder, remainder), divisor.digits) >= 0 && !remainder.isEmpty {
                    magnitude = magnitude + ReferenceInteger("1")
                }
                let rounded = ReferenceInteger(negative: value.negative, digits: magnitude.digits)
                expected = rounded.digits.count <= p2 ? .value(DecimalText.format(unscaled: Int128(rounded.description)!, scale: s2)) : .overflow
            }
            let actual: Outcome
            do {
                let column = try expression.evaluate(batch, context: EvaluationContext(runStartedAt: 0))
                actual = .value(Value(of: column, type: expression.type, at: 0).text(as: expression.type) ?? "NULL")
            } catch {
                actual = .overflow
            }
            #expect(actual == expected, "CAST(\(a)e-\(s1) AS decimal(\(p2),\(s2)))")
        }
    }
}
