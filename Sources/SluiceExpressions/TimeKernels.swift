import SluiceCore

/// `date_trunc`, `extract`, `to_date`, `to_timestamp`: calendar arithmetic on days and microseconds
/// (``CalendarMath``), in UTC for `timestamptz`.
enum TimeKernels {
    /// Microseconds of every slot of a date (days), timestamp or timestamptz vector.
    private static func microseconds(_ vector: Vector, type: DataType, count: Int,
                                     validity: [Bool]?) throws(SlotFailure) -> Operand<Int64> {
        guard type == .date else { return Operand<Int64>(vector) }
        let days = Operand<Int32>(vector)
        let output = Kernels.map(days, count: count, validity: validity) { day -> Int64? in
            let (micros, overflow) = Int64(day).multipliedReportingOverflow(by: CivilTime.microsecondsPerDay)
            return overflow ? nil : micros
        }
        let column = try CastKernels.column(output) { slot in
            "date \(CivilTime.formatDate(days: Int64(days[slot]))) is out of range for a timestamp"
        }
        return Operand<Int64>(Vector(column: column, isConstant: false))
    }

    static func truncate(_ vector: Vector, type: DataType, to unit: DateTruncation, count: Int,
                         validity: [Bool]?) throws(SlotFailure) -> Column {
        let micros = try microseconds(vector, type: type, count: count, validity: validity)
        let output = Kernels.map(micros, count: count, validity: validity) { CalendarMath.truncate($0, to: unit) }
        return try CastKernels.column(output) { slot in
            "the \(unit.rawValue) of \(TextConversion.formatTimestamp(microseconds: micros[slot], zoned: false)) starts before the "
                + "earliest timestamp"
        }
    }

    /// year ... doy as int32; `second` as decimal(8,6) with the fraction; `epoch` as decimal(21,6) seconds.
    static func extract(_ field: DateField, from vector: Vector, type: DataType, count: Int, validity: [Bool]?) -> Column {
        let output: Kernels.Output<Int32>
        switch (field, type) {
        case (.second, _):
            let micros = Operand<Int64>(vector)
            let seconds = Kernels.map(micros, count: count, validity: validity) { value -> Int128? in
                Int128(CivilTime.floorDivide(value, 60_000_000).remainder)
            }
            return Kernels.column(seconds)
        case (.epoch, .date):
            let seconds = Kernels.map(Operand<Int32>(vector), count: count, validity: validity) { days -> Int128? in
                Int128(days) * Int128(CivilTime.microsecondsPerDay)
            }
            return Kernels.column(seconds)
        case (.epoch, _):
            return Kernels.column(Kernels.map(Operand<Int64>(vector), count: count, validity: validity) { Int128($0) })
        case (_, .date):
            output = Kernels.map(Operand<Int32>(vector), count: count, validity: validity) { days in
                Int32(truncatingIfNeeded: CalendarMath.integerField(field, ofDays: Int64(days)))
            }
        case (_, .time):
            output = Kernels.map(Operand<Int64>(vector), count: count, validity: validity) { micros in
                Int32(truncatingIfNeeded: field == .hour ? micros / 3_600_000_000 : micros / 60_000_000 % 60)
            }
        default:
            output = Kernels.map(Operand<Int64>(vector), count: count, validity: validity) { micros in
                Int32(truncatingIfNeeded: CalendarMath.integerField(field, ofMicroseconds: micros))
            }
        }
        return Kernels.column(output)
    }

    /// `to_date` / `to_timestamp` on text: ISO 8601 without a format (`CivilTime`), else the format's fields.
    static func parse(_ text: BytesOperand, format: DateTimeFormat?, date: Bool, count: Int,
                      validity: [Bool]?) throws(SlotFailure) -> Column {
        var days: [Int32] = []
        var micros: [Int64] = []
        if date { days.reserveCapacity(count) } else { micros.reserveCapacity(count) }
        var failure: SlotFailure?
        text.withStorage { bytes, offsets in
            for slot in 0..<count {
                if let validity, !validity[slot] {
                    if date { days.append(0) } else { micros.append(0) }
                    continue
                }
                let value = bytes.value(slot, stride: text.stride, offsets: offsets)
                var parsed: Int64?
                if let format {
                    parsed = format.parse(value)
                    if date, let timestamp = parsed { parsed = CivilTime.floorDivide(timestamp, CivilTime.microsecondsPerDay).quotient }
                } else if date {
                    parsed = ISOTime.parseDate(String(decoding: value, as: UTF8.self)[...])
                } else {
                    parsed = ISOTime.parseTimestamp(String(decoding: value, as: UTF8.self)[...])?.microseconds
                }
                guard let parsed, !date || Int32(exactly: parsed) != nil else {
                    let shown = String(decoding: value.prefix(60), as: UTF8.self)
                    let expected = format.map { "'\($0.text)'" } ?? (date ? "YYYY-MM-DD" : "an ISO 8601 timestamp")
                    failure = SlotFailure(slot: slot, reason: "'\(shown)' is not a valid \(date ? "date" : "timestamp") (expected \(expected))")
                    return
                }
                if date { days.append(Int32(parsed)) } else { micros.append(parsed) }
            }
        }
        if let failure { throw failure }
        return Column(values: date ? .int32(days) : .int64(micros), validity: validity)
    }

    /// `to_timestamp(seconds)`: seconds since the epoch (a decimal at `scale`) rounded to microseconds.
    static func fromEpoch(_ seconds: Operand<Int128>, scale: Int, count: Int, validity: [Bool]?) throws(SlotFailure) -> Column {
        let output = Kernels.map(seconds, count: count, validity: validity) { value -> Int64? in
            DecimalMath.rescale(value, from: scale, to: 6).flatMap { Int64(exactly: $0) }
        }
        return try CastKernels.column(output) { slot in
            "\(DecimalText.format(unscaled: seconds[slot], scale: scale)) seconds is out of range for a timestamp"
        }
    }
}
