/// Exact arithmetic on decimals held as unscaled `Int128` values (value = unscaled / 10^scale).
///
/// Every function either returns the exact result, rounded half away from zero where a scale is reduced (as
/// PostgreSQL's numeric does), or nil when the result does not fit; none goes through floating point.
/// Products and quotients that need more than 128 bits on the way are computed on 256 bits.
enum DecimalMath {
    /// `10^0 ... 10^38`.
    static let powersOfTen: [Int128] = {
        var powers: [Int128] = [1]
        for _ in 1...38 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    /// `10^exponent` for 0...38.
    @inline(__always)
    static func power(_ exponent: Int) -> Int128 {
        powersOfTen[exponent]
    }

    /// Whether `value` has at most `precision` digits.
    @inline(__always)
    static func fits(_ value: Int128, precision: Int) -> Bool {
        value.magnitude < powersOfTen[precision].magnitude
    }

    /// `value * 10^digits`, or nil if that overflows 128 bits.
    @inline(__always)
    static func scaleUp(_ value: Int128, by digits: Int) -> Int128? {
        if digits == 0 { return value }
        guard digits <= 38 else { return value == 0 ? 0 : nil }
        let (result, overflow) = value.multipliedReportingOverflow(by: powersOfTen[digits])
        return overflow ? nil : result
    }

    /// `value / 10^digits`, rounded half away from zero.
    static func scaleDown(_ value: Int128, by digits: Int) -> Int128 {
        if digits == 0 { return value }
        guard digits <= 38 else { return 0 }
        let divisor = powersOfTen[digits]
        let quotient = value / divisor
        let remainder = value % divisor
        if remainder.magnitude >= divisor.magnitude - remainder.magnitude {
            return value < 0 ? quotient - 1 : quotient + 1
        }
        return quotient
    }

    /// `value` moved from scale `from` to scale `to` (rounding half away from zero when `to` is smaller), or nil
    /// on overflow of 128 bits.
    static func rescale(_ value: Int128, from: Int, to: Int) -> Int128? {
        to >= from ? scaleUp(value, by: to - from) : scaleDown(value, by: from - to)
    }

    /// `a + b` at `scale` (the larger of the two), or nil if the sum has more than `precision` digits.
    static func add(_ a: Int128, scale sa: Int, _ b: Int128, scale sb: Int, resultScale: Int, precision: Int) -> Int128? {
        guard let x = scaleUp(a, by: resultScale - sa), let y = scaleUp(b, by: resultScale - sb) else { return nil }
        let (sum, overflow) = x.addingReportingOverflow(y)
        return !overflow && fits(sum, precision: precision) ? sum : nil
    }

    /// `a - b` at `scale`, or nil if the difference has more than `precision` digits.
    static func subtract(_ a: Int128, scale sa: Int, _ b: Int128, scale sb: Int, resultScale: Int, precision: Int) -> Int128? {
        guard let x = scaleUp(a, by: resultScale - sa), let y = scaleUp(b, by: resultScale - sb) else { return nil }
        let (difference, overflow) = x.subtractingReportingOverflow(y)
        return !overflow && fits(difference, precision: precision) ? difference : nil
    }

    /// `a * b` at scale `sa + sb`, or nil if the product has more than `precision` digits.
    static func multiply(_ a: Int128, _ b: Int128, precision: Int) -> Int128? {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return !overflow && fits(product, precision: precision) ? product : nil
    }

    /// `a / b` at `resultScale`, rounded half away from zero, or nil if the quotient has more than `precision`
    /// digits. `b` must not be zero.
    static func divide(_ a: Int128, scale sa: Int, _ b: Int128, scale sb: Int, resultScale: Int, precision: Int) -> Int128? {
        // a / 10^sa / (b / 10^sb) * 10^rs = a * 10^(rs - sa + sb) / b; rs >= sa by the typing rule, and a
        // negative exponent (a CAST-free call from elsewhere) moves to the divisor.
        let exponent = resultScale - sa + sb
        let negative = (a < 0) != (b < 0)
        var divisor = b.magnitude
        var numerator = Wide(high: 0, low: a.magnitude)
        if exponent >= 0 {
            guard let scaled = numerator.multiplied(byPowerOfTen: exponent) else { return nil }
            numerator = scaled
        } else {
            let (scaled, overflow) = divisor.multipliedReportingOverflow(by: powersOfTen[min(-exponent, 38)].magnitude)
            guard !overflow, -exponent <= 38 else { return 0 }
            divisor = scaled
        }
        guard numerator.high < divisor else { return nil }
        let (quotient, remainder) = divisor.dividingFullWidth((high: numerator.high, low: numerator.low))
        var magnitude = quotient
        if remainder >= divisor - remainder {
            let (rounded, overflow) = magnitude.addingReportingOverflow(1)
            guard !overflow else { return nil }
            magnitude = rounded
        }
        guard magnitude < powersOfTen[precision].magnitude else { return nil }
        let result = Int128(magnitude)
        return negative ? -result : result
    }

    /// The remainder of `a / b` (truncated division: the sign of `a`) at scale `max(sa, sb)`, or nil if it has
    /// more than `precision` digits. `b` must not be zero.
    static func remainder(_ a: Int128, scale sa: Int, _ b: Int128, scale sb: Int, precision: Int) -> Int128? {
        let scale = max(sa, sb)
        let negative = a < 0
        var numerator = Wide(high: 0, low: a.magnitude)
        guard let scaledNumerator = numerator.multiplied(byPowerOfTen: scale - sa) else { return nil }
        numerator = scaledNumerator
        let divisor: UInt128
        if let scaledDivisor = scaleUp(b, by: scale - sb) {
            divisor = scaledDivisor.magnitude
        } else {
            // The divisor needs more than 128 bits, so it exceeds the (unscaled) dividend: the dividend is the rest.
            divisor = .max
        }
        let high = numerator.high % divisor
        let rest = divisor.dividingFullWidth((high: high, low: numerator.low)).remainder
        guard rest < powersOfTen[precision].magnitude else { return nil }
        let result = Int128(rest)
        return negative ? -result : result
    }

    /// -1, 0 or 1 as `a / 10^sa` is less than, equal to or greater than `b / 10^sb`.
    @inline(__always)
    static func compare(_ a: Int128, scale sa: Int, _ b: Int128, scale sb: Int) -> Int {
        if sa == sb { return a < b ? -1 : (a == b ? 0 : 1) }
        if sa < sb {
            // A value too large to scale up is larger in magnitude than anything else that fits.
            guard let x = scaleUp(a, by: sb - sa) else { return a < 0 ? -1 : 1 }
            return x < b ? -1 : (x == b ? 0 : 1)
        }
        guard let y = scaleUp(b, by: sa - sb) else { return b < 0 ? 1 : -1 }
        return a < y ? -1 : (a == y ? 0 : 1)
    }

    /// A 256-bit unsigned integer, just enough for scaled dividends.
    struct Wide {
        var high: UInt128
        var low: UInt128

        /// `self * 10^exponent`, or nil beyond 256 bits.
        func multiplied(byPowerOfTen exponent: Int) -> Wide? {
            var result = self
            var remaining = exponent
            while remaining > 0 {
                let step = min(remaining, 38)
                let factor = powersOfTen[step].magnitude
                let lowProduct = result.low.multipliedFullWidth(by: factor)
                let highProduct = result.high.multipliedFullWidth(by: factor)
                guard highProduct.high == 0 else { return nil }
                let (high, overflow) = highProduct.low.addingReportingOverflow(lowProduct.high)
                guard !overflow else { return nil }
                result = Wide(high: high, low: lowProduct.low)
                remaining -= step
            }
            return result
        }
    }
}
