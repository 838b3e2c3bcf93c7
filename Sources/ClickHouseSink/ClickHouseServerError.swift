public import SluiceCore

/// Error codes of the ClickHouse sink (besides the transport's `http_*` codes and
/// ``SluiceError/Code/clickHouseValueOutOfRange``).
extension SluiceError.Code {
    /// Wrong password, unknown user, or a user not allowed from this address.
    public static let clickHouseAuthentication = Self("clickhouse_authentication")
    /// The user logged in but may not run this statement: a read-only user writing, creating, dropping or changing a
    /// setting (ClickHouse code 164), a database outside the user's `allow_databases` (291), DDL while `allow_ddl` is
    /// 0 (392), or a missing privilege on servers with SQL access control (497).
    public static let clickHouseAccessDenied = Self("clickhouse_access_denied")
    public static let clickHouseUnknownDatabase = Self("clickhouse_unknown_database")
    public static let clickHouseUnknownTable = Self("clickhouse_unknown_table")
    /// The target table's columns do not match what Sluice sends (a missing column, another type).
    public static let clickHouseSchemaMismatch = Self("clickhouse_schema_mismatch")
    public static let clickHouseSyntax = Self("clickhouse_syntax")
    /// Any other error the server reported.
    public static let clickHouseServer = Self("clickhouse_server")
    /// A definition Sluice cannot turn into valid DDL, or a configuration it cannot use.
    public static let clickHouseInvalidDefinition = Self("clickhouse_invalid_definition")
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
