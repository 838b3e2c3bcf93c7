import SluiceCore

/// The string functions, row by row into one ``BytesBuilder`` (no allocation per row on ASCII text).
///
/// Characters are Unicode scalars (code points), as PostgreSQL counts them in a UTF-8 database. Case mapping is
/// Unicode's default full mapping, independent of any locale: `upper('ß')` is `'SS'`, `lower('ẞ')` is `'ß'`,
/// `lower('İ')` is `'i̇'` (i followed by U+0307); ASCII text takes a byte-wise fast path.
enum StringKernels {
    /// Calls `body` for each slot valid in `validity`, appending an empty value for the others.
    @inline(__always)
    static func each(_ text: BytesOperand, count: Int, validity: [Bool]?, byteCapacity: Int,
                     _ body: (Int, UnsafeRawBufferPointer, inout BytesBuilder) -> Void) -> Column {
        var builder = BytesBuilder(capacity: count, byteCapacity: byteCapacity)
        text.withStorage { bytes, offsets in
            for slot in 0..<count {
                if let validity, !validity[slot] {
                    builder.appendEmpty()
                } else {
                    body(slot, bytes.value(slot, stride: text.stride, offsets: offsets), &builder)
                }
            }
        }
        return Column(values: .bytes(builder.finish()), validity: validity)
    }

