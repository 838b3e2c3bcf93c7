import SluiceCore

/// Turns one physical value into its Sluice representation (see ``ParquetValueConversion``).
/// Generic decoders are specialized per converter, so the call inlines into the decoding loops.
protocol NumericConverter {
    associatedtype Physical: BitwiseCopyable
    associatedtype Output: BitwiseCopyable
    func callAsFunction(_ value: Physical) -> Output
    /// The index of a value that cannot be converted (overflow), or nil.
    func firstInvalid(_ values: UnsafeBufferPointer<Physical>) -> Int?
}

extension NumericConverter {
    func firstInvalid(_ values: UnsafeBufferPointer<Physical>) -> Int? { nil }
}

struct IdentityConverter<T: BitwiseCopyable>: NumericConverter {
    @inline(__always) func callAsFunction(_ value: T) -> T { value }
}

struct UInt32ToInt64Converter: NumericConverter {
    @inline(__always) func callAsFunction(_ value: Int32) -> Int64 { Int64(UInt32(bitPattern: value)) }
}

struct Int32ScaledConverter: NumericConverter {
    let factor: Int64
    @inline(__always) func callAsFunction(_ value: Int32) -> Int64 { Int64(value) * factor }
}

struct Int64MultiplyConverter: NumericConverter {
    let factor: Int64
    @inline(__always) func callAsFunction(_ value: Int64) -> Int64 { value &* factor }

    func firstInvalid(_ values: UnsafeBufferPointer<Int64>) -> Int? {
        let limit = Int64.max / factor
        return values.firstIndex { $0 > limit || $0 < -limit }
    }
}

struct Int64FloorDivideConverter: NumericConverter {
    let divisor: Int64
    @inline(__always) func callAsFunction(_ value: Int64) -> Int64 {
        let q = value / divisor
        return (value % divisor < 0) ? q - 1 : q
    }
}

struct IntToDecimalConverter<T: FixedWidthInteger & BitwiseCopyable>: NumericConverter {
    let limit: Int128
    @inline(__always) func callAsFunction(_ value: T) -> Int128 { Int128(value) }

    func firstInvalid(_ values: UnsafeBufferPointer<T>) -> Int? {
        values.firstIndex { Int128($0).magnitude >= limit.magnitude }
    }
}

/// Converts byte strings (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96) to a fixed-width Sluice value.
protocol BytesConverter {
    associatedtype Output: BitwiseCopyable
    func convert(_ start: UnsafeRawPointer, _ length: Int) throws(SluiceError) -> Output
}

/// Big-endian two's complement of any length (leading sign bytes beyond 16 must be pure sign extension),
/// checked against the declared precision.
struct DecimalBytesConverter: BytesConverter {
    let limit: Int128

    func convert(_ start: UnsafeRawPointer, _ length: Int) throws(SluiceError) -> Int128 {
        if length == 0 { return 0 }
        let negative = start.load(as: UInt8.self) & 0x80 != 0
        var k = 0
        if length > 16 {
            let sign: UInt8 = negative ? 0xFF : 0
            while k < length - 16 {
                guard start.load(fromByteOffset: k, as: UInt8.self) == sign else {
                    throw ParquetError.corrupt("decimal of \(length) bytes does not fit 38 digits")
                }
                k += 1
            }
        }
        var value: UInt128 = negative ? ~0 : 0
        while k < length {
            value = value << 8 | UInt128(start.load(fromByteOffset: k, as: UInt8.self))
            k += 1
        }
        let result = Int128(bitPattern: value)
        guard result.magnitude < limit.magnitude else {
            throw ParquetError.corrupt("decimal value \(result) exceeds its declared precision")
        }
        return result
    }
}

/// INT96: 8 bytes nanoseconds of the day, then 4 bytes Julian day, little-endian; to microseconds since
/// 1970-01-01 (rounding toward negative infinity).
struct Int96Converter: BytesConverter {
    func convert(_ start: UnsafeRawPointer, _ length: Int) throws(SluiceError) -> Int64 {
        guard length == 12 else { throw ParquetError.corrupt("INT96 value of \(length) bytes") }
        let nanos = Int64(bitPattern: UInt64(littleEndian: start.loadUnaligned(as: UInt64.self)))
        let julian = Int64(Int32(bitPattern: UInt32(littleEndian: start.loadUnaligned(fromByteOffset: 8, as: UInt32.self))))
        // Floor division that cannot overflow (a corrupt file may hold any 64-bit pattern here).
        let (quotient, remainder) = nanos.quotientAndRemainder(dividingBy: 1000)
        let micros = remainder < 0 ? quotient - 1 : quotient
        let (dayMicros, overflow) = (julian - 2_440_588).multipliedReportingOverflow(by: CivilTime.microsecondsPerDay)
        let (result, overflow2) = dayMicros.addingReportingOverflow(micros)
        guard !overflow, !overflow2 else {
            throw ParquetError.corrupt("INT96 timestamp (Julian day \(julian)) is out of range")
        }
        return result
    }
}

/// IEEE 754 half precision (FLOAT16 on FIXED_LEN_BYTE_ARRAY(2), little-endian) to Float.
struct Float16Converter: BytesConverter {
    func convert(_ start: UnsafeRawPointer, _ length: Int) throws(SluiceError) -> Float {
        guard length == 2 else { throw ParquetError.corrupt("FLOAT16 value of \(length) bytes") }
        let bits = UInt16(start.load(as: UInt8.self)) | UInt16(start.load(fromByteOffset: 1, as: UInt8.self)) << 8
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int(bits >> 10 & 0x1F)
        let fraction = Float(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

/// 16 raw bytes (UUID) kept as they are.
struct UUIDConverter: BytesConverter {
    func convert(_ start: UnsafeRawPointer, _ length: Int) throws(SluiceError) -> SIMD16<UInt8> {
        guard length == 16 else { throw ParquetError.corrupt("UUID value of \(length) bytes") }
        return start.loadUnaligned(as: SIMD16<UInt8>.self)
    }
}
