import SluiceCore

/// The conversions of `CAST(x AS type)` and of the implicit widenings the checker inserts.
///
/// Rules (as PostgreSQL in a UTC session, except where noted): integers are range-checked; a decimal or float
/// becomes an integer rounded (decimals half away from zero, floats half to even) and range-checked; decimals are
/// rescaled with rounding half away from zero and must fit their precision; floats become decimals through their
/// shortest text; text is parsed strictly (see ``TextConversion``); dates become midnight; timestamps become the
/// date they fall on; `timestamp` and `timestamptz` convert in UTC; anything becomes text.
enum CastKernels {
    /// Whether `CAST(x AS to)` is defined for `x` of type `from`.
    static func supports(from: DataType, to: DataType) -> Bool {
        if from == to || to == .string { return true }
        let numeric = TypeRules.isNumeric(from)
        switch to {
        case _ where TypeRules.isInteger(to): return numeric || from == .boolean || from == .string
        case .decimal, .float32, .float64: return numeric || from == .string
        case .boolean: return TypeRules.isInteger(from) || from == .string
        case .json, .binary, .uuid, .time: return from == .string || (to == .time && TypeRules.isTimestamp(from))
        case .date, .timestamp, .timestampTZ: return from == .string || from == .date || TypeRules.isTimestamp(from)
        default: return false
        }
    }

    /// `vector` (of type `from`) as type `to`, computing `count` slots; only the slots in `active` (nil: all) are
    /// converted, the others become NULL.
    static func cast(_ vector: Vector, from: DataType, to: DataType, count: Int, active: [Bool]?) throws(SlotFailure) -> Column {
        if vector.isNullConstant { return Vector.null(to).column }
        if from == to { return vector.column }
        if to == .string { return try TextCasts.format(vector, type: from, count: count, active: active) }
        if from == .string { return try TextCasts.parse(vector, as: to, count: count, active: active) }
        switch (from, to) {
        case _ where TypeRules.isInteger(from) && (TypeRules.isInteger(to) || TypeRules.isDecimal(to) || TypeRules.isFloat(to)
                                                    || to == .boolean):
            return try fromInteger(vector, from: from, to: to, count: count, active: active)
        case (.boolean, _):
            let output = Kernels.map(Operand<Bool>(vector), count: count, validity: active) { x -> Int128? in x ? 1 : 0 }
            return try integers(output, from: from, to: to)
        case (.decimal(_, let scale), _):
            return try fromDecimal(Operand<Int128>(vector), scale: scale, to: to, count: count, active: active)
        case (.float32, .float64):
            return Kernels.column(Kernels.map(Operand<Float>(vector), count: count, validity: active) { Double($0) })
        case (.float32, _), (.float64, _):
            let operand = from == .float32
                ? Operand<Double>(Vector(column: try cast(vector, from: .float32, to: .float64, count: count, active: active),
                                         isConstant: vector.isConstant))
                : Operand<Double>(vector)
            return try fromFloat(operand, to: to, count: count, active: active)
        case (.date, _):
            let output = Kernels.map(Operand<Int32>(vector), count: count, validity: active) { days -> Int64? in
                let (micros, overflow) = Int64(days).multipliedReportingOverflow(by: CivilTime.microsecondsPerDay)
                return overflow ? nil : micros
            }
            return try column(output) { slot in "\(describe(vector, slot, .date)) is out of range for \(to)" }
        case (.timestamp, .date), (.timestampTZ, .date):
            let output = Kernels.map(Operand<Int64>(vector), count: count, validity: active) { micros -> Int32? in
                Int32(exactly: CivilTime.floorDivide(micros, CivilTime.microsecondsPerDay).quotient)
            }
            return Kernels.column(output)
        case (.timestamp, .time), (.timestampTZ, .time):
            let output = Kernels.map(Operand<Int64>(vector), count: count, validity: active) { micros -> Int64? in
                CivilTime.floorDivide(micros, CivilTime.microsecondsPerDay).remainder
            }
            return Kernels.column(output)
        case (.timestamp, .timestampTZ), (.timestampTZ, .timestamp):
            return vector.column
        default:
            preconditionFailure("unsupported cast from \(from) to \(to)")
        }
    }

