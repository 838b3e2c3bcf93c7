/// How the physical values of a column become Sluice values (see ``ParquetColumnDescriptor``).
enum ParquetValueConversion: Sendable, Hashable {
    /// Stored as is: INT32 -> .int32, INT64 -> .int64, FLOAT, DOUBLE, BOOLEAN, BYTE_ARRAY -> .bytes,
    /// FIXED_LEN_BYTE_ARRAY(16) UUID -> .fixedBytes(16).
    case identity
    /// INT32 holding an unsigned 32-bit value -> .int64 (zero-extended).
    case uint32ToInt64
    /// INT32 -> .int64 multiplied by `factor` (TIME(MILLIS) -> microseconds).
    case int32ToInt64(factor: Int64)
    /// INT64 -> .int64 multiplied by `factor` (TIMESTAMP(MILLIS) -> microseconds).
    case int64Multiply(factor: Int64)
    /// INT64 -> .int64 divided by `divisor`, rounding toward negative infinity (NANOS -> microseconds).
    case int64FloorDivide(divisor: Int64)
    /// INT32 / INT64 unscaled decimal -> .int128.
    case intToDecimal
    /// BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY big-endian two's complement unscaled decimal -> .int128.
    case bytesToDecimal
    /// INT96 (nanoseconds of day, Julian day) -> .int64 microseconds since the epoch.
    case int96ToTimestamp
    /// FIXED_LEN_BYTE_ARRAY(2) IEEE half float -> .float32.
    case float16ToFloat
    /// FIXED_LEN_BYTE_ARRAY of any width -> .bytes.
    case fixedToBytes
}
