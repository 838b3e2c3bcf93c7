/// PostgreSQL's binary `numeric` (numeric_send in src/backend/utils/adt/numeric.c):
/// `int16 ndigits, int16 weight, uint16 sign, int16 dscale`, then `ndigits` base-10000 digits (int16 each).
/// The value is `sum(digit[i] * 10000^(weight - i))`; `dscale` is the number of decimal digits shown after
/// the point. Sign 0x0000 positive, 0x4000 negative, 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity.
struct NumericBinary {
    enum Special { case nan, positiveInfinity, negativeInfinity }

    let digits: UnsafeRawPointer
    let count: Int
    let weight: Int
    let negative: Bool
    let displayScale: Int
    let special: Special?

    /// Parses and checks the header; nil when the bytes are not a valid numeric.
    init?(_ value: UnsafeRawBufferPointer) {
        guard value.count >= 8, let base = value.baseAddress else { return nil }
        let ndigits = Int(Int16(bitPattern: BigEndian.uint16(base)))
        let weight = Int(Int16(bitPattern: BigEndian.uint16(base + 2)))
        let sign = BigEndian.uint16(base + 4)
        let dscale = Int(Int16(bitPattern: BigEndian.uint16(base + 6)))
        guard ndigits >= 0, dscale >= 0, dscale <= 0x3FFF, value.count == 8 + 2 * ndigits else { return nil }
        switch sign {
        case 0x0000, 0x4000: special = nil
        case 0xC000: special = .nan
        case 0xD000: special = .positiveInfinity
        case 0xF000: special = .negativeInfinity
        default: return nil
        }
        guard special == nil || ndigits == 0 else { return nil }
        for i in 0..<ndigits where BigEndian.uint16(base + 8 + 2 * i) > 9999 { return nil }
        self.digits = base + 8
        self.count = ndigits
        self.weight = weight
        self.negative = sign == 0x4000
        self.displayScale = dscale
    }

    @inline(__always) func digit(_ i: Int) -> Int { Int(BigEndian.uint16(digits + 2 * i)) }

    enum DecimalFailure: Error { case tooManyFractionalDigits, overflow }

    /// The value as an unscaled integer at `scale` (value * 10^scale), exact; fails when a nonzero digit lies
    /// beyond `scale` or the magnitude reaches `limit` (10^precision).
    func unscaled(scale: Int, limit: Int128) -> Result<Int128, DecimalFailure> {
        var accumulator: Int128 = 0
        var pendingExponent = 0  // accumulator is in units of 10^-scale times 10^pendingExponent
        for i in 0..<count {
            let d = digit(i)
            let exponent = 4 * (weight - i) + scale  // power of ten of this group's last digit, in target units
            if exponent >= 0 {
                let (shifted, o1) = accumulator.multipliedReportingOverflow(by: 10_000)
                let (sum, o2) = shifted.addingReportingOverflow(Int128(d))
                guard !o1, !o2, sum < limit else { return .failure(.overflow) }
                accumulator = sum
                pendingExponent = exponent
            } else {
                let cut = -exponent
                if cut >= 4 {
                    guard d == 0 else { return .failure(.tooManyFractionalDigits) }
                    continue
                }
                let divisor = [1, 10, 100, 1000][cut]
                guard d % divisor == 0 else { return .failure(.tooManyFractionalDigits) }
                let (shifted, o1) = accumulator.multipliedReportingOverflow(by: Int128([1, 10, 100, 1000][4 - cut]))
                let (sum, o2) = shifted.addingReportingOverflow(Int128(d / divisor))
                guard !o1, !o2, sum < limit else { return .failure(.overflow) }
                accumulator = sum
                pendingExponent = 0
            }
        }
        var result = accumulator
        if result != 0 {
            for _ in 0..<pendingExponent {
                let (next, overflow) = result.multipliedReportingOverflow(by: 10)
                guard !overflow, next < limit else { return .failure(.overflow) }
                result = next
            }
        }
        guard result < limit else { return .failure(.overflow) }
        return .success(negative ? -result : result)
    }

