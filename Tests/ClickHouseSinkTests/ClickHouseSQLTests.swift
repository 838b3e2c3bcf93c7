@testable import ClickHouseSink
import SluiceCore
import Testing

@Suite struct ClickHouseSQLTests {
    @Test(arguments: [
        ("plain", "`plain`"),
        ("we`ird", "`we\\`ird`"),
        ("back\\slash", "`back\\\\slash`"),
        ("it's", "`it's`"),
        ("zoë 日本 🌊", "`zoë 日本 🌊`"),
        ("line\nbreak\ttab", "`line\\nbreak\\ttab`"),
        ("", "``"),
        ("`; DROP TABLE x; --", "`\\`; DROP TABLE x; --`"),
    ])
    func identifiers(name: String, expected: String) {
        #expect(ClickHouseSQL.identifier(name) == expected)
    }

    @Test(arguments: [
        ("abc", "'abc'"),
        ("it's", "'it\\'s'"),
        ("a\\b", "'a\\\\b'"),
        ("\\'", "'\\\\\\''"),
        ("x\ny\rz\t\0\u{8}\u{c}", "'x\\ny\\rz\\t\\0\\b\\f'"),
        ("zoë", "'zoë'"),
        ("' OR 1=1 --", "'\\' OR 1=1 --'"),
    ])
    func stringLiterals(value: String, expected: String) {
        #expect(ClickHouseSQL.stringLiteral(value) == expected)
    }

    @Test func qualifiedName() {
        #expect(ClickHouseSQL.qualifiedName(database: "etl`x", table: "t.1") == "`etl\\`x`.`t.1`")
    }

    @Test func typedLiterals() {
        #expect(ClickHouseSQL.literal(.null, type: .string) == "NULL")
        #expect(ClickHouseSQL.literal(.boolean(true), type: .boolean) == "1")
        #expect(ClickHouseSQL.literal(.int(-5), type: .int32) == "-5")
        #expect(ClickHouseSQL.literal(.int(-1), type: .uint64) == "18446744073709551615")
        #expect(ClickHouseSQL.literal(.decimal(-12345, scale: 2), type: .decimal(precision: 9, scale: 2))
            == "toDecimal128('-123.45', 2)")
        #expect(ClickHouseSQL.literal(.int(19_000), type: .date) == "toDate(19000)")
        #expect(ClickHouseSQL.literal(.int(1_700_000_000_999_999), type: .timestampTZ) == "toDateTime(1700000000, 'UTC')")
        #expect(ClickHouseSQL.literal(.int(45_296_000_007), type: .time) == "'12:34:56.000007'")
        #expect(ClickHouseSQL.literal(.string("o'k"), type: .string) == "'o\\'k'")
        #expect(ClickHouseSQL.literal(.bytes([0, 0xAB]), type: .binary) == "'\\x00\\xab'")
        #expect(ClickHouseSQL.literal(.bytes(Array(UInt8(0)...UInt8(15))), type: .uuid)
            == "toUUID('00010203-0405-0607-0809-0a0b0c0d0e0f')")
        #expect(ClickHouseSQL.literal(.double(.nan), type: .float64) == "nan")
        #expect(ClickHouseSQL.literal(.float(-.infinity), type: .float32) == "-inf")
        #expect(ClickHouseSQL.literal(.double(0.1), type: .float64) == "0.1")
    }

    @Test func percentEncodingAndURLs() {
        #expect(ClickHouseURL.percentEncode("INSERT INTO `a`.`b` FORMAT Native") == "INSERT%20INTO%20%60a%60.%60b%60%20FORMAT%20Native")
        #expect(ClickHouseURL.percentEncode("ü&=?#+") == "%C3%BC%26%3D%3F%23%2B")
        #expect(ClickHouseURL.make(base: "http://h:8123", parameters: [("database", "d b")]) == "http://h:8123/?database=d%20b")
        #expect(ClickHouseURL.make(base: "https://h/ch/", parameters: []) == "https://h/ch/")
        #expect(ClickHouseURL.isSettingName("max_insert_block_size"))
        #expect(!ClickHouseURL.isSettingName("a&b"))
        #expect(!ClickHouseURL.isSettingName(""))
    }

    @Test func configNeverPrintsThePassword() {
        let config = ClickHouseConfig(url: "http://u:urlsecret@h:8123", user: "etl", password: "hunter2")
        var dumped = ""
        dump(config, to: &dumped)
        for text in ["\(config)", String(reflecting: config), dumped, "\(ClickHouseClient(config: config))"] {
            #expect(!text.contains("hunter2"))
            #expect(!text.contains("urlsecret"))
        }
        #expect("\(config)".contains("user: etl"))
    }

    @Test func configValidation() {
        #expect(throws: SluiceError.self) { try ClickHouseConfig(url: "ftp://h").validate() }
        #expect(throws: SluiceError.self) { try ClickHouseConfig(url: "http://h/?password=x").validate() }
        #expect(throws: SluiceError.self) { try ClickHouseConfig(url: "http://h", settings: ["a=b&c": "1"]).validate() }
        #expect(throws: Never.self) { try ClickHouseConfig(url: "http://h:8123", settings: ["max_threads": "1"]).validate() }
    }
}