    /// The inclusive range of an integer type, as `Int128`.
    static func range(of type: DataType) -> ClosedRange<Int128> {
        switch type {
        case .int8: -128...127
        case .int16: -32_768...32_767
        case .int32: Int128(Int32.min)...Int128(Int32.max)
        case .int64: Int128(Int64.min)...Int128(Int64.max)
        case .uint8: 0...255
        case .uint16: 0...65_535
        case .uint32: 0...Int128(UInt32.max)
        default: 0...Int128(UInt64.max)
        }
    }

    private static func fromInteger(_ vector: Vector, from: DataType, to: DataType, count: Int,
                                    active: [Bool]?) throws(SlotFailure) -> Column {
        // Same storage and a range that contains the source's: nothing to do.
        if TypeRules.isInteger(to), from != .uint64, to.storage == from.storage, range(of: to).contains(range(of: from)) {
            return vector.column
        }
        if from.storage == .int32 && to.storage == .int64 && to != .uint64 && range(of: to).contains(range(of: from)) {
            return Kernels.column(Kernels.map(Operand<Int32>(vector), count: count, validity: active) { Int64($0) })
        }
        let output: Kernels.Output<Int128>
        if from.storage == .int32 {
            output = Kernels.map(Operand<Int32>(vector), count: count, validity: active) { Int128($0) }
        } else if from == .uint64 {
            output = Kernels.map(Operand<Int64>(vector), count: count, validity: active) { Int128(UInt64(bitPattern: $0)) }
        } else {
            output = Kernels.map(Operand<Int64>(vector), count: count, validity: active) { Int128($0) }
        }
        return try integers(output, from: from, to: to)
    }

    /// Exact integers (as `Int128`) into an integer, decimal, float or boolean column.
    private static func integers(_ output: Kernels.Output<Int128>, from: DataType, to: DataType) throws(SlotFailure) -> Column {
        guard case .values(let values, let validity) = output else { preconditionFailure("widening to Int128 cannot fail") }
        let wide = Operand<Int128>(Vector(column: Column(values: .int128(values), validity: validity), isConstant: false))
        let count = values.count
        switch to {
        case .decimal(let precision, let scale):
            let multiplier = DecimalMath.power(scale)
            let limit = DecimalMath.power(precision).magnitude
            let converted = Kernels.map(wide, count: count, validity: validity) { x -> Int128? in
                let (r, o) = x.multipliedReportingOverflow(by: multiplier)
                return !o && r.magnitude < limit ? r : nil
            }
            return try column(converted) { slot in "\(values[slot]) is out of range for \(to)" }
        case .float32:
            return Kernels.column(Kernels.map(wide, count: count, validity: validity) { Float($0) })
        case .float64:
            return Kernels.column(Kernels.map(wide, count: count, validity: validity) { Double($0) })
        case .boolean:
            return Kernels.column(Kernels.map(wide, count: count, validity: validity) { $0 != 0 })
        default:
            return try narrowIntegers(wide, count: count, validity: validity, to: to) { slot in "\(values[slot]) is out of range for \(to)" }
        }
    }

    /// Exact integers into `to`'s storage, range-checked.
    static func narrowIntegers(_ wide: Operand<Int128>, count: Int, validity: [Bool]?, to: DataType,
                               reason: (Int) -> String) throws(SlotFailure) -> Column {
        let bounds = range(of: to)
        switch to.storage {
        case .int32:
            return try column(Kernels.map(wide, count: count, validity: validity) { x -> Int32? in
                bounds.contains(x) ? Int32(truncatingIfNeeded: x) : nil
            }, reason)
        default:
            return try column(Kernels.map(wide, count: count, validity: validity) { x -> Int64? in
                bounds.contains(x) ? Int64(truncatingIfNeeded: x) : nil
            }, reason)
        }
    }

