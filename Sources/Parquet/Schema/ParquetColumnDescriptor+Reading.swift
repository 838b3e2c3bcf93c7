import SluiceCore

extension ParquetColumnDescriptor {
    /// Describes a leaf column read from a file, choosing the Sluice type from the logical type, else the
    /// converted type, else the physical type. Throws `parquetUnsupported` for what Sluice cannot hold
    /// (decimals over 38 digits) and `parquetCorrupt` for impossible annotations.
    init(reading element: ParquetSchemaElement) throws(SluiceError) {
        let name = element.name
        guard let physical = element.type else {
            throw ParquetError.corrupt("column has no physical type", column: name)
        }
        let repetition = element.repetition ?? .required
        var typeLength = 0
        if physical == .fixedLenByteArray {
            guard let length = element.typeLength, length > 0, length <= 1 << 24 else {
                throw ParquetError.corrupt("FIXED_LEN_BYTE_ARRAY column has invalid type_length \(element.typeLength.map(String.init) ?? "(missing)")",
                                           column: name)
            }
            typeLength = Int(length)
        }
        var logical = element.logicalType
        if case .unrecognized = logical { logical = nil }
        let (dataType, conversion) = try Self.mapping(physical: physical, typeLength: typeLength, logical: logical,
                                                      converted: element.convertedType, element: element)
        self.init(name: name, physicalType: physical, typeLength: typeLength, repetition: repetition,
                  logicalType: element.logicalType, convertedType: element.convertedType, dataType: dataType,
                  conversion: conversion)
    }

    private static func mapping(physical: ParquetPhysicalType, typeLength: Int, logical: ParquetLogicalType?,
                                converted: ParquetConvertedType?, element: ParquetSchemaElement)
        throws(SluiceError) -> (DataType, ParquetValueConversion) {
        // A decimal annotation, from either field.
        var decimal: (precision: Int, scale: Int)?
        if case .decimal(let p, let s) = logical {
            decimal = (p, s)
        } else if logical == nil, converted == .decimal {
            decimal = (Int(element.precision ?? 0), Int(element.scale ?? 0))
        }
        if let decimal {
            guard decimal.precision >= 1, decimal.scale >= 0, decimal.scale <= decimal.precision else {
                throw ParquetError.corrupt("invalid DECIMAL(\(decimal.precision),\(decimal.scale))", column: element.name)
            }
            guard decimal.precision <= DataType.maxDecimalPrecision else {
                throw ParquetError.unsupported("DECIMAL(\(decimal.precision),\(decimal.scale)) has more than 38 digits",
                                               column: element.name)
            }
            let type = DataType.decimal(precision: decimal.precision, scale: decimal.scale)
            switch physical {
            case .int32, .int64: return (type, .intToDecimal)
            case .byteArray, .fixedLenByteArray: return (type, .bytesToDecimal)
            default:
                throw ParquetError.corrupt("DECIMAL annotation on a \(physical) column", column: element.name)
            }
        }
        switch physical {
        case .boolean: return (.boolean, .identity)
        case .float: return (.float32, .identity)
        case .double: return (.float64, .identity)
        case .int96: return (.timestamp, .int96ToTimestamp)
        case .int32: return int32Mapping(logical: logical, converted: converted)
        case .int64: return int64Mapping(logical: logical, converted: converted)
        case .byteArray:
            switch logical {
            case .string?, .enumeration?: return (.string, .identity)
            case .json?: return (.json, .identity)
            case nil:
                switch converted {
                case .utf8?, .enumeration?: return (.string, .identity)
                case .json?: return (.json, .identity)
                default: return (.binary, .identity)
                }
            default: return (.binary, .identity)
            }
        case .fixedLenByteArray:
            if logical == .uuid && typeLength == 16 { return (.uuid, .identity) }
            if logical == .float16 && typeLength == 2 { return (.float32, .float16ToFloat) }
            return (.binary, .fixedToBytes)
        }
    }

    private static func int32Mapping(logical: ParquetLogicalType?, converted: ParquetConvertedType?)
        -> (DataType, ParquetValueConversion) {
        switch logical {
        case .integer(let bits, let signed)?:
            switch (bits, signed) {
            case (8, true): return (.int8, .identity)
            case (16, true): return (.int16, .identity)
            case (8, false): return (.uint8, .identity)
            case (16, false): return (.uint16, .identity)
            case (32, false): return (.uint32, .uint32ToInt64)
            default: return (.int32, .identity)
            }
        case .date?: return (.date, .identity)
        case .time(_, let unit)?: return (.time, .int32ToInt64(factor: unit == .millis ? 1000 : 1))
        case nil:
            switch converted {
            case .int8?: return (.int8, .identity)
            case .int16?: return (.int16, .identity)
            case .uint8?: return (.uint8, .identity)
            case .uint16?: return (.uint16, .identity)
            case .uint32?: return (.uint32, .uint32ToInt64)
            case .date?: return (.date, .identity)
            case .timeMillis?: return (.time, .int32ToInt64(factor: 1000))
            default: return (.int32, .identity)
            }
        default: return (.int32, .identity)
        }
    }

    private static func int64Mapping(logical: ParquetLogicalType?, converted: ParquetConvertedType?)
        -> (DataType, ParquetValueConversion) {
        func scaled(_ unit: ParquetTimeUnit) -> ParquetValueConversion {
            switch unit {
            case .millis: .int64Multiply(factor: 1000)
            case .micros: .identity
            case .nanos: .int64FloorDivide(divisor: 1000)
            }
        }
        switch logical {
        case .integer(let bits, let signed)?: return (bits == 64 && !signed ? .uint64 : .int64, .identity)
        case .time(_, let unit)?: return (.time, scaled(unit))
        case .timestamp(let utc, let unit)?: return (utc ? .timestampTZ : .timestamp, scaled(unit))
        case nil:
            switch converted {
            case .uint64?: return (.uint64, .identity)
            case .timeMicros?: return (.time, .identity)
            case .timestampMillis?: return (.timestampTZ, .int64Multiply(factor: 1000))
            case .timestampMicros?: return (.timestampTZ, .identity)
            default: return (.int64, .identity)
            }
        default: return (.int64, .identity)
        }
    }
}