    /// The text numeric_out prints: `-123.4500` (exactly `dscale` digits after the point), `NaN`,
    /// `Infinity`, `-Infinity`.
    func appendText(into out: inout [UInt8]) {
        switch special {
        case .nan: out.append(contentsOf: "NaN".utf8); return
        case .positiveInfinity: out.append(contentsOf: "Infinity".utf8); return
        case .negativeInfinity: out.append(contentsOf: "-Infinity".utf8); return
        case nil: break
        }
        if negative && count > 0 { out.append(UInt8(ascii: "-")) }
        func group(_ index: Int) -> Int { index >= 0 && index < count ? digit(index) : 0 }
        // Integer part: groups 0...weight.
        if weight < 0 {
            out.append(UInt8(ascii: "0"))
        } else {
            PostgresText.appendDigits(UInt64(group(0)), into: &out)
            if weight >= 1 {
                for index in 1...weight { PostgresText.appendDigits(UInt64(group(index)), width: 4, into: &out) }
            }
        }
        guard displayScale > 0 else { return }
        out.append(UInt8(ascii: "."))
        var remaining = displayScale
        var index = weight + 1
        while remaining > 0 {
            var value = group(index)
            var divisor = 1000
            for _ in 0..<min(4, remaining) {
                out.append(UInt8(truncatingIfNeeded: value / divisor) + 48)
                value %= divisor
                divisor /= 10
            }
            remaining -= 4
            index += 1
        }
    }
}

/// Big-endian loads from unaligned memory.
enum BigEndian {
    @inline(__always) static func uint16(_ p: UnsafeRawPointer) -> UInt16 { UInt16(bigEndian: p.loadUnaligned(as: UInt16.self)) }
    @inline(__always) static func int16(_ p: UnsafeRawPointer) -> Int16 { Int16(bigEndian: p.loadUnaligned(as: Int16.self)) }
    @inline(__always) static func int32(_ p: UnsafeRawPointer) -> Int32 { Int32(bigEndian: p.loadUnaligned(as: Int32.self)) }
    @inline(__always) static func uint32(_ p: UnsafeRawPointer) -> UInt32 { UInt32(bigEndian: p.loadUnaligned(as: UInt32.self)) }
    @inline(__always) static func int64(_ p: UnsafeRawPointer) -> Int64 { Int64(bigEndian: p.loadUnaligned(as: Int64.self)) }
    @inline(__always) static func uint64(_ p: UnsafeRawPointer) -> UInt64 { UInt64(bigEndian: p.loadUnaligned(as: UInt64.self)) }
}

extension NumericBinary {
    static let powersOfTen: [Int64] = (0...18).map { exponent in (0..<exponent).reduce(Int64(1)) { r, _ in r * 10 } }

    /// The common case of ``unscaled(scale:limit:)`` straight from the bytes, in Int64 arithmetic: a finite
    /// numeric of at most 4 base-10000 digits whose value at `scale` fits in 18 decimal digits. Returns nil
    /// for everything else (specials, malformed bytes, more digits, fractional digits beyond `scale`), which
    /// the caller hands to the exact general path, so nil never means an error by itself.
    @inline(__always)
    static func fastUnscaled(_ value: UnsafeRawBufferPointer, scale: Int) -> Int64? {
        guard value.count >= 8, let base = value.baseAddress else { return nil }
        let ndigits = Int(BigEndian.int16(base))
        guard ndigits >= 0, ndigits <= 4, value.count == 8 &+ 2 &* ndigits, scale <= 18 else { return nil }
        let weight = Int(BigEndian.int16(base + 2))
        let sign = BigEndian.uint16(base + 4)
        guard sign == 0 || sign == 0x4000 else { return nil }
        var accumulator: Int64 = 0
        var pending = 0
        var i = 0
        while i < ndigits {
            let d = Int64(BigEndian.uint16(base + (8 &+ 2 &* i)))
            guard d <= 9999 else { return nil }
            let exponent = 4 &* (weight &- i) &+ scale
            if exponent >= 0 {
                accumulator = accumulator &* 10_000 &+ d
                pending = exponent
            } else {
                let cut = -exponent
                if cut >= 4 {
                    guard d == 0 else { return nil }
                    i &+= 1
                    continue
                }
                let divisor = powersOfTen[cut]
                guard d % divisor == 0 else { return nil }
                accumulator = accumulator &* powersOfTen[4 &- cut] &+ d / divisor
                pending = 0
            }
            i &+= 1
        }
        // At most 16 digits accumulated; scaling must stay within 18.
        guard pending <= 18 else { return nil }
        let (scaled, overflow) = accumulator.multipliedReportingOverflow(by: powersOfTen[pending])
        guard !overflow, scaled < 1_000_000_000_000_000_000 else { return nil }
        return sign == 0x4000 ? -scaled : scaled
    }
}
