import SluiceCore
import Testing
@testable import PostgresSource

@Suite("CopyBinaryDecoder framing")
struct CopyBinaryDecoderTests {
    let columns = [column("id", PostgresTypeOID.int8, "bigint"), column("name", PostgresTypeOID.text, "text")]
    let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "name", type: .string)])

    func stream(rows: Int, extensionBytes: [UInt8] = []) -> [UInt8] {
        var s = CopyStream(extensionBytes: extensionBytes)
        for i in 0..<rows {
            s.tuple([CopyStream.int64(Int64(i) * 1_000_000_007), i % 3 == 0 ? nil : CopyStream.text("row \(i) ü")])
        }
        s.trailer()
        return s.bytes
    }

    @Test func decodesRowsAndNulls() throws {
        let batches = try decodeAll(stream(rows: 5), columns: columns, schema: schema)
        #expect(batches.count == 1)
        #expect(texts(batches, column: 0) == ["0", "1000000007", "2000000014", "3000000021", "4000000028"])
        #expect(texts(batches, column: 1) == [nil, "row 1 ü", "row 2 ü", nil, "row 4 ü"])
    }

    @Test func emitsBatchesOfTheConfiguredSize() throws {
        let batches = try decodeAll(stream(rows: 10), columns: columns, schema: schema, options: CopyDecodeOptions(batchRowCount: 4))
        #expect(batches.map(\.rowCount) == [4, 4, 2])
        #expect(texts(batches, column: 0).count == 10)
    }

    @Test func wideRowsEndABatchAtItsByteLimitBeforeItsRowLimit() throws {
        // A tuple of this stream is 2 + (4 + 8) + (4 + 8) = 26 bytes, 18 with a NULL name (rows 0, 3, 6, 9): rows 0-4
        // take 114 bytes, the fifth crossing 90; rows 5-8 take 96.
        let batches = try decodeAll(stream(rows: 10), columns: columns, schema: schema,
                                    options: CopyDecodeOptions(batchRowCount: 1_000, batchByteCount: 90))
        #expect(batches.map(\.rowCount) == [5, 4, 1], "the row crossing the limit ends the batch")
        #expect(texts(batches, column: 0).count == 10)
    }

    @Test(arguments: [1, 2, 3, 7, 19, 64])
    func dripFeedingMatchesWholeBuffer(chunkSize: Int) throws {
        let bytes = stream(rows: 37, extensionBytes: [1, 2, 3])
        let whole = try decodeAll(bytes, columns: columns, schema: schema, options: CopyDecodeOptions(batchRowCount: 8))
        let drip = try decodeAll(bytes, columns: columns, schema: schema, options: CopyDecodeOptions(batchRowCount: 8), chunkSize: chunkSize)
        #expect(whole == drip)
        #expect(whole.map(\.rowCount).reduce(0, +) == 37)
    }

    @Test func emptyStreamHasNoBatches() throws {
        #expect(try decodeAll(stream(rows: 0), columns: columns, schema: schema).isEmpty)
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let bytes = stream(rows: 4)
        for cut in 0..<bytes.count {
            #expect(throws: SluiceError.self, "cut at \(cut)") {
                _ = try decodeAll(Array(bytes[..<cut]), columns: columns, schema: schema)
            }
        }
    }

    @Test func badSignatureIsRejected() throws {
        var bytes = stream(rows: 1)
        bytes[0] = UInt8(ascii: "X")
        let error = try #require(throws: SluiceError.self) { try decodeAll(bytes, columns: columns, schema: schema) }
        #expect(error.code == .postgresCopyFormat)
    }

    @Test func oidsFlagAndUnknownCriticalFlagsAreRejected() throws {
        for flags: UInt32 in [1 << 16, 1 << 20] {
            var s = CopyStream(flags: flags)
            s.trailer()
            #expect(throws: SluiceError.self) { try decodeAll(s.bytes, columns: columns, schema: schema) }
        }
    }

    @Test func wrongFieldCountNamesTheRow() throws {
        var s = CopyStream()
        s.tuple([CopyStream.int64(1), CopyStream.text("a")])
        s.tuple([CopyStream.int64(2)])
        s.trailer()
        let error = try #require(throws: SluiceError.self) { try decodeAll(s.bytes, columns: columns, schema: schema) }
        #expect(error.code == .postgresCopyFormat)
        #expect(error.context.row == 2)
    }

    @Test func wrongValueLengthNamesColumnAndRow() throws {
        var s = CopyStream()
        s.tuple([CopyStream.int32(1), CopyStream.text("a")])
        s.trailer()
        let error = try #require(throws: SluiceError.self) { try decodeAll(s.bytes, columns: columns, schema: schema) }
        #expect(error.context.column == "id")
        #expect(error.context.row == 1)
    }

    @Test func nullIntoNonNullableFieldNamesColumnAndRow() throws {
        var s = CopyStream()
        s.tuple([CopyStream.int64(1), nil])
        s.tuple([nil, CopyStream.text("x")])
        s.trailer()
        let error = try #require(throws: SluiceError.self) {
            try decodeAll(s.bytes, columns: columns, schema: schema, options: CopyDecodeOptions(table: "public.t"))
        }
        #expect(error.code == .invalidValue)
        #expect(error.context == ErrorContext(table: "public.t", column: "id", row: 2))
    }

    @Test func negativeLengthOtherThanMinusOneIsRejected() throws {
        var s = CopyStream()
        s.append16(2)
        s.append32(UInt32(bitPattern: -5))
        s.trailer()
        #expect(throws: SluiceError.self) { try decodeAll(s.bytes, columns: columns, schema: schema) }
    }

    @Test func dataAfterTrailerIsRejected() throws {
        var bytes = stream(rows: 1)
        bytes.append(0)
        #expect(throws: SluiceError.self) { try decodeAll(bytes, columns: columns, schema: schema) }
    }

    @Test func hugeDeclaredLengthWaitsForBytesWithoutAllocating() throws {
        // A field claiming 2 GiB: the decoder keeps only what arrived, then reports truncation.
        var s = CopyStream()
        s.append16(2)
        s.append32(8)
        s.bytes += CopyStream.int64(1)
        s.append32(0x7FFF_FFFF)
        s.bytes += Array(repeating: 65, count: 100)
        var decoder = try CopyBinaryDecoder(columns: columns, schema: schema)
        try decoder.feed(s.bytes) { _ in }
        #expect(decoder.carry.count == s.bytes.count - 19)
        #expect(throws: SluiceError.self) { _ = try decoder.finish() }
    }

    @Test func schemaMismatchIsFoundBeforeTheRun() throws {
        let error = try #require(throws: SluiceError.self) {
            _ = try CopyBinaryDecoder(columns: columns, schema: Schema([Field(name: "id", type: .int64)]))
        }
        #expect(error.code == .postgresUnsupportedConversion)
    }

    @Test func impossiblePairNamesTableAndColumn() throws {
        let error = try #require(throws: SluiceError.self) {
            _ = try CopyBinaryDecoder.validate(columns: [column("flag", PostgresTypeOID.bool, "boolean")],
                                               schema: Schema([Field(name: "flag", type: .date)]), table: "public.orders")
        }
        #expect(error.code == .postgresUnsupportedConversion)
        #expect(error.context.table == "public.orders")
        #expect(error.context.column == "flag")
    }

    @Test func unknownTypeIsRejectedBeforeTheRun() throws {
        let error = try #require(throws: SluiceError.self) {
            _ = try CopyBinaryDecoder.validate(columns: [column("addr", 16_384, "address")],
                                               schema: Schema([Field(name: "addr", type: .string)]), table: "t")
        }
        #expect(error.message.contains("address"))
        #expect(error.context.column == "addr")
    }

    @Test func tracksTheLargestCursorValue() throws {
        var decoder = try CopyBinaryDecoder(columns: columns, schema: schema, options: CopyDecodeOptions(cursorColumn: "id"))
        try decoder.feed(stream(rows: 6)) { _ in }
        _ = try decoder.finish()
        #expect(decoder.maxCursor == 5_000_000_035)
    }
}
