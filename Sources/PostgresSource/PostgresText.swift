import SluiceCore

/// PostgreSQL's own text forms of binary values, as a session with `DateStyle = ISO`, `TimeZone = UTC` and
/// `IntervalStyle = iso_8601` prints them (src/backend/utils/adt: date.c, timestamp.c, datetime.c
/// EncodeDateTime / EncodeInterval, float.c with src/common/d2s.c, network.c with inet_net_ntop.c).
/// Used for `string` targets; everything appends UTF-8 bytes to a caller's buffer.
enum PostgresText {
    /// Days between 1970-01-01 and PostgreSQL's epoch 2000-01-01.
    static let epochDays: Int64 = 10_957
    /// Microseconds between 1970-01-01 and 2000-01-01.
    static let epochMicroseconds: Int64 = 946_684_800_000_000

    static func appendDigits(_ value: UInt64, width: Int = 1, into out: inout [UInt8]) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for 20 digits
        withUnsafeMutableBytes(of: &buffer) { raw in
            var v = value
            var i = raw.count
            repeat {
                i -= 1
                raw[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
            } while v > 0
            while raw.count - i < width { i -= 1; raw[i] = 48 }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i...]))
        }
    }

    static func appendInteger(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, into: &out)
    }

    /// `YYYY-MM-DD` with a ` BC` suffix left to the caller; returns whether the year is BC.
    private static func appendCivilDate(days1970: Int64, into out: inout [UInt8]) -> Bool {
        let (year, month, day) = CivilTime.civil(days: days1970)
        let bc = year <= 0
        appendDigits(UInt64(bc ? 1 - year : year), width: 4, into: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(UInt64(month), width: 2, into: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(UInt64(day), width: 2, into: &out)
        return bc
    }

    /// `date` from its binary value (days since 2000-01-01; Int32.min / Int32.max are -infinity / infinity).
    static func appendDate(_ pgDays: Int32, into out: inout [UInt8]) {
        if pgDays == Int32.max { out.append(contentsOf: "infinity".utf8); return }
        if pgDays == Int32.min { out.append(contentsOf: "-infinity".utf8); return }
        if appendCivilDate(days1970: Int64(pgDays) + epochDays, into: &out) { out.append(contentsOf: " BC".utf8) }
    }

    /// `HH:MM:SS[.ffffff]` with trailing zeros of the fraction removed (AppendSeconds with fillzeros).
    static func appendTimeOfDay(_ microseconds: Int64, into out: inout [UInt8]) {
        let seconds = microseconds / 1_000_000
        appendDigits(UInt64(seconds / 3600), width: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(UInt64(seconds / 60 % 60), width: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(UInt64(seconds % 60), width: 2, into: &out)
        appendFraction(microseconds % 1_000_000, into: &out)
    }

    /// `.ffffff` without trailing zeros; nothing for 0.
    static func appendFraction(_ micros: Int64, into out: inout [UInt8]) {
        guard micros != 0 else { return }
        var value = micros.magnitude
        var digits = 6
        while value % 10 == 0 { value /= 10; digits -= 1 }
        out.append(UInt8(ascii: "."))
        appendDigits(value, width: digits, into: &out)
    }

    /// `timestamp` / `timestamptz` from microseconds since 2000-01-01 (Int64.min / max are the infinities).
    static func appendTimestamp(_ pgMicros: Int64, zoned: Bool, into out: inout [UInt8]) {
        if pgMicros == Int64.max { out.append(contentsOf: "infinity".utf8); return }
        if pgMicros == Int64.min { out.append(contentsOf: "-infinity".utf8); return }
        let (days, rest) = CivilTime.floorDivide(pgMicros, CivilTime.microsecondsPerDay)
        let bc = appendCivilDate(days1970: days + epochDays, into: &out)
        out.append(UInt8(ascii: " "))
        appendTimeOfDay(rest, into: &out)
        if zoned { out.append(contentsOf: "+00".utf8) }
        if bc { out.append(contentsOf: " BC".utf8) }
    }

    /// `interval` as ISO 8601 (`IntervalStyle = iso_8601`): `P1Y2M3DT4H5M6.5S`, `PT0S` for zero.
    static func appendInterval(microseconds: Int64, days: Int32, months: Int32, into out: inout [UInt8]) {
        let year = months / 12, month = months % 12
        var time = microseconds
        let hour = time / 3_600_000_000
        time -= hour * 3_600_000_000
        let minute = time / 60_000_000
        time -= minute * 60_000_000
        let second = time / 1_000_000
        let fraction = time - second * 1_000_000
        if year == 0 && month == 0 && days == 0 && hour == 0 && minute == 0 && second == 0 && fraction == 0 {
            out.append(contentsOf: "PT0S".utf8)
            return
        }
        func part(_ value: Int64, _ unit: Character) {
            guard value != 0 else { return }
            appendInteger(value, into: &out)
            out.append(unit.asciiValue!)
        }
        out.append(UInt8(ascii: "P"))
        part(Int64(year), "Y")
        part(Int64(month), "M")
        part(Int64(days), "D")
        if hour != 0 || minute != 0 || second != 0 || fraction != 0 { out.append(UInt8(ascii: "T")) }
        part(hour, "H")
        part(minute, "M")
        if second != 0 || fraction != 0 {
            if second < 0 || fraction < 0 { out.append(UInt8(ascii: "-")) }
            appendDigits(second.magnitude, into: &out)
            appendFraction(Int64(fraction.magnitude), into: &out)
            out.append(UInt8(ascii: "S"))
        }
    }

    /// `interval` as `{"months":m,"days":d,"microseconds":u}`: the three fields PostgreSQL stores, exactly.
    static func appendIntervalJSON(microseconds: Int64, days: Int32, months: Int32, into out: inout [UInt8]) {
        out.append(contentsOf: "{\"months\":".utf8)
        appendInteger(Int64(months), into: &out)
        out.append(contentsOf: ",\"days\":".utf8)
        appendInteger(Int64(days), into: &out)
        out.append(contentsOf: ",\"microseconds\":".utf8)
        appendInteger(microseconds, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// `bytea` in hex output form: `\x0102ff`.
    static func appendByteaHex(_ value: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        out.reserveCapacity(out.count + value.count * 2)
        hex.withUTF8Buffer { digits in
            for byte in value {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xF)])
            }
        }
    }

    /// The canonical 8-4-4-4-12 lower-case form of a UUID's 16 bytes.
    static func appendUUID(_ value: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        hex.withUTF8Buffer { digits in
            for (i, byte) in value.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xF)])
            }
        }
    }

    /// The one-byte `"char"` type as `charout` prints it: empty for 0, `\ooo` for bytes >= 128.
    static func appendChar(_ byte: UInt8, into out: inout [UInt8]) {
        if byte == 0 { return }
        if byte < 128 { out.append(byte); return }
        out.append(UInt8(ascii: "\\"))
        out.append(48 + (byte >> 6))
        out.append(48 + ((byte >> 3) & 7))
        out.append(48 + (byte & 7))
    }

    /// `float4` / `float8` as PostgreSQL 12+ prints them with the default `extra_float_digits = 1`: the
    /// shortest text that reads back exactly, fixed-point when the decimal exponent is in [-4, 15)
    /// ([-4, 6) for float4), else `d.ddde+XX`; `NaN`, `Infinity`, `-Infinity`.
    static func appendFloat<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F, fixedLimit: Int, into out: inout [UInt8]) {
        if value.isNaN { out.append(contentsOf: "NaN".utf8); return }
        if value.isInfinite { out.append(contentsOf: (value < 0 ? "-Infinity" : "Infinity").utf8); return }
        // Swift's description is also the shortest round-trip text; take its digits and exponent apart.
        var digits: [UInt8] = []
        var pointPosition: Int? = nil
        var exponent = 0
        var negative = false
        let text = Array(value.description.utf8)
        var i = 0
        if i < text.count, text[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") { pointPosition = digits.count }
            else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                exponent = Int(String(decoding: text[(i + 1)...], as: UTF8.self)) ?? 0
                break
            } else { digits.append(c) }
            i += 1
        }
        // value = 0.digits * 10^(point + exponent): normalise to d.ddd * 10^displayExponent.
        var point = (pointPosition ?? digits.count) + exponent
        while digits.count > 1, digits.first == UInt8(ascii: "0") { digits.removeFirst(); point -= 1 }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if negative { out.append(UInt8(ascii: "-")) }
        if digits == [UInt8(ascii: "0")] { out.append(UInt8(ascii: "0")); return }
        let displayExponent = point - 1
        if displayExponent >= -4 && displayExponent < fixedLimit {
            if point <= 0 {
                out.append(contentsOf: "0.".utf8)
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
                out.append(contentsOf: digits)
            } else if point >= digits.count {
                out.append(contentsOf: digits)
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: point - digits.count))
            } else {
                out.append(contentsOf: digits[..<point])
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[point...])
            }
        } else {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            out.append(UInt8(ascii: "e"))
            out.append(UInt8(ascii: displayExponent < 0 ? "-" : "+"))
            appendDigits(UInt64(displayExponent.magnitude), width: 2, into: &out)
        }
    }

    /// `inet` / `cidr` from their binary form (family, bits, is_cidr, length, address); false if malformed.
    static func appendInet(_ value: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Bool {
        guard value.count >= 4 else { return false }
        let family = value[0], bits = Int(value[1]), isCIDR = value[2] != 0, length = Int(value[3])
        switch family {
        case 2:  // PGSQL_AF_INET
            guard length == 4, value.count == 8, bits <= 32 else { return false }
            for i in 0..<4 {
                if i > 0 { out.append(UInt8(ascii: ".")) }
                appendDigits(UInt64(value[4 + i]), into: &out)
            }
            if bits != 32 || isCIDR { appendBits(bits, into: &out) }
        case 3:  // PGSQL_AF_INET6
            guard length == 16, value.count == 20, bits <= 128 else { return false }
            appendIPv6(UnsafeRawBufferPointer(rebasing: value[4..<20]), into: &out)
            if bits != 128 || isCIDR { appendBits(bits, into: &out) }
        default:
            return false
        }
        return true
    }

    private static func appendBits(_ bits: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "/"))
        appendDigits(UInt64(bits), into: &out)
    }

    /// IPv6 text as inet_net_ntop_ipv6 writes it: the longest run (2+) of zero words becomes `::`, and
    /// IPv4-compatible / IPv4-mapped addresses end in a dotted quad.
    private static func appendIPv6(_ address: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var words = [Int](repeating: 0, count: 8)
        for i in 0..<16 { words[i / 2] |= Int(address[i]) << ((1 - i % 2) * 8) }
        var bestBase = -1, bestLength = 0, currentBase = -1, currentLength = 0
        for i in 0..<8 {
            if words[i] == 0 {
                if currentBase == -1 { currentBase = i; currentLength = 1 } else { currentLength += 1 }
            } else if currentBase != -1 {
                if bestBase == -1 || currentLength > bestLength { bestBase = currentBase; bestLength = currentLength }
                currentBase = -1
            }
        }
        if currentBase != -1, bestBase == -1 || currentLength > bestLength { bestBase = currentBase; bestLength = currentLength }
        if bestBase != -1 && bestLength < 2 { bestBase = -1 }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for i in 0..<8 {
            if bestBase != -1 && i >= bestBase && i < bestBase + bestLength {
                if i == bestBase { out.append(UInt8(ascii: ":")) }
                continue
            }
            if i != 0 { out.append(UInt8(ascii: ":")) }
            if i == 6 && bestBase == 0
                && (bestLength == 6 || (bestLength == 7 && words[7] != 1) || (bestLength == 5 && words[5] == 0xFFFF)) {
                for j in 12..<16 {
                    if j > 12 { out.append(UInt8(ascii: ".")) }
                    appendDigits(UInt64(address[j]), into: &out)
                }
                break
            }
            var word = words[i]
            var digits: [UInt8] = []
            repeat { digits.append(hex[word & 0xF]); word >>= 4 } while word > 0
            out.append(contentsOf: digits.reversed())
        }
        if bestBase != -1 && bestBase + bestLength == 8 { out.append(UInt8(ascii: ":")) }
    }

    /// A JSON string literal, escaped as PostgreSQL's escape_json does (`\"`, `\\`, `\b\f\n\r\t`,
    /// `\u00XX` for other control characters; everything else as is).
    static func appendJSONString(_ value: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x08: out.append(contentsOf: [92, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [92, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
