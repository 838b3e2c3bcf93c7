public import SluiceCore

/// One flat column of a Parquet file: how it is stored (physical type, annotations, repetition) and how
/// Sluice reads and writes it (``dataType``).
///
/// The mapping, both ways (LogicalTypes.md):
///
/// | Sluice type | physical | logical type | converted type |
/// |---|---|---|---|
/// | boolean | BOOLEAN | | |
/// | int8, int16 | INT32 | INT(8/16, signed) | INT_8/INT_16 |
/// | int32 / int64 | INT32 / INT64 | | |
/// | uint8, uint16, uint32 | INT32 | INT(8/16/32, unsigned) | UINT_8/16/32 |
/// | uint64 | INT64 | INT(64, unsigned) | UINT_64 |
/// | float32 / float64 | FLOAT / DOUBLE | | |
/// | decimal(p,s) | INT32 (p<=9), INT64 (p<=18), FIXED_LEN_BYTE_ARRAY (minimal width) | DECIMAL(p,s) | DECIMAL |
/// | string / json | BYTE_ARRAY | STRING / JSON | UTF8 / JSON |
/// | binary | BYTE_ARRAY | | |
/// | uuid | FIXED_LEN_BYTE_ARRAY(16) | UUID | |
/// | date | INT32 | DATE | DATE |
/// | time | INT64 | TIME(MICROS, isAdjustedToUTC=false) | TIME_MICROS |
/// | timestamp / timestamptz | INT64 | TIMESTAMP(MICROS, isAdjustedToUTC=false/true) | TIMESTAMP_MICROS |
///
/// Reading also accepts: TIME/TIMESTAMP in MILLIS (scaled up) and NANOS (floored to microseconds), INT96
/// timestamps, decimals on any physical type, FLOAT16, ENUM/BSON, unannotated FIXED_LEN_BYTE_ARRAY (binary).
public struct ParquetColumnDescriptor: Sendable, Hashable {
    public var name: String
    public var physicalType: ParquetPhysicalType
    /// Bytes per value of a FIXED_LEN_BYTE_ARRAY column, 0 otherwise.
    public var typeLength: Int
    public var repetition: ParquetRepetition
    public var logicalType: ParquetLogicalType?
    public var convertedType: ParquetConvertedType?
    /// The Sluice type values are read as (and were written from).
    public var dataType: DataType
    var conversion: ParquetValueConversion
    /// For a nested top-level column (read as JSON text, ``dataType`` `.string`): its leaves and shape.
    public var nested: ParquetNestedColumn? = nil

    /// Whether the column may hold NULLs (max definition level 1).
    public var isOptional: Bool { repetition == .optional }

    public var field: Field { Field(name: name, type: dataType, nullable: isOptional) }
}

extension ParquetColumnDescriptor {
    /// The Parquet layout Sluice writes for `field`.
    init(writing field: Field) {
        let physical: ParquetPhysicalType
        var typeLength = 0
        var logical: ParquetLogicalType?
        var converted: ParquetConvertedType?
        switch field.type {
        case .boolean: physical = .boolean
        case .int8: physical = .int32; logical = .integer(bitWidth: 8, isSigned: true); converted = .int8
        case .int16: physical = .int32; logical = .integer(bitWidth: 16, isSigned: true); converted = .int16
        case .int32: physical = .int32
        case .int64: physical = .int64
        case .uint8: physical = .int32; logical = .integer(bitWidth: 8, isSigned: false); converted = .uint8
        case .uint16: physical = .int32; logical = .integer(bitWidth: 16, isSigned: false); converted = .uint16
        case .uint32: physical = .int32; logical = .integer(bitWidth: 32, isSigned: false); converted = .uint32
        case .uint64: physical = .int64; logical = .integer(bitWidth: 64, isSigned: false); converted = .uint64
        case .float32: physical = .float
        case .float64: physical = .double
        case .decimal(let precision, let scale):
            if precision <= 9 {
                physical = .int32
            } else if precision <= 18 {
                physical = .int64
            } else {
                physical = .fixedLenByteArray
                typeLength = Self.decimalByteWidth(precision: precision)
            }
            logical = .decimal(precision: precision, scale: scale)
            converted = .decimal
        case .string: physical = .byteArray; logical = .string; converted = .utf8
        case .json: physical = .byteArray; logical = .json; converted = .json
        case .binary: physical = .byteArray
        case .uuid: physical = .fixedLenByteArray; typeLength = 16; logical = .uuid
        case .date: physical = .int32; logical = .date; converted = .date
        case .time: physical = .int64; logical = .time(isAdjustedToUTC: false, unit: .micros); converted = .timeMicros
        case .timestamp:
            physical = .int64; logical = .timestamp(isAdjustedToUTC: false, unit: .micros); converted = .timestampMicros
        case .timestampTZ:
            physical = .int64; logical = .timestamp(isAdjustedToUTC: true, unit: .micros); converted = .timestampMicros
        }
        let conversion: ParquetValueConversion
        switch field.type {
        case .uint32: conversion = .uint32ToInt64
        case .decimal: conversion = physical == .fixedLenByteArray ? .bytesToDecimal : .intToDecimal
        default: conversion = .identity
        }
        self.init(name: field.name, physicalType: physical, typeLength: typeLength,
                  repetition: field.nullable ? .optional : .required, logicalType: logical, convertedType: converted,
                  dataType: field.type, conversion: conversion)
    }

    /// The schema element that describes this column.
    var schemaElement: ParquetSchemaElement {
        var element = ParquetSchemaElement(type: physicalType, typeLength: typeLength > 0 ? Int32(typeLength) : nil,
                                           repetition: repetition, name: name, convertedType: convertedType,
                                           logicalType: logicalType)
        if case .decimal(let precision, let scale) = dataType {
            element.precision = Int32(precision)
            element.scale = Int32(scale)
        }
        return element
    }

    /// The fewest bytes whose two's complement holds every `precision`-digit integer.
    static func decimalByteWidth(precision: Int) -> Int {
        let limit = DecimalText.powerOfTen(precision) - 1
        for width in 1...16 where width == 16 || limit < (Int128(1) << (8 * width - 1)) {
            return width
        }
        return 16
    }
}
