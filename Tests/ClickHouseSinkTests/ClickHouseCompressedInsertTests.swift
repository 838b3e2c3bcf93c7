import ClickHouseSink
import Foundation
import HTTPTransport
import SluiceCore
import Testing

/// Compressed bodies against the real ClickHouse 18.16: the server checks the CityHash128 v1.0.2 checksums
/// (so a damaged byte is refused and an undamaged body accepted), reads blocks that cut through the statement and
/// through Native blocks anywhere, and rejects a compressed insert whose source fails after many blocks.
@Suite struct ClickHouseCompressedInsertTests {
    /// The compressed body of an insert of `batches` into `database.table`, drained to bytes.
    static func compressedBody(database: String, table: String, schema: Schema, batches: [RecordBatch],
                               method: ClickHouseCompressedBlock.Method, blockSize: Int) throws -> [UInt8] {
        let columns = schema.fields.map { ClickHouseSQL.identifier($0.name) }.joined(separator: ", ")
        let statement = "INSERT INTO \(ClickHouseSQL.qualifiedName(database: database, table: table)) (\(columns)) FORMAT Native\n"
        let native = NativeInsertBody(encoder: ClickHouseNativeEncoder(schema: schema), prefix: Array(statement.utf8), batches: BatchList(batches))
        let body = try CompressedInsertBody(native: native, method: method, level: 5, blockSize: blockSize)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { buffer.deallocate() }
        var out: [UInt8] = []
        while true {
            let count = try body.fill(buffer)
            if count == 0 { return out }
            out += buffer.prefix(count)
        }
    }

    /// POSTs `body` with `decompress=1`, as the client does, and returns the status and reply.
    static func post(_ body: [UInt8], client: ClickHouseClient) async throws -> (status: Int, reply: String) {
        let config = client.config
        let request = HTTPRequest(method: .post, url: config.url + "/?decompress=1", headers: ["Content-Type": "application/octet-stream"],
                                  body: .bytes(body), credentials: .init(user: config.user, password: config.password ?? ""))
        let response = try await HTTPClient().execute(request)
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func theServerChecksTheChecksum() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "s", type: .string, nullable: false)])
            try await client.createTable(ClickHouseTableDefinition(database: database, name: "t", columns: schema.fields, orderBy: ["id"]))
            let batch = try makeBatch(schema, (0..<500).map { [.int(Int64($0)), .string("row \($0 % 13)")] })
            let good = try Self.compressedBody(database: database, table: "t", schema: schema, batches: [batch], method: .lz4, blockSize: 1 << 20)
            for position in [0, 7, 15, 16 + 9 + 40] {  // checksum bytes, then a byte of the LZ4 data
                var damaged = good
                damaged[position] ^= 0x04
                let (status, reply) = try await Self.post(damaged, client: client)
                #expect(status == 500, "byte \(position)")
                #expect(reply.contains("Code: 40") && reply.contains("Checksum doesn't match"), "byte \(position): \(reply)")
            }
            #expect(try await client.value("SELECT count() FROM \(database).t") == "0")
            let (status, reply) = try await Self.post(good, client: client)
            #expect(status == 200, "\(reply)")
            #expect(try await client.rows("SELECT count(), sum(id) FROM \(database).t") == [["500", "124750"]])
        }
    }

    /// Blocks of 7 bytes to 64 KiB cut through the statement, the Native block headers and the column data of
    /// four Native blocks; stored (0x02) blocks included. Every value of every type reads back equal.
    @Test(arguments: [(ClickHouseCompressedBlock.Method.lz4, 7), (.zstd, 1000), (.none, 333), (.lz4, 65_536), (.zstd, 4099)])
    func blocksStraddlingNativeBlocksReadBackEqual(method: ClickHouseCompressedBlock.Method, blockSize: Int) async throws {
        try await TestClickHouse.withDatabase { client, database in
            try await client.createTable(ClickHouseTableDefinition(database: database, name: "all_types", columns: AllTypesFixture.schema.fields,
                                                                   orderBy: ["id"]))
            let parts = try [(150, 1), (1, 2), (97, 3), (52, 4)].reduce(into: [AllTypesFixture]()) { parts, part in
                parts.append(try AllTypesFixture(count: part.0, seed: UInt64(part.1), firstID: Int64(parts.reduce(0) { $0 + $1.rows.count })))
            }
            let body = try Self.compressedBody(database: database, table: "all_types", schema: AllTypesFixture.schema,
                                               batches: parts.map(\.batch), method: method, blockSize: blockSize)
            let (status, reply) = try await Self.post(body, client: client)
            #expect(status == 200, "\(reply)")
            let rows = try await client.rows("SELECT \(AllTypesFixture.selectList) FROM \(ClickHouseSQL.qualifiedName(database: database, table: "all_types")) ORDER BY id")
            let expected = parts.flatMap(\.rows)
            try #require(rows.count == expected.count)
            var mismatches: [String] = []
            for (row, values) in zip(rows, expected) {
                for (index, field) in AllTypesFixture.schema.fields.enumerated()
                    where !AllTypesFixture.matches(row[index], values[index], field, zeroDatePrintsAsZeros: true) {
                    mismatches.append("id \(values[0]) \(field.name): got \(row[index] ?? "NULL"), sent \(values[index])")
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) mismatches: \(mismatches.prefix(8))")
        }
    }

    /// Three batches and then a damaged row group. With 10,000 rows a batch (1.2 MB of Native: a full 1 MiB block
    /// that the server has decompressed and parsed, then the rest with the poison), 18.16 kept the rows in 3 of
    /// 4 runs with the poison removed; with 200,000 (24 MB, 24 blocks) it is the long stream's case.
    struct BreaksAfterThree: BatchSource, Sendable {
        var rows = 200_000
        var produced = 0
        mutating func next() throws(SluiceError) -> RecordBatch? {
            guard produced < 3 else { throw SluiceError(.invalidBatch, "row group 3 of the shard cannot be read") }
            defer { produced += 1 }
            return ClickHouseStreamingInsertTests.batch(produced, rows: rows)
        }
    }

    @Test(arguments: [(ClickHouseCompression.lz4, 10_000), (.zstd(level: 1), 10_000), (.lz4, 200_000), (.zstd(level: 1), 200_000)])
    func aSourceFailingAfterManyBlocksLeavesNothing(compression: ClickHouseCompression, rows: Int) async throws {
        try await TestClickHouse.withDatabase(compression: compression) { client, database in
            let schema = ClickHouseStreamingInsertTests.schema
            try await client.createTable(ClickHouseTableDefinition(database: database, name: "orders", columns: schema.fields, orderBy: ["id"]))
            let error = await #expect(throws: SluiceError.self) {
                try await client.insert(database: database, table: "orders", schema: schema, from: BreaksAfterThree(rows: rows))
            }
            #expect(error?.message == "row group 3 of the shard cannot be read")
            #expect(try await client.value("SELECT count() FROM \(database).orders") == "0")
        }
    }
}