@Suite struct TabSeparatedTests {
    @Test func parsesEscapesNullsAndEmptyFields() {
        let text = "1\t\\N\t\ta\\tb\\nc\\\\d\\'e\\0\n2\t\\\\N\tx\t\n"
        #expect(TabSeparated.parse(text) == [["1", nil, "", "a\tb\nc\\d'e\0"], ["2", "\\N", "x", ""]])
    }

    @Test func edgeCases() {
        #expect(TabSeparated.parse("") == [])
        #expect(TabSeparated.parse("\n") == [[""]])
        #expect(TabSeparated.parse("a") == [["a"]])
        #expect(TabSeparated.parse("\\N") == [[nil]])
        #expect(TabSeparated.parse("\\Nx\n") == [["Nx"]])
        #expect(TabSeparated.parse("x\\") == [["x\\"]])
        #expect(TabSeparated.parse("日本\t🌊\n") == [["日本", "🌊"]])
    }

    @Test func escapeRoundTrips() {
        let values: [String?] = ["a\tb", "\n", "\\N", nil, "", "\\", "ü\r\0"]
        let line = values.map(TabSeparated.escape).joined(separator: "\t") + "\n"
        #expect(TabSeparated.parse(line) == [values])
    }
}

@Suite struct ClickHouseServerErrorTests {
    @Test func parses1816Bodies() {
        let body = "Code: 193, e.displayText() = DB::Exception: Wrong password for user etl, e.what() = DB::Exception\n"
        let error = ClickHouseServerError(httpStatus: 500, body: Array(body.utf8))
        #expect(error.code == 193)
        #expect(error.message == "Wrong password for user etl")
        #expect(error.sluiceCode == .clickHouseAuthentication)
        #expect(error.summary == "Code 193: Wrong password for user etl")
    }

    @Test func parsesNewerBodies() {
        let body = "Code: 60. DB::Exception: Table db.t does not exist. (UNKNOWN_TABLE) (version 23.8.1.1)\n"
        let error = ClickHouseServerError(httpStatus: 404, body: Array(body.utf8))
        #expect(error.code == 60)
        #expect(error.message == "Table db.t does not exist. (UNKNOWN_TABLE)")
        #expect(error.sluiceCode == .clickHouseUnknownTable)
    }

    @Test(arguments: [(81, SluiceError.Code.clickHouseUnknownDatabase), (62, .clickHouseSyntax), (368, .clickHouseSchemaMismatch),
                      (16, .clickHouseSchemaMismatch), (241, .clickHouseServer), (192, .clickHouseAuthentication),
                      (164, .clickHouseAccessDenied), (291, .clickHouseAccessDenied), (392, .clickHouseAccessDenied),
                      (497, .clickHouseAccessDenied)])
    func codes(code: Int, expected: SluiceError.Code) {
        let error = ClickHouseServerError(httpStatus: 500, body: Array("Code: \(code), e.displayText() = DB::Exception: x".utf8))
        #expect(error.sluiceCode == expected)
    }

