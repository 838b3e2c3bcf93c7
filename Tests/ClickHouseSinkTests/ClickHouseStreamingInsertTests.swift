import ClickHouseSink
import Foundation
import SluiceCore
import Testing

/// A million rows streamed into ClickHouse from a lazy sequence: batches are made one at a time while
/// the request runs, and the body never holds more than one encoded block.
@Suite struct ClickHouseStreamingInsertTests {
    static let schema = Schema([
        Field(name: "id", type: .uint64, nullable: false),
        Field(name: "name", type: .string, nullable: false),
        Field(name: "amount", type: .decimal(precision: 18, scale: 2), nullable: false),
        Field(name: "ts", type: .timestampTZ, nullable: false),
        Field(name: "d", type: .date, nullable: true),
        Field(name: "note", type: .string, nullable: true),
    ])
    static let start: Int64 = 1_704_067_200_000_000  // 2024-01-01 00:00:00 UTC, in microseconds

    static func batch(_ index: Int, rows: Int) -> RecordBatch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows) }
        for offset in 0..<rows {
            let id = Int64(index * rows + offset)
            builders[0].append(id)
            builders[1].append(string: "customer-\(id % 977)")
            builders[2].append(Int128(id % 100_000) - 50_000)
            builders[3].append(start + id * 7_654_321)  // spans about three months
            if id % 10 == 0 { builders[4].appendNull() } else { builders[4].append(Int32(19_723 + id % 60)) }
            if id % 3 == 0 { builders[5].appendNull() } else { builders[5].append(string: "n\(id % 7)") }
        }
        return try! RecordBatch(schema: schema, columns: builders.indices.map { builders[$0].finish() })
    }

    @Test(arguments: [ClickHouseCompression.none, .lz4, .zstd(level: 1)])
    func millionRowsWithBoundedMemory(compression: ClickHouseCompression) async throws {
        let batches = 100, rowsPerBatch = 10_000, total = batches * rowsPerBatch
        try await TestClickHouse.withDatabase(compression: compression) { client, database in
            try await client.createTable(ClickHouseTableDefinition(database: database, name: "orders", columns: Self.schema.fields,
                                                                   orderBy: ["id"], partitionBy: .month(of: "ts")))
            let rssBefore = Self.residentBytes()
            let lazy = (0..<batches).lazy.map { Self.batch($0, rows: rowsPerBatch) }
            let summary = try await client.insert(database: database, table: "orders", schema: Self.schema, batches: lazy)
            let rssAfter = Self.residentBytes()

            #expect(summary.rows == total)
            #expect(summary.batches == batches)
            // One block at a time: the largest block is one batch's encoding, a hundredth of the body.
            #expect(summary.largestBlock * 50 < summary.bytes)
            // Compressed: 1 MiB blocks that straddle the 390 KB Native blocks, and far fewer bytes on the wire.
            if compression == .none { #expect(summary.sentBytes == summary.bytes) } else { #expect(summary.sentBytes * 2 < summary.bytes) }
            print("streamed \(total) rows (\(compression)), \(summary.bytes) bytes, \(summary.sentBytes) sent, in \(summary.duration): "
                  + "\(Int(Double(total) / summary.duration.seconds)) rows/s; largest block \(summary.largestBlock) bytes; "
                  + "RSS \(rssBefore >> 20) -> \(rssAfter >> 20) MiB")

            let table = ClickHouseSQL.qualifiedName(database: database, table: "orders")
            let result = try await client.rows("SELECT count(), sum(id), sum(amount), countIf(isNull(d)), countIf(isNull(note)), sum(length(name)), toUInt32(min(ts)), toUInt32(max(ts)), uniqExact(toYYYYMM(ts)) FROM \(table)")
            let n = Int64(total)
            let expectedAmount = (0..<n).reduce(Int128(0)) { $0 + Int128($1 % 100_000) - 50_000 }
            let expectedNameLength = (0..<n).reduce(0) { $0 + "customer-\($1 % 977)".utf8.count }
            let lastTS = (Self.start + (n - 1) * 7_654_321) / 1_000_000
            let partitions = try await client.value("SELECT count(DISTINCT partition) FROM system.parts WHERE database = \(ClickHouseSQL.stringLiteral(database)) AND table = 'orders' AND active")
            #expect(result == [[String(total), String(n * (n - 1) / 2), DecimalText.format(unscaled: expectedAmount, scale: 2),
                                String(total / 10), String((total + 2) / 3), String(expectedNameLength),
                                String(Self.start / 1_000_000), String(lastTS), partitions]])
        }
    }

    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = status.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
