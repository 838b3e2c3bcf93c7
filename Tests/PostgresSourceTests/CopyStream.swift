import SluiceCore
@testable import PostgresSource

/// Builds COPY BINARY streams by hand for the pure decoder tests.
struct CopyStream {
    var bytes: [UInt8] = []

    static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]

    init(header: Bool = true, flags: UInt32 = 0, extensionBytes: [UInt8] = []) {
        if header {
            bytes += Self.signature
            append32(flags)
            append32(UInt32(extensionBytes.count))
            bytes += extensionBytes
        }
    }

    mutating func append16(_ v: UInt16) { bytes += [UInt8(v >> 8), UInt8(v & 0xFF)] }
    mutating func append32(_ v: UInt32) { bytes += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    /// One tuple: each field's bytes, nil for NULL.
    mutating func tuple(_ fields: [[UInt8]?]) {
        append16(UInt16(fields.count))
        for field in fields {
            if let field {
                append32(UInt32(field.count))
                bytes += field
            } else {
                append32(UInt32(bitPattern: -1))
            }
        }
    }

    mutating func trailer() { append16(0xFFFF) }

    static func int16(_ v: Int16) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    static func int32(_ v: Int32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    static func int64(_ v: Int64) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// A binary numeric from its parts.
    static func numeric(digits: [Int16], weight: Int16, sign: UInt16 = 0, scale: Int16) -> [UInt8] {
        var out = int16(Int16(digits.count)) + int16(weight) + int16(Int16(bitPattern: sign)) + int16(scale)
        for d in digits { out += int16(d) }
        return out
    }
}

/// Decodes a whole stream at once (or in chunks of `chunkSize`), collecting every batch.
func decodeAll(_ bytes: [UInt8], columns: [SourceColumn], schema: Schema, options: CopyDecodeOptions = CopyDecodeOptions(),
               chunkSize: Int? = nil) throws -> [RecordBatch] {
    var decoder = try CopyBinaryDecoder(columns: columns, schema: schema, options: options)
    var batches: [RecordBatch] = []
    if let chunkSize {
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            try decoder.feed(Array(bytes[start..<end])) { batches.append($0) }
            start = end
        }
    } else {
        try decoder.feed(bytes) { batches.append($0) }
    }
    if let last = try decoder.finish() { batches.append(last) }
    return batches
}

/// Every value of column `column` across batches, as text (nil for NULL).
func texts(_ batches: [RecordBatch], column: Int = 0) -> [String?] {
    batches.flatMap { batch in
        (0..<batch.rowCount).map { batch.value(row: $0, column: column).text(as: batch.schema.fields[column].type) }
    }
}

func column(_ name: String, _ oid: UInt32, _ typeName: String = "") -> SourceColumn {
    SourceColumn(name: name, typeOID: oid, typeName: typeName.isEmpty ? "oid \(oid)" : typeName)
}
