public import SluiceCore

/// Error codes of the ClickHouse sink (besides the transport's `http_*` codes and
/// ``SluiceError/Code/clickHouseValueOutOfRange``).
extension SluiceError.Code {
    /// Wrong password, unknown user, or a user not allowed from this address.
    public static let clickHouseAuthentication = Self("clickhouse_authentication", retryable: false)
    /// The user logged in but may not run this statement: a read-only user writing, creating, dropping or changing a
    /// setting (ClickHouse code 164), a database outside the user's `allow_databases` (291), DDL while `allow_ddl` is
    /// 0 (392), or a missing privilege on servers with SQL access control (497).
    public static let clickHouseAccessDenied = Self("clickhouse_access_denied", retryable: false)
    public static let clickHouseUnknownDatabase = Self("clickhouse_unknown_database", retryable: false)
    public static let clickHouseUnknownTable = Self("clickhouse_unknown_table", retryable: false)
    /// The target table's columns do not match what Sluice sends (a missing column, another type).
    public static let clickHouseSchemaMismatch = Self("clickhouse_schema_mismatch", retryable: false)
    public static let clickHouseSyntax = Self("clickhouse_syntax", retryable: false)
    /// Any other error the server reported.
    public static let clickHouseServer = Self("clickhouse_server", retryable: true)
    /// A definition Sluice cannot turn into valid DDL, or a configuration it cannot use.
    public static let clickHouseInvalidDefinition = Self("clickhouse_invalid_definition", retryable: false)
}

/// An error reply of the ClickHouse HTTP interface, taken apart.
///
/// 18.16 answers `Code: 60, e.displayText() = DB::Exception: Table db.t doesn't exist., e.what() = DB::Exception`
/// with HTTP 404 / 400 / 401 / 500 and no `X-ClickHouse-Exception-Code` header; newer servers answer
/// `Code: 60. DB::Exception: Table db.t doesn't exist. (UNKNOWN_TABLE) (version 23.8.1.1)`. Both parse.
public struct ClickHouseServerError: Sendable, Hashable {
    /// ClickHouse's error code (`ErrorCodes.cpp`), nil when the body did not carry one.
    public var code: Int?
    /// The message without the `DB::Exception: ` prefix and the trailing `e.what()` part.
    public var message: String
    public var httpStatus: Int

    public init(httpStatus: Int, body: [UInt8]) {
        self.httpStatus = httpStatus
        var text = String(decoding: body.prefix(8192), as: UTF8.self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        var code: Int?
        if text.hasPrefix("Code: ") {
            let digits = text.dropFirst(6).prefix { $0.isASCII && $0.isNumber }
            code = Int(digits)
            text = String(text.dropFirst(6 + digits.count))
            if text.hasPrefix(",") || text.hasPrefix(".") { text.removeFirst() }
            text = String(text.drop { $0 == " " })
        }
        if text.hasPrefix("e.displayText() = ") { text = String(text.dropFirst("e.displayText() = ".count)) }
        if let what = text.firstRange(of: ", e.what() = ") { text = String(text[..<what.lowerBound]) }
        if text.hasPrefix("DB::Exception: ") { text = String(text.dropFirst("DB::Exception: ".count)) }
        if let version = text.firstRange(of: " (version ") { text = String(text[..<version.lowerBound]) }
        self.code = code
        self.message = text.isEmpty ? "HTTP \(httpStatus) with an empty body" : text
    }

    /// The Sluice error code for this reply.
    public var sluiceCode: SluiceError.Code {
        switch code {
        case 192, 193, 194, 195, 516: return .clickHouseAuthentication
        case 164, 291, 392, 497: return .clickHouseAccessDenied
        case 81: return .clickHouseUnknownDatabase
        case 60: return .clickHouseUnknownTable
        case 16, 10, 53, 70, 368: return .clickHouseSchemaMismatch
        case 62: return .clickHouseSyntax
        default: return httpStatus == 401 || httpStatus == 403 ? .clickHouseAuthentication : .clickHouseServer
        }
    }

    /// Whether another attempt can succeed. Codes of passing conditions are retryable whatever the status: timeouts
    /// (159 TIMEOUT_EXCEEDED, 160 TOO_SLOW, 209 SOCKET_TIMEOUT), load (202 TOO_MANY_SIMULTANEOUS_QUERIES, 203
    /// NO_FREE_CONNECTION, 252 TOO_MANY_PARTS, 439 CANNOT_SCHEDULE_TASK), memory and disk (173
    /// CANNOT_ALLOCATE_MEMORY, 241 MEMORY_LIMIT_EXCEEDED, 243 NOT_ENOUGH_SPACE), the network and replication (210
    /// NETWORK_ERROR, 225 NO_ZOOKEEPER, 242 TABLE_IS_READ_ONLY, 254 NO_ACTIVE_REPLICAS, 279 ALL_CONNECTION_TRIES_FAILED,
    /// 285 TOO_FEW_LIVE_REPLICAS, 286 UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE, 319 UNKNOWN_STATUS_OF_INSERT, 999
    /// KEEPER_EXCEPTION), a quota interval (201 QUOTA_EXPIRED), a query cancelled or aborted (236 ABORTED, 394
    /// QUERY_WAS_CANCELLED), locks (384 PART_IS_TEMPORARILY_LOCKED, 473 DEADLOCK_AVOIDED) and 425 SYSTEM_ERROR.
    /// Codes that fail the same way every time are not: authentication and access (``sluiceCode``), unknown
    /// databases and tables, schema mismatches, syntax, values the server cannot parse or hold (6, 27, 38, 41, 69,
    /// 72, 117, 321, 349, 407), bad arguments and settings (36, 43, 44, 48, 115), a table that already exists (57).
    /// Any other reply is retryable when its status is 5xx (ClickHouse answers 500 for errors it does not map;
    /// 18.16 answers 503 for socket timeouts) and not when it is 4xx (ClickHouse's 400 and 404 are for bad
    /// queries and unknown objects).
    public var isRetryable: Bool {
        if let code, Self.retryableCodes.contains(code) { return true }
        if let code, Self.permanentCodes.contains(code) { return false }
        if !sluiceCode.retryable { return false }
        return httpStatus >= 500
    }

    static let retryableCodes: Set<Int> = [159, 160, 173, 201, 202, 203, 209, 210, 225, 236, 241, 242, 243, 252, 254, 279, 285,
                                           286, 319, 384, 394, 425, 439, 473, 999]
    static let permanentCodes: Set<Int> = [6, 27, 36, 38, 41, 43, 44, 48, 57, 69, 72, 115, 117, 321, 349, 407]

    /// Why the server refused a user who logged in (for ``SluiceError/Code/clickHouseAccessDenied`` replies), in the
    /// terms of the server's users.xml; nil for other codes.
    public var refusal: String? {
        switch code {
        case 164: return "is read-only (the readonly setting): it may not write, create, drop or change settings"
        case 291: return "may not use this database (not in its allow_databases)"
        case 392: return "may not run DDL (the allow_ddl setting is 0)"
        case 497: return "lacks the privilege"
        default: return nil
        }
    }

    /// `Code 60: Table db.t doesn't exist.`
    public var summary: String {
        code.map { "Code \($0): \(message)" } ?? message
    }
}
