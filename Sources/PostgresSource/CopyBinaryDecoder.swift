public import SluiceCore

/// Decodes a PostgreSQL `COPY ... TO STDOUT (FORMAT binary)` stream into ``RecordBatch``es, with no IO.
///
/// The format (PostgreSQL documentation, "COPY", section "Binary Format"): an 11-byte signature
/// `PGCOPY\n\377\r\n\0`, a 32-bit flags word (bit 16: OIDs included; bits 17-31 must be zero), a 32-bit
/// header-extension length and that many bytes; then tuples, each a 16-bit field count followed, per
/// field, by a 32-bit length (-1 for NULL) and that many bytes of the type's binary send format; then the
/// trailer, a 16-bit -1. All integers are in network byte order.
///
/// Feed it chunks that split the stream anywhere (libpq hands over one CopyData message per row, but a
/// test may drip-feed single bytes); it decodes every complete tuple straight from the chunk and keeps only
/// an incomplete tail. Every `batchRowCount` rows, or sooner once the rows took `batchByteCount` bytes, it hands
/// a batch to the `emit` closure. Memory stays bounded by one batch plus the largest single row, whatever the
/// stream's length. Malformed input gives a
/// ``SluiceError`` (code ``SluiceError/Code/postgresCopyFormat``), never a crash.
///
/// A decoder is used by one thread at a time and is not meant to be copied: copies share the column
/// buffers of the batch under construction.
public struct CopyBinaryDecoder {
    /// The target schema: one field per source column, in query order.
    public let schema: Schema
    public let columns: [SourceColumn]
    public let options: CopyDecodeOptions
    public let conversions: [ColumnConversion]

    enum State { case header, tuples, finished }

    var state = State.header
    let ops: [ValueOp]
    let nullable: [Bool]
    let cursorIndex: Int?
    /// Keeps the column stores alive; `stores` points into it.
    let storeOwner: ColumnStores
    let stores: UnsafeMutablePointer<ColumnStore>
    let opTable: UnsafeMutablePointer<ValueOp>
    /// Per column, the element kind of an array source.
    let arrayElements: [SourceKind?]
    var rowsInBatch = 0
    /// Stream bytes of the rows in the batch under construction (see ``CopyDecodeOptions/batchByteCount``).
    var bytesInBatch = 0
    /// Bytes of an incomplete header or tuple kept between chunks.
    var carry: [UInt8] = []
    /// How many bytes `carry` must hold before decoding is worth trying again.
    var carryNeed = 0
    /// Scratch space for values rendered as text.
    var scratch: [UInt8] = []
    var nulled: [UInt64]

    /// Rows decoded so far (all batches, including rows not yet emitted).
    public internal(set) var rowsDecoded = 0
    /// Stream bytes consumed so far.
    public private(set) var bytesConsumed = 0
    /// The largest value of ``CopyDecodeOptions/cursorColumn`` seen so far: the integer, days since
    /// 1970-01-01 for dates, microseconds since 1970-01-01 for timestamps (infinities are not counted).
    public internal(set) var maxCursor: Int64?

    /// Checks the whole conversion matrix before any data flows: one field per column, and every
    /// source type readable into its field's type. Errors name the table and column.
    public static func validate(columns: [SourceColumn], schema: Schema, table: String?) throws(SluiceError) -> [ColumnConversion] {
        guard columns.count == schema.count else {
            throw SluiceError(.postgresUnsupportedConversion,
                              "the query returns \(columns.count) columns but the target schema has \(schema.count) fields",
                              context: ErrorContext(table: table))
        }
        var result: [ColumnConversion] = []
        result.reserveCapacity(columns.count)
        for (column, field) in zip(columns, schema.fields) {
            result.append(try ColumnConversion(source: column, target: field.type, table: table))
        }
        return result
    }

    /// Validates (see ``validate(columns:schema:table:)``) and prepares the column builders.
    public init(columns: [SourceColumn], schema: Schema, options: CopyDecodeOptions = CopyDecodeOptions()) throws(SluiceError) {
        let conversions = try Self.validate(columns: columns, schema: schema, table: options.table)
        var cursorIndex: Int? = nil
        if let cursor = options.cursorColumn {
            guard let index = columns.firstIndex(where: { $0.name == cursor }) else {
                throw SluiceError(.postgresMissingColumn, "cursor column is not among the extracted columns",
                                  context: ErrorContext(table: options.table, column: cursor))
            }
            switch conversions[index].source {
            case .int2, .int4, .int8, .oid, .date, .timestamp, .timestamptz: cursorIndex = index
            default:
                throw SluiceError(.postgresUnsupportedConversion,
                                  "a cursor column must be an integer, date, timestamp or timestamptz, not \(columns[index].typeName)",
                                  context: ErrorContext(table: options.table, column: cursor))
            }
        }
        self.schema = schema
        self.columns = columns
        self.options = options
        self.conversions = conversions
        self.ops = conversions.map(\.op)
        self.nullable = schema.fields.map(\.nullable)
        self.cursorIndex = cursorIndex
        self.storeOwner = ColumnStores(schema.fields.map { ColumnStore(storage: $0.type.storage, capacity: options.batchRowCount) },
                                       ops: conversions.map(\.op))
        self.stores = storeOwner.pointer
        self.opTable = storeOwner.ops
        self.arrayElements = conversions.map { conversion in
            if case .array(let element) = conversion.source { return element }
            return nil
        }
        self.nulled = Array(repeating: 0, count: columns.count)
    }