    private static func fromDecimal(_ operand: Operand<Int128>, scale: Int, to: DataType, count: Int,
                                    active: [Bool]?) throws(SlotFailure) -> Column {
        let text = { (slot: Int) in DecimalText.format(unscaled: operand[slot], scale: scale) }
        switch to {
        case .decimal(let precision, let targetScale):
            let output = Kernels.map(operand, count: count, validity: active) { x -> Int128? in
                guard let r = DecimalMath.rescale(x, from: scale, to: targetScale), DecimalMath.fits(r, precision: precision)
                else { return nil }
                return r
            }
            return try column(output) { slot in "\(text(slot)) is out of range for \(to)" }
        case .float64:
            return Kernels.column(Kernels.map(operand, count: count, validity: active) { x in decimalToDouble(x, scale: scale) })
        case .float32:
            return try column(Kernels.map(operand, count: count, validity: active) { x -> Float? in
                let double = decimalToDouble(x, scale: scale)
                let float = Float(double)
                return float.isInfinite ? nil : float
            }) { slot in "\(text(slot)) is out of range for float32" }
        default:
            // An integer type: round half away from zero, then check the range.
            guard case .values(let rounded, let validity) = Kernels.map(operand, count: count, validity: active, { x -> Int128? in
                DecimalMath.scaleDown(x, by: scale)
            }) else { preconditionFailure("rounding cannot fail") }
            let wide = Operand<Int128>(Vector(column: Column(values: .int128(rounded), validity: validity), isConstant: false))
            return try narrowIntegers(wide, count: count, validity: validity, to: to) { slot in "\(text(slot)) is out of range for \(to)" }
        }
    }

    /// The double nearest to `unscaled / 10^scale`: exact operands and one correctly rounded division when both
    /// fit a double exactly, otherwise the correctly rounded reading of the decimal text.
    static func decimalToDouble(_ unscaled: Int128, scale: Int) -> Double {
        if unscaled.magnitude <= 1 << 53 && scale <= 22 {
            return Double(unscaled) / exactPowersOfTen[scale]
        }
        return Double(DecimalText.format(unscaled: unscaled, scale: scale))!
    }

    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    private static func fromFloat(_ operand: Operand<Double>, to: DataType, count: Int, active: [Bool]?) throws(SlotFailure) -> Column {
        let text = { (slot: Int) in TextConversion.format(float: operand[slot]) }
        switch to {
        case .float32:
            return try column(Kernels.map(operand, count: count, validity: active) { x -> Float? in
                let float = Float(x)
                return float.isInfinite && x.isFinite ? nil : float
            }) { slot in "\(text(slot)) is out of range for float32" }
        case .decimal(let precision, let scale):
            let output = Kernels.map(operand, count: count, validity: active) { x -> Int128? in
                guard x.isFinite else { return nil }
                var description = x.description
                return description.withUTF8 { utf8 in
                    if case .value(let v) = TextConversion.parseDecimal(UnsafeRawBufferPointer(utf8), precision: precision, scale: scale) {
                        return v
                    }
                    return nil
                }
            }
            return try column(output) { slot in "\(text(slot)) is out of range for \(to)" }
        default:
            let output = Kernels.map(operand, count: count, validity: active) { x -> Int128? in
                let rounded = x.rounded(.toNearestOrEven)
                guard rounded.isFinite, rounded >= -0x1p127, rounded < 0x1p127 else { return nil }
                return Int128(rounded)
            }
            guard case .values(let values, let validity) = output else {
                if case .failed(let slot) = output { throw SlotFailure(slot: slot, reason: "\(text(slot)) is out of range for \(to)") }
                preconditionFailure()
            }
            let wide = Operand<Int128>(Vector(column: Column(values: .int128(values), validity: validity), isConstant: false))
            return try narrowIntegers(wide, count: count, validity: validity, to: to) { slot in "\(text(slot)) is out of range for \(to)" }
        }
    }

    /// A kernel's output as a column, or the failure `reason` describes.
    static func column<R: StorageElement>(_ output: Kernels.Output<R>, _ reason: (Int) -> String) throws(SlotFailure) -> Column {
        switch output {
        case .values(let values, let validity): return Column(values: R.values(values), validity: validity)
        case .failed(let slot): throw SlotFailure(slot: slot, reason: reason(slot))
        }
    }

    static func describe(_ vector: Vector, _ slot: Int, _ type: DataType) -> String {
        Value(of: vector.column, type: type, at: vector.isConstant ? 0 : slot).text(as: type) ?? "NULL"
    }
}
