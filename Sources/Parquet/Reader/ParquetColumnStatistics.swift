public import SluiceCore

/// Statistics of one column chunk, decoded into Sluice values of the column's type.
public struct ParquetColumnStatistics: Sendable, Hashable {
    /// Smallest non-NULL value, nil if unknown (no statistics, only NaN, or an order Sluice cannot trust).
    public var min: Value?
    public var max: Value?
    public var nullCount: Int?
    public var distinctCount: Int?
}

extension ParquetColumnStatistics {
    /// Decodes `statistics` of a column described by `descriptor`. `typeOrder` says whether the file
    /// declared TYPE_ORDER for the column (then `min_value`/`max_value` follow the logical type's order).
    ///
    /// The deprecated `min`/`max` fields are used only when the new ones are absent and the column's order is
    /// signed (parquet-mr wrote them with signed comparisons, which are wrong for strings and unsigned types).
    /// A NaN min or max is ignored, as parquet.thrift tells readers to: parquet-mr (Spark) writes NaN as the max
    /// of a float/double chunk that holds one.
    init(_ statistics: ParquetStatistics, descriptor: ParquetColumnDescriptor) {
        nullCount = statistics.nullCount.map { Int($0) }
        distinctCount = statistics.distinctCount.map { Int($0) }
        var minBytes = statistics.minValue, maxBytes = statistics.maxValue
        if minBytes == nil && maxBytes == nil && Self.hasSignedOrder(descriptor) {
            minBytes = statistics.min
            maxBytes = statistics.max
        }
        guard Self.isOrdered(descriptor) else { return }
        if let minBytes { min = Self.decode(minBytes, descriptor) }
        if let maxBytes { max = Self.decode(maxBytes, descriptor) }
        if min == nil || max == nil || Self.isNaN(min) || Self.isNaN(max) { min = nil; max = nil }
    }

    private static func isNaN(_ value: Value?) -> Bool {
        switch value {
        case .float(let v): v.isNaN
        case .double(let v): v.isNaN
        default: false
        }
    }

    /// Whether min/max statistics of this column mean anything (INT96 and unannotated FLBA have no order).
    static func isOrdered(_ descriptor: ParquetColumnDescriptor) -> Bool {
        switch descriptor.conversion {
        case .int96ToTimestamp: false
        case .fixedToBytes: descriptor.logicalType != nil
        default: true
        }
    }

    private static func hasSignedOrder(_ descriptor: ParquetColumnDescriptor) -> Bool {
        switch descriptor.dataType {
        case .uint8, .uint16, .uint32, .uint64, .string, .json, .binary, .uuid: false
        case .decimal: descriptor.physicalType == .int32 || descriptor.physicalType == .int64
        default: descriptor.physicalType != .int96 && descriptor.physicalType != .fixedLenByteArray
        }
    }

    /// The Sluice value of PLAIN-encoded statistics bytes (no length prefix), nil if malformed.
    static func decode(_ bytes: [UInt8], _ descriptor: ParquetColumnDescriptor) -> Value? {
        func le<T: FixedWidthInteger>(_ type: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        let type = descriptor.dataType
        switch (descriptor.physicalType, descriptor.conversion) {
        case (.boolean, _): return bytes.count == 1 ? .boolean(bytes[0] != 0) : nil
        case (.int32, .identity): return le(Int32.self).map { .int(Int64($0)) }
        case (.int32, .uint32ToInt64): return le(UInt32.self).map { .int(Int64($0)) }
        case (.int32, .int32ToInt64(let factor)): return le(Int32.self).map { .int(Int64($0) * factor) }
        case (.int32, .intToDecimal): return le(Int32.self).map { .decimal(Int128($0), scale: type.decimalScale) }
        case (.int64, .identity): return le(Int64.self).map { .int($0) }
        case (.int64, .int64Multiply(let factor)):
            return le(Int64.self).flatMap { v in v.multipliedReportingOverflow(by: factor).overflow ? nil : .int(v * factor) }
        case (.int64, .int64FloorDivide(let divisor)):
            return le(Int64.self).map { .int(Int64FloorDivideConverter(divisor: divisor)($0)) }
        case (.int64, .intToDecimal): return le(Int64.self).map { .decimal(Int128($0), scale: type.decimalScale) }
        case (.float, _): return le(UInt32.self).map { .float(Float(bitPattern: $0)) }
        case (.double, _): return le(UInt64.self).map { .double(Double(bitPattern: $0)) }
        case (_, .bytesToDecimal):
            let limit = DecimalText.powerOfTen(DataType.maxDecimalPrecision)
            return bytes.withUnsafeBytes { raw -> Value? in
                guard let base = raw.baseAddress,
                      let value = try? DecimalBytesConverter(limit: limit).convert(base, raw.count) else { return nil }
                return .decimal(value, scale: type.decimalScale)
            }
        case (.fixedLenByteArray, .float16ToFloat):
            return bytes.withUnsafeBytes { raw -> Value? in
                guard let base = raw.baseAddress, let value = try? Float16Converter().convert(base, raw.count) else { return nil }
                return .float(value)
            }
        case (.byteArray, _), (.fixedLenByteArray, _):
            switch type {
            case .string, .json: return .string(String(decoding: bytes, as: UTF8.self))
            default: return .bytes(bytes)
            }
        default: return nil
        }
    }
}

extension ParquetFileReader {
    /// Decoded statistics of column `column` in row group `rowGroup`, nil if the chunk has none.
    public func statistics(rowGroup: Int, column: String) -> ParquetColumnStatistics? {
        guard rowGroup >= 0, rowGroup < rowGroupCount,
              let position = fileSchema.columns.firstIndex(where: { $0.name == column }),
              fileSchema.columns[position].nested == nil else { return nil }
        let chunk = metadata.rowGroups[rowGroup].columns[fileSchema.chunkIndices[position]]
        guard let raw = chunk.metaData?.statistics else { return nil }
        return ParquetColumnStatistics(raw, descriptor: fileSchema.columns[position])
    }
}