    /// 18.16.1's replies to a user who logged in but may not do what it asked (see cluster/clickhouse/users.xml).
    @Test func accessDeniedReplies() {
        let readOnly = "is read-only (the readonly setting): it may not write, create, drop or change settings"
        let replies = [
            (164, "Cannot insert into table in readonly mode", readOnly),
            (164, "Cannot override setting (max_threads) in readonly mode", readOnly),
            (291, "Access denied to database etl_metadata for user analyst", "may not use this database (not in its allow_databases)"),
            (392, "Cannot drop table. DDL queries are prohibited for the user", "may not run DDL (the allow_ddl setting is 0)"),
        ]
        for (code, text, refusal) in replies {
            let body = "Code: \(code), e.displayText() = DB::Exception: \(text), e.what() = DB::Exception\n"
            let error = ClickHouseServerError(httpStatus: 500, body: Array(body.utf8))
            #expect(error.sluiceCode == .clickHouseAccessDenied)
            #expect(error.refusal == refusal)
            #expect(error.summary == "Code \(code): \(text)")
        }
        let newer = ClickHouseServerError(
            httpStatus: 403, body: Array("Code: 497. DB::Exception: analyst: Not enough privileges. (ACCESS_DENIED) (version 23.8.1.1)".utf8))
        #expect(newer.sluiceCode == .clickHouseAccessDenied)
        #expect(newer.refusal == "lacks the privilege")
        #expect(ClickHouseServerError(httpStatus: 500, body: Array("Code: 60, e.displayText() = DB::Exception: x".utf8)).refusal == nil)
    }

    /// (HTTP status, ClickHouse code or nil, retryable): passing conditions are retried whatever the status, refusals
    /// and bad queries never are, and the rest follow the status (5xx: the server failed).
    static let replies: [(Int, Int?, Bool)] = [
        (500, 252, true),   // TOO_MANY_PARTS
        (500, 241, true),   // MEMORY_LIMIT_EXCEEDED
        (500, 159, true),   // TIMEOUT_EXCEEDED
        (503, 209, true),   // SOCKET_TIMEOUT (18.16: 503)
        (500, 202, true),   // TOO_MANY_SIMULTANEOUS_QUERIES
        (500, 242, true),   // TABLE_IS_READ_ONLY (a replica lost ZooKeeper)
        (500, 319, true),   // UNKNOWN_STATUS_OF_INSERT
        (500, 193, false),  // WRONG_PASSWORD (18.16: 500)
        (401, 516, false),  // AUTHENTICATION_FAILED
        (500, 164, false),  // READONLY
        (500, 291, false),  // DATABASE_ACCESS_DENIED
        (403, 497, false),  // ACCESS_DENIED
        (404, 81, false),   // UNKNOWN_DATABASE
        (404, 60, false),   // UNKNOWN_TABLE
        (400, 62, false),   // SYNTAX_ERROR
        (400, 53, false),   // TYPE_MISMATCH
        (500, 16, false),   // NO_SUCH_COLUMN_IN_TABLE
        (400, 27, false),   // CANNOT_PARSE_INPUT_ASSERTION_FAILED
        (500, 321, false),  // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
        (500, 57, false),   // TABLE_ALREADY_EXISTS
        (500, 1000, true),  // an unlisted code the server answered 500 for
        (400, 1000, false), // an unlisted code the server answered 400 for
        (502, nil, true),   // a gateway in front of the server
        (503, nil, true),
        (401, nil, false),
        (404, nil, false),
    ]

    @Test(arguments: replies.indices) func retryability(_ index: Int) {
        let (status, code, expected) = Self.replies[index]
        let body = code.map { "Code: \($0), e.displayText() = DB::Exception: x, e.what() = DB::Exception" } ?? "<html>gateway</html>"
        let error = ClickHouseServerError(httpStatus: status, body: Array(body.utf8))
        #expect(error.isRetryable == expected, "HTTP \(status), code \(String(describing: code))")
    }

    @Test func garbageBodiesNeverTrap() {
        for body in ["", "Code: ", "Code: x", "Code: 99999999999999999999999", "<html>502</html>", "Code: 5,"] {
            let error = ClickHouseServerError(httpStatus: 502, body: Array(body.utf8))
            #expect(!error.summary.isEmpty)
        }
        #expect(ClickHouseServerError(httpStatus: 401, body: []).sluiceCode == .clickHouseAuthentication)
    }
}