    /// Per source column name, how many values a policy turned to NULL (infinities,
    /// numeric specials); columns with none are left out.
    public var nulledValues: [String: UInt64] {
        var result: [String: UInt64] = [:]
        for (column, count) in zip(columns, nulled) where count > 0 { result[column.name, default: 0] += count }
        return result
    }

    /// Whether the trailer has been seen.
    public var isFinished: Bool { state == .finished }

    /// Decodes `chunk`, calling `emit` with each full batch. Throws on malformed data (and rethrows what
    /// `emit` throws); after an error the decoder must not be used again.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, emit: (RecordBatch) throws -> Void) throws {
        guard chunk.count > 0, let base = chunk.baseAddress else { return }
        if carry.isEmpty {
            let used = try process(base, chunk.count, emit: emit)
            bytesConsumed += chunk.count
            if used < chunk.count { carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[used...])) }
            return
        }
        bytesConsumed += chunk.count
        carry.append(contentsOf: chunk)
        guard carry.count >= carryNeed else { return }
        var buffer = carry
        carry = []
        let used = try buffer.withUnsafeBytes { raw in try process(raw.baseAddress!, raw.count, emit: emit) }
        buffer.removeFirst(used)
        carry = buffer
    }

    /// Convenience for tests and small inputs.
    public mutating func feed(_ bytes: [UInt8], emit: (RecordBatch) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, emit: emit) }
    }

    /// Ends the stream: throws if the trailer has not been seen (a truncated stream) and returns the last,
    /// partial batch, if any rows are left.
    public mutating func finish() throws(SluiceError) -> RecordBatch? {
        guard state == .finished, carry.isEmpty else {
            throw SluiceError(.postgresCopyFormat, "COPY stream ended before its trailer (truncated after \(rowsDecoded) rows)",
                              context: ErrorContext(table: options.table, row: rowsDecoded + 1))
        }
        return rowsInBatch > 0 ? try makeBatch() : nil
    }

    /// Decodes what it can from `count` bytes at `base`; returns how many bytes it consumed and, when it
    /// stops early, records in `carryNeed` how many bytes the next attempt needs.
    private mutating func process(_ base: UnsafeRawPointer, _ count: Int, emit: (RecordBatch) throws -> Void) throws -> Int {
        var position = 0
        while true {
            switch state {
            case .header:
                guard count - position >= 19 else { carryNeed = 19; return position }
                let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
                for i in 0..<11 where base.load(fromByteOffset: position + i, as: UInt8.self) != signature[i] {
                    throw formatError("not a COPY BINARY stream: bad signature")
                }
                let flags = BigEndian.uint32(base + position + 11)
                guard flags & (1 << 16) == 0 else { throw formatError("COPY stream includes OIDs, which Sluice does not read") }
                guard flags >> 17 == 0 else { throw formatError("COPY stream header has unknown critical flags \(flags)") }
                let extensionLength = Int(BigEndian.int32(base + position + 15))
                guard (0...(1 << 20)).contains(extensionLength) else {
                    throw formatError("COPY stream header extension has an invalid length \(extensionLength)")
                }
                guard count - position >= 19 + extensionLength else { carryNeed = 19 + extensionLength; return position }
                position += 19 + extensionLength
                state = .tuples
            case .tuples:
                guard count - position >= 2 else { carryNeed = 2; return position }
                let fieldCount = Int(BigEndian.int16(base + position))
                if fieldCount == -1 {
                    position += 2
                    state = .finished
                    continue
                }
                guard fieldCount == ops.count else {
                    throw formatError("tuple has \(fieldCount) fields, expected \(ops.count)", row: rowsDecoded + 1)
                }
                // First pass: is the whole tuple here? Only the lengths are read. Positions never exceed
                // `count`, so the wrapping arithmetic below cannot wrap.
                var end = position &+ 2
                var remainingFields = fieldCount
                while remainingFields > 0 {
                    remainingFields &-= 1
                    guard count &- end >= 4 else { carryNeed = end &+ 4 &- position; return position }
                    let length = Int(BigEndian.int32(base + end))
                    end &+= 4
                    if length < 0 {
                        guard length == -1 else { throw formatError("field has an invalid length \(length)", row: rowsDecoded + 1) }
                        continue
                    }
                    guard count &- end >= length else { carryNeed = end &+ length &- position; return position }
                    end &+= length
                }
                try decodeTuple(base + position + 2)
                bytesInBatch &+= end &- position
                position = end
                rowsDecoded += 1
                rowsInBatch += 1
                if rowsInBatch >= options.batchRowCount || bytesInBatch >= options.batchByteCount { try emit(try makeBatch()) }
            case .finished:
                guard position == count else { throw formatError("data after the COPY trailer") }
                carryNeed = 0
                return position
            }
        }
    }

    /// Hands over the rows decoded since the last batch.
    private mutating func makeBatch() throws(SluiceError) -> RecordBatch {
        var columnsOut: [Column] = []
        columnsOut.reserveCapacity(schema.count)
        for (i, field) in schema.fields.enumerated() { columnsOut.append(stores[i].finish(type: field.type)) }
        rowsInBatch = 0
        bytesInBatch = 0
        return try RecordBatch(schema: schema, columns: columnsOut)
    }

    func formatError(_ message: String, column: Int? = nil, row: Int? = nil) -> SluiceError {
        SluiceError(.postgresCopyFormat, message,
                    context: ErrorContext(table: options.table, column: column.map { columns[$0].name }, row: row))
    }

    func valueError(_ message: String, column: Int, row: Int) -> SluiceError {
        SluiceError(.invalidValue, message, context: ErrorContext(table: options.table, column: columns[column].name, row: row))
    }
}
