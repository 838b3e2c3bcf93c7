import ClickHouseSink
import HTTPTransport
import SluiceCore
import Testing

/// Failures against the real server: each must be a clear error naming what failed.
@Suite struct ClickHouseErrorTests {
    let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "d", type: .date, nullable: true)])

    @Test func wrongPassword() async throws {
        var config = try TestClickHouse.config()
        config.password = "definitely-wrong"
        let client = ClickHouseClient(config: config)
        let error = await #expect(throws: SluiceError.self) { try await client.ping() }
        #expect(error?.code == .clickHouseAuthentication)
        #expect(error?.message == "authentication failed for user \(config.user) at ClickHouse \(config.endpoint)")
        #expect(error?.underlying?.contains("Code 193") == true)
        #expect(error.map { !"\($0)".contains("definitely-wrong") } == true)
    }

    @Test func unknownUser() async throws {
        var config = try TestClickHouse.config()
        config.user = "nobody_here"
        let error = await #expect(throws: SluiceError.self) { try await ClickHouseClient(config: config).ping() }
        #expect(error?.code == .clickHouseAuthentication)
        #expect(error?.message.contains("user nobody_here") == true)
    }

    @Test func unknownDatabaseAndTable() async throws {
        let client = try TestClickHouse.client()
        let batch = try makeBatch(schema, [[.int(1), .null]])
        let noDatabase = await #expect(throws: SluiceError.self) {
            try await client.insert(database: "chsink_no_such_db", table: "t", schema: schema, batches: [batch])
        }
        #expect(noDatabase?.code == .clickHouseUnknownDatabase && noDatabase?.retryable == false)
        #expect(noDatabase?.context.table == "chsink_no_such_db.t")
        #expect(noDatabase?.message.contains("database chsink_no_such_db does not exist") == true)

        try await TestClickHouse.withDatabase { client, database in
            let noTable = await #expect(throws: SluiceError.self) {
                try await client.insert(database: database, table: "missing", schema: schema, batches: [batch])
            }
            #expect(noTable?.code == .clickHouseUnknownTable && noTable?.retryable == false)
            #expect(noTable?.message.contains("table \(database).missing does not exist") == true)

            // Without the pre-check the server's own error comes through, classified the same way.
            var config = client.config
            config.verifyTableBeforeInsert = false
            let unchecked = await #expect(throws: SluiceError.self) {
                try await ClickHouseClient(config: config).insert(database: database, table: "missing", schema: schema, batches: [batch])
            }
            #expect(unchecked?.code == .clickHouseUnknownTable && unchecked?.retryable == false)
            #expect(unchecked?.context.table == "\(database).missing")
            #expect(unchecked?.underlying?.contains("Code 60") == true)

            let query = await #expect(throws: SluiceError.self) { try await client.query("SELECT * FROM \(database).missing") }
            #expect(query?.code == .clickHouseUnknownTable)
            let syntax = await #expect(throws: SluiceError.self) { try await client.execute("SELEC 1") }
            #expect(syntax?.code == .clickHouseSyntax && syntax?.retryable == false, "a syntax error fails at once")
            // A server-side limit that passes is retryable: 18.16 answers TIMEOUT_EXCEEDED (159) with HTTP 500.
            let timeout = await #expect(throws: SluiceError.self) {
                try await client.query("SELECT count() FROM system.numbers SETTINGS max_execution_time = 1, timeout_overflow_mode = 'throw'")
            }
            #expect(timeout?.code == .clickHouseServer && timeout?.retryable == true, "\(String(describing: timeout))")
        }
    }

    @Test func aFailedQueryNamesTheQueryIDTheServerLogged() async throws {
        var config = try TestClickHouse.config()
        config.settings["log_queries"] = "1"
        let client = ClickHouseClient(config: config)
        let error = await #expect(throws: SluiceError.self) { try await client.query("SELECT no_such_column FROM system.one") }
        let message = try #require(error?.message)
        let queryID = try #require(message.firstRange(of: "(query id ").map { String(message[$0.upperBound...].prefix { $0 != ")" }) })
        #expect(queryID.hasPrefix("sluice-") && queryID.count > 20, "\(message)")
        try await client.execute("SYSTEM FLUSH LOGS")
        let logged = try await client.value("SELECT count() FROM system.query_log WHERE query_id = '\(queryID)' AND exception != ''")
        #expect(logged == "1")
        // Inserts carry one too.
        let insert = await #expect(throws: SluiceError.self) {
            var unchecked = config
            unchecked.verifyTableBeforeInsert = false
            try await ClickHouseClient(config: unchecked).insert(database: "system", table: "no_such_table", schema: schema,
                                                                 batches: [try makeBatch(schema, [[.int(1), .null]])])
        }
        #expect(insert?.message.contains("(query id sluice-") == true, "\(insert?.message ?? "")")
    }

    /// 18.16 streams results: a query failing after the first megabyte of output would answer 200 with the
    /// error appended to the rows, unless the status waits for the end of the query.
    @Test func errorAfterTheFirstMegabyteOfOutputIsAnError() async throws {
        let client = try TestClickHouse.client()
        let error = await #expect(throws: SluiceError.self) {
            try await client.query("SELECT throwIf(number = 90000), toString(number) || 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' FROM numbers(100000)",
                                   settings: ["max_block_size": "1000"])
        }
        #expect(error?.code == .clickHouseServer)
        #expect(error?.underlying?.contains("Code 395") == true)
    }

    @Test func tableOfAnotherShape() async throws {
        try await TestClickHouse.withDatabase { client, database in
            try await client.execute("CREATE TABLE \(database).t (id Int32, d Nullable(Date)) ENGINE = MergeTree() ORDER BY id")
            let batch = try makeBatch(schema, [[.int(1), .null]])
            let error = await #expect(throws: SluiceError.self) {
                try await client.insert(database: database, table: "t", schema: schema, batches: [batch])
            }
            #expect(error?.code == .clickHouseSchemaMismatch)
            #expect(error?.context.column == "id")
            #expect(error?.message.contains("column id is Int32 in the table but Sluice sends Int64") == true)

            let extra = Schema(schema.fields + [Field(name: "x", type: .string)])
            let missing = await #expect(throws: SluiceError.self) {
                try await client.insert(database: database, table: "t", schema: extra,
                                        batches: [try makeBatch(extra, [[.int(1), .null, .string("a")]])])
            }
            #expect(missing?.message.contains("column x does not exist in the table") == true)

            var config = client.config
            config.verifyTableBeforeInsert = false
            let unchecked = await #expect(throws: SluiceError.self) {
                try await ClickHouseClient(config: config).insert(database: database, table: "t", schema: schema, batches: [batch])
            }
            #expect(unchecked?.code == .clickHouseSchemaMismatch)  // MergeTree answers Code 368, "Bad cast"
            #expect(unchecked?.underlying?.contains("Code 368") == true)
        }
    }

    @Test func serverDown() async throws {
        let port = try closedLoopbackPort()
        let client = ClickHouseClient(config: ClickHouseConfig(url: "http://127.0.0.1:\(port)", user: "etl", password: "secret-pw"))
        let ping = await #expect(throws: SluiceError.self) { try await client.ping() }
        #expect(ping?.code == .httpUnreachable && ping?.retryable == true)
        #expect(ping?.message.contains("cannot connect to 127.0.0.1:\(port) (connection refused)") == true)
        #expect(ping?.message.contains("ClickHouse") == true)
        var config = client.config
        config.verifyTableBeforeInsert = false
        let insert = await #expect(throws: SluiceError.self) {
            try await ClickHouseClient(config: config).insert(database: "d", table: "t", schema: schema,
                                                              batches: [try makeBatch(schema, [[.int(1), .null]])])
        }
        #expect(insert?.code == .httpUnreachable && insert?.retryable == true)
        #expect(insert?.context.table == "d.t")
        #expect(insert.map { !"\($0)".contains("secret-pw") } == true)
    }

    /// An encoder error in the second batch stops the insert and names the table, column and row.
    @Test func badValueMidStream() async throws {
        try await TestClickHouse.withDatabase { client, database in
            try await client.createTable(ClickHouseTableDefinition(database: database, name: "t", columns: schema.fields, orderBy: ["id"]))
            let good = try makeBatch(schema, (0..<1000).map { [.int(Int64($0)), .int(Int64($0))] })
            let bad = try makeBatch(schema, (1000..<2000).map { [.int(Int64($0)), .int($0 == 1500 ? -3 : 1)] })
            let error = await #expect(throws: SluiceError.self) {
                try await client.insert(database: database, table: "t", schema: schema, batches: [good, bad])
            }
            #expect(error?.code == .clickHouseValueOutOfRange)
            #expect(error?.context.table == "\(database).t")
            #expect(error?.context.column == "d")
            #expect(error?.context.row == 1500)
            #expect(error?.message.contains("1969-12-29") == true)
        }
    }
}

/// A loopback port where nothing listens.
func closedLoopbackPort() throws -> Int {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard ok else { throw CancellationError() }
    return Int(UInt16(bigEndian: address.sin_port))
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