    static func changeCase(_ text: BytesOperand, upper: Bool, count: Int, validity: [Bool]?) -> Column {
        // ASCII letters of the whole storage mapped in one pass (bytes of other characters are never in A-Z or a-z).
        var mapped = text.arrays.bytes
        let (low, high): (UInt8, UInt8) = upper ? (0x61, 0x7A) : (0x41, 0x5A)
        mapped.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices where buffer[index] >= low && buffer[index] <= high { buffer[index] ^= 0x20 }
        }
        if text.stride == 1, text.arrays.bytes.withUnsafeBytes({ isASCII($0) }) {
            let column = Column(values: .bytes(ByteArrays(offsets: text.arrays.offsets, bytes: mapped)), validity: validity)
            return validity == nil ? column : blankInvalid(column, validity!)
        }
        // Rows with other characters: scalar by scalar, as String.lowercased() and uppercased() map (no context
        // rules such as the final sigma).
        var builder = BytesBuilder(capacity: count, byteCapacity: mapped.count)
        mapped.withUnsafeBytes { mappedBytes in
            text.withStorage { bytes, offsets in
                for slot in 0..<count {
                    if let validity, !validity[slot] {
                        builder.appendEmpty()
                        continue
                    }
                    let index = slot &* text.stride
                    let range = offsets[index]..<offsets[index + 1]
                    let original = UnsafeRawBufferPointer(rebasing: bytes[range])
                    if isASCII(original) {
                        builder.append(UnsafeRawBufferPointer(rebasing: mappedBytes[range]))
                        continue
                    }
                    for scalar in String(decoding: original, as: UTF8.self).unicodeScalars {
                        if scalar.isASCII {
                            let byte = UInt8(scalar.value)
                            builder.appendByte(byte >= low && byte <= high ? byte ^ 0x20 : byte)
                        } else {
                            var mappedScalar = upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping
                            mappedScalar.withUTF8 { builder.appendPart(UnsafeRawBufferPointer($0)) }
                        }
                    }
                    builder.endValue()
                }
            }
        }
        return Column(values: .bytes(builder.finish()), validity: validity)
    }

    static func trim(_ text: BytesOperand, leading: Bool, trailing: Bool, characters: Set<Unicode.Scalar>, count: Int,
                     validity: [Bool]?) -> Column {
        let spacesOnly = characters == [" "]
        return each(text, count: count, validity: validity, byteCapacity: text.arrays.bytes.count) { _, value, builder in
            if spacesOnly {
                var start = 0, end = value.count
                if leading { while start < end && value[start] == UInt8(ascii: " ") { start += 1 } }
                if trailing { while end > start && value[end - 1] == UInt8(ascii: " ") { end -= 1 } }
                builder.append(UnsafeRawBufferPointer(rebasing: value[start..<end]))
            } else {
                let scalars = String(decoding: value, as: UTF8.self).unicodeScalars
                var start = scalars.startIndex, end = scalars.endIndex
                if leading { while start < end && characters.contains(scalars[start]) { start = scalars.index(after: start) } }
                if trailing {
                    while end > start && characters.contains(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
                }
                builder.append(String(scalars[start..<end]).utf8)
            }
        }
    }

    /// `substring(s, start [, length])` on characters, 1-based; positions before 1 or past the end are clipped,
    /// as in PostgreSQL (`substring('hello', 0, 3)` is `'he'`). A negative length is an error.
    static func substring(_ text: BytesOperand, start: Operand<Int64>, length: Operand<Int64>?, count: Int,
                          validity: [Bool]?) throws(SlotFailure) -> Column {
        if let length {
            for slot in 0..<count where (validity?[slot] ?? true) && length[slot] < 0 {
                throw SlotFailure(slot: slot, reason: "negative substring length \(length[slot])")
            }
        }
        return each(text, count: count, validity: validity, byteCapacity: text.arrays.bytes.count) { slot, value, builder in
            let first = start[slot]
            // Characters first...<last (1-based, last exclusive), clipped to the string.
            let (last, overflow) = length.map { first.addingReportingOverflow($0[slot]) } ?? (.max, false)
            let from = max(first, 1)
            let to = overflow ? Int64.max : last
            guard to > from else { return builder.appendEmpty() }
            if isASCII(value) {
                let lower = Int(min(from - 1, Int64(value.count)))
                let upper = Int(min(to - 1, Int64(value.count)))
                builder.append(UnsafeRawBufferPointer(rebasing: value[lower..<upper]))
                return
            }
            var character: Int64 = 1
            var index = 0
            var lower = value.count, upper = value.count
            while index < value.count {
                if character == from { lower = index }
                if character == to { upper = index; break }
                index = LikePattern.nextScalar(value, after: index)
                character += 1
            }
            builder.append(UnsafeRawBufferPointer(rebasing: value[min(lower, upper)..<upper]))
        }
    }

    /// Characters (Unicode scalars) of a string, or bytes of a binary.
    static func length(_ text: BytesOperand, characters: Bool, count: Int, validity: [Bool]?) -> Column {
        var lengths = [Int32](repeating: 0, count: count)
        text.withStorage { bytes, offsets in
            for slot in 0..<count where validity?[slot] ?? true {
                let value = bytes.value(slot, stride: text.stride, offsets: offsets)
                var total = value.count
                if characters { for byte in value where byte & 0xC0 == 0x80 { total -= 1 } }
                lengths[slot] = Int32(truncatingIfNeeded: total)
            }
        }
        return Column(values: .int32(lengths), validity: validity)
    }

    /// Every occurrence of `from` replaced by `to`; an empty `from` changes nothing.
    static func replace(_ text: BytesOperand, _ from: BytesOperand, _ to: BytesOperand, count: Int, validity: [Bool]?) -> Column {
        var builder = BytesBuilder(capacity: count, byteCapacity: text.arrays.bytes.count)
        text.withStorage { bytes, offsets in
            from.withStorage { fromBytes, fromOffsets in
                to.withStorage { toBytes, toOffsets in
                    for slot in 0..<count {
                        if let validity, !validity[slot] {
                            builder.appendEmpty()
                            continue
                        }
                        let value = bytes.value(slot, stride: text.stride, offsets: offsets)
                        let needle = fromBytes.value(slot, stride: from.stride, offsets: fromOffsets)
                        let replacement = toBytes.value(slot, stride: to.stride, offsets: toOffsets)
                        var position = 0
                        while !needle.isEmpty, let found = LikePattern.find(needle, in: value, from: position) {
                            builder.appendPart(UnsafeRawBufferPointer(rebasing: value[position..<found]))
                            builder.appendPart(replacement)
                            position = found + needle.count
                        }
                        builder.appendPart(UnsafeRawBufferPointer(rebasing: value[position...]))
                        builder.endValue()
                    }
                }
            }
        }
        return Column(values: .bytes(builder.finish()), validity: validity)
    }

    static func regexpReplace(_ text: BytesOperand, _ replacement: RegexReplacement, count: Int, validity: [Bool]?) -> Column {
        each(text, count: count, validity: validity, byteCapacity: text.arrays.bytes.count) { _, value, builder in
            builder.append(replacement.replace(in: String(decoding: value, as: UTF8.self)).utf8)
        }
    }

    /// `column` with the values of NULL rows emptied (masked-out rows of a whole-column operation).
    static func blankInvalid(_ column: Column, _ validity: [Bool]) -> Column {
        guard validity.contains(false), case .bytes(let arrays) = column.values else { return column }
        var builder = BytesBuilder(capacity: arrays.count, byteCapacity: arrays.bytes.count)
        arrays.bytes.withUnsafeBytes { bytes in
            for row in 0..<arrays.count {
                if validity[row] {
                    builder.append(UnsafeRawBufferPointer(rebasing: bytes[arrays.offsets[row]..<arrays.offsets[row + 1]]))
                } else {
                    builder.appendEmpty()
                }
            }
        }
        return Column(values: .bytes(builder.finish()), validity: validity)
    }

    @inline(__always)
    static func isASCII(_ value: UnsafeRawBufferPointer) -> Bool {
        var combined: UInt8 = 0
        for byte in value { combined |= byte }
        return combined < 0x80
    }
}
