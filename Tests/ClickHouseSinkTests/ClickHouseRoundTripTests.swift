import ClickHouseSink
import SluiceCore
import Testing

/// Inserts into the real ClickHouse 18.16 and reads back with `SELECT ... FORMAT TabSeparated`.
@Suite struct ClickHouseRoundTripTests {
    @Test func pingReturnsTheVersion() async throws {
        let version = try await TestClickHouse.client().ping()
        #expect(version.hasPrefix("18.16"))
    }

    @Test func typedValues() async throws {
        let client = try TestClickHouse.client()
        #expect(try await client.value("SELECT 40 + 2", as: Int.self) == 42)
        #expect(try await client.value("SELECT toUInt64(18446744073709551615)", as: UInt64.self) == .max)
        #expect(try await client.value("SELECT 0.5", as: Double.self) == 0.5)
        #expect(try await client.value("SELECT NULL", as: Int.self) == nil)
        #expect(try await client.value("SELECT 1 WHERE 0", as: Int.self) == nil)
        let error = await #expect(throws: SluiceError.self) { try await client.value("SELECT 'x'", as: Int.self) }
        #expect(error?.code == .clickHouseServer)
        let many = await #expect(throws: SluiceError.self) { try await client.value("SELECT number FROM system.numbers LIMIT 2") }
        #expect(many?.message.contains("got 2 rows") == true)
        #expect(try await client.rows("SELECT 1, NULL, '' UNION ALL SELECT 2, 'a\\tb', 'x'").sorted { ($0[0] ?? "") < ($1[0] ?? "") }
            == [["1", nil, ""], ["2", "a\tb", "x"]])
    }

    @Test(arguments: ClickHouseCompression.testCases)
    func everyTypeRoundTripsRowByRow(compression: ClickHouseCompression) async throws {
        try await TestClickHouse.withDatabase(compression: compression) { client, database in
            let definition = ClickHouseTableDefinition(database: database, name: "all_types", columns: AllTypesFixture.schema.fields,
                                                       orderBy: ["id"])
            try await client.createTable(definition)
            let first = try AllTypesFixture(count: 700, seed: 1)
            let second = try AllTypesFixture(count: 300, seed: 2, firstID: 700)
            let summary = try await client.insert(database: database, table: "all_types", schema: AllTypesFixture.schema,
                                                  batches: [first.batch, second.batch])
            #expect(summary.rows == 1000)
            #expect(summary.batches == 2)
            #expect(summary.compression == compression)
            if compression == .none { #expect(summary.sentBytes == summary.bytes) } else { #expect(summary.sentBytes < summary.bytes) }

            let rows = try await client.rows("SELECT \(AllTypesFixture.selectList) FROM \(ClickHouseSQL.qualifiedName(database: database, table: "all_types")) ORDER BY id")
            let expected = first.rows + second.rows
            try #require(rows.count == expected.count)
            var mismatches: [String] = []
            for (row, values) in zip(rows, expected) {
                for (index, field) in AllTypesFixture.schema.fields.enumerated()
                    where !AllTypesFixture.matches(row[index], values[index], field, zeroDatePrintsAsZeros: true) {
                    mismatches.append("id \(values[0]) \(field.name): got \(row[index] ?? "NULL"), sent \(values[index])")
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) mismatches: \(mismatches.prefix(8))")

            // Decimals also through sums (never through toString(), which 18.16 prints wrongly for Decimal128).
            let sum = try await client.value("SELECT sum(d18) FROM \(ClickHouseSQL.qualifiedName(database: database, table: "all_types"))")
            let expectedSum = expected.reduce(Int128(0)) { total, row in
                if case .decimal(let unscaled, _) = row[13] { return total + unscaled }
                return total
            }
            #expect(sum.flatMap { DecimalText.parse($0, precision: 38, scale: 4) } == expectedSum)
            let d38 = try await client.rows("SELECT d38 = toDecimal128('9999999999999999999999999999.9999999999', 10), d38 = toDecimal128('-9999999999999999999999999999.9999999999', 10) FROM \(ClickHouseSQL.qualifiedName(database: database, table: "all_types")) WHERE id IN (0, 1) ORDER BY id")
            #expect(d38 == [["1", "0"], ["0", "1"]])
            // Exact seconds: the floor of the microseconds, and the raw day numbers at the range limits.
            let limits = try await client.rows("SELECT toUInt16(d), toUInt32(ts), toUInt32(tz) FROM \(ClickHouseSQL.qualifiedName(database: database, table: "all_types")) WHERE id IN (0, 1, 2, 3) ORDER BY id")
            #expect(limits == [["0", "0", "0"], ["49672", "4291747199", "4291747199"], [nil, nil, "1"], ["1", "1700000000", "1700000000"]])
        }
    }

    @Test func hugeEmptyAndUnicodeStrings() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let schema = Schema([Field(name: "id", type: .int32, nullable: false), Field(name: "s", type: .string, nullable: true)])
            try await client.createTable(ClickHouseTableDefinition(database: database, name: "strings", columns: schema.fields, orderBy: ["id"]))
            var random = SplitMix64(seed: 7)
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzäöü日本🌊\t\n\\'\"")
            let huge = String((0..<4_500_000).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            let values: [String?] = [huge, "", nil, "\u{0}", "zoë", String(repeating: "x", count: 128), "\\N"]
            let batch = try makeBatch(schema, values.enumerated().map { [.int(Int64($0.offset)), $0.element.map(Value.string) ?? .null] })
            try await client.insert(database: database, table: "strings", schema: schema, batches: [batch])
            let rows = try await client.rows("SELECT s, length(s) FROM \(ClickHouseSQL.qualifiedName(database: database, table: "strings")) ORDER BY id")
            #expect(rows.map { $0[0] } == values)
            #expect(rows[0][1] == String(huge.utf8.count))
            #expect(huge.utf8.count > 5_000_000)
        }
    }

    @Test func oddIdentifiersAndLiteralsRoundTrip() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let names = ["we`ird", "it's", "back\\slash", "zoë 日本", "tab\tname", "select"]
            let schema = Schema(names.map { Field(name: $0, type: .string, nullable: false) })
            let table = "t`able 'ü'"
            try await client.createTable(ClickHouseTableDefinition(database: database, name: table, columns: schema.fields))
            let columns = try await client.rows("SELECT name FROM system.columns WHERE database = \(ClickHouseSQL.stringLiteral(database)) AND table = \(ClickHouseSQL.stringLiteral(table))")
            #expect(columns.map { $0[0] } == names)
            let batch = try makeBatch(schema, [names.map(Value.string)])
            try await client.insert(database: database, table: table, schema: schema, batches: [batch])
            let back = try await client.rows("SELECT \(names.map(ClickHouseSQL.identifier).joined(separator: ", ")) FROM \(ClickHouseSQL.qualifiedName(database: database, table: table))")
            #expect(back == [names])

            let nasty = ["it's", "\\", "\\'", "a\nb\tc\r\0", "' OR 1=1 --", "日本🌊", ""]
            let literals = try await client.rows("SELECT " + nasty.map(ClickHouseSQL.stringLiteral).joined(separator: ", "))
            #expect(literals == [nasty])
        }
    }

    /// 300 columns with 60-character names: the statement (about 20 KB) is longer than the 16 KiB URL
    /// 18.16 accepts, so it must travel in the body, compressed or not. Also an empty insert (a compressed body of
    /// the statement alone) and a query ending in `;`.
    @Test(arguments: [ClickHouseCompression.none, .lz4, .zstd(level: 1)])
    func wideTablesAndEmptyInserts(compression: ClickHouseCompression) async throws {
        try await TestClickHouse.withDatabase(compression: compression) { client, database in
            let fields = (0..<300).map { Field(name: "column_\($0)_" + String(repeating: "x", count: 50), type: .int32, nullable: false) }
            let schema = Schema(fields)
            try await client.createTable(ClickHouseTableDefinition(database: database, name: "wide", columns: fields))
            let batch = try makeBatch(schema, [fields.indices.map { .int(Int64($0)) }, fields.indices.map { .int(-Int64($0)) }])
            let summary = try await client.insert(database: database, table: "wide", schema: schema, batches: [batch])
            #expect(summary.rows == 2)
            let sums = try await client.rows("SELECT sum(\(ClickHouseSQL.identifier(fields[299].name))), count() FROM \(ClickHouseSQL.qualifiedName(database: database, table: "wide"));")
            #expect(sums == [["0", "2"]])
            let empty = try await client.insert(database: database, table: "wide", schema: schema, batches: [RecordBatch]())
            #expect(empty.rows == 0)
            #expect(try await client.value("SELECT count() FROM \(ClickHouseSQL.qualifiedName(database: database, table: "wide")) ;\n") == "2")
        }
    }

    @Test func typedLiteralsEvaluateToTheirValues() async throws {
        let client = try TestClickHouse.client()
        let cases: [(Value, DataType, String)] = [
            (.decimal(DecimalText.powerOfTen(38) - 1, scale: 10), .decimal(precision: 38, scale: 10), "9999999999999999999999999999.9999999999"),
            (.decimal(-5, scale: 2), .decimal(precision: 9, scale: 2), "-0.05"),
            (.int(49_672), .date, "2105-12-31"),
            (.int(1_700_000_000_654_321), .timestamp, "2023-11-14 22:13:20"),
            (.int(-1), .uint64, "18446744073709551615"),
            (.bytes([0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00]), .uuid,
             "123e4567-e89b-12d3-a456-426614174000"),
            (.string("o'k\\"), .string, "o'k\\"),
            (.null, .string, "\\N"),
        ]
        for (value, type, expected) in cases {
            let text = try await client.query("SELECT \(ClickHouseSQL.literal(value, type: type))")
            let parsed = TabSeparated.parse(text).first?.first ?? "<no row>"
            #expect((parsed ?? "\\N") == expected, "\(value) as \(type)")
        }
        let binary = try await client.value("SELECT hex(\(ClickHouseSQL.literal(.bytes([0, 0xff, 0x27, 0x5c]), type: .binary)))")
        #expect(binary == "00FF275C")
    }

    @Test func settingsTravelAsURLParameters() async throws {
        var config = try TestClickHouse.config()
        config.settings = ["max_threads": "1"]
        let client = ClickHouseClient(config: config)
        #expect(try await client.value("SELECT value FROM system.settings WHERE name = 'max_threads'") == "1")
        let perCall = try await client.value("SELECT value FROM system.settings WHERE name = 'max_threads'", settings: ["max_threads": "2"])
        #expect(perCall == "2")
    }

    @Test func parallelInsertsIntoOneTable() async throws {
        try await TestClickHouse.withDatabase { client, database in
            let schema = Schema([Field(name: "id", type: .int64, nullable: false)])
            try await client.createTable(ClickHouseTableDefinition(database: database, name: "p", columns: schema.fields, orderBy: ["id"]))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for part in 0..<4 {
                    let batch = try makeBatch(schema, (0..<1000).map { [.int(Int64(part * 1000 + $0))] })
                    group.addTask { try await client.insert(database: database, table: "p", schema: schema, batches: [batch]) }
                }
                try await group.waitForAll()
            }
            let result = try await client.rows("SELECT count(), sum(id), uniqExact(id) FROM \(ClickHouseSQL.qualifiedName(database: database, table: "p"))")
            #expect(result == [["4000", "7998000", "4000"]])
        }
    }
}
