import Foundation
public import HTTPTransport
public import Logging
public import SluiceCore

/// A client of one ClickHouse server's HTTP interface: commands, queries, and streaming inserts.
///
/// Every call runs as one blocking HTTP request on its own thread (``HTTPTransport/HTTPClient``), so
/// the caller's task only waits. Copies share the connection pool.
public struct ClickHouseClient: Sendable {
    public let config: ClickHouseConfig
    let http: HTTPClient
    let logger: Logger

    /// - Parameters:
    ///   - http: the transport to use; by default one of its own, sized for a few parallel inserts.
    ///   - logger: where debug logs of requests go (a no-op logger by default; the CLI configures logging).
    public init(config: ClickHouseConfig, http: HTTPClient? = nil,
                logger: Logger = Logger(label: "sluice.clickhouse", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.config = config
        self.http = http ?? HTTPClient(configuration: .init(timeouts: config.timeouts, tls: config.tls))
        self.logger = logger
    }

    /// Checks that the server answers and accepts the credentials; returns its version (`18.16.1`).
    @discardableResult
    public func ping() async throws(SluiceError) -> String {
        let version = try await value("SELECT version()")
        return version ?? ""
    }

    /// The server's version, parsed from `SELECT version()`.
    /// - Throws: ``SluiceError/Code/clickHouseServer`` when the answer is not a version.
    public func serverVersion() async throws(SluiceError) -> ClickHouseServerVersion {
        let text = try await ping()
        guard let version = ClickHouseServerVersion(text) else {
            throw SluiceError(.clickHouseServer, "ClickHouse \(config.endpoint) answered \(text.debugDescription) to SELECT version(), not a version")
        }
        return version
    }

    /// Runs a statement that returns nothing useful (DDL, `OPTIMIZE`, `ALTER`, `INSERT ... SELECT`).
    public func execute(_ sql: String, settings: [String: String] = [:]) async throws(SluiceError) {
        _ = try await send(sql, settings: settings, operation: Self.operationName(sql))
    }

    /// Runs a query and returns its output as text (TabSeparated unless the SQL names another format).
    public func query(_ sql: String, settings: [String: String] = [:]) async throws(SluiceError) -> String {
        let body = try await send(sql, settings: settings, operation: Self.operationName(sql))
        return String(decoding: body, as: UTF8.self)
    }

    /// Runs a query and parses its TabSeparated output into rows of fields (nil for NULL).
    /// The SQL must not name a format (a trailing `;` is fine).
    public func rows(_ sql: String, settings: [String: String] = [:]) async throws(SluiceError) -> [[String?]] {
        var statement = Substring(sql)
        while let last = statement.last, last.isWhitespace || last == ";" { statement.removeLast() }
        return TabSeparated.parse(try await query(statement + "\nFORMAT TabSeparated", settings: settings))
    }

    /// The single value of a query returning at most one row of one column; nil for no row or NULL.
    public func value(_ sql: String, settings: [String: String] = [:]) async throws(SluiceError) -> String? {
        let result = try await rows(sql, settings: settings)
        guard result.count <= 1, result.first.map({ $0.count == 1 }) ?? true else {
            throw SluiceError(.clickHouseServer, "expected one value from ClickHouse \(config.endpoint), got \(result.count) rows",
                              underlying: Self.operationName(sql))
        }
        return result.first?[0] ?? nil
    }

    /// The single value of a query converted to `type` (`Int`, `UInt64`, `Double`, `Bool` from `true`/`false`, ...);
    /// nil for no row or NULL.
    /// - Throws: ``SluiceError/Code/clickHouseServer`` when the text does not convert.
    public func value<T: LosslessStringConvertible>(_ sql: String, as type: T.Type,
                                                    settings: [String: String] = [:]) async throws(SluiceError) -> T? {
        guard let text = try await value(sql, settings: settings) else { return nil }
        guard let converted = T(text) else {
            throw SluiceError(.clickHouseServer, "ClickHouse \(config.endpoint) returned \(text.debugDescription), not a \(T.self)",
                              underlying: Self.operationName(sql))
        }
        return converted
    }

    /// `CREATE DATABASE IF NOT EXISTS`.
    public func createDatabase(_ name: String) async throws(SluiceError) {
        try await execute(ClickHouseDDL.createDatabase(name))
    }

    /// `CREATE TABLE IF NOT EXISTS` from a definition; types from `mapping`.
    public func createTable(_ definition: ClickHouseTableDefinition,
                            mapping: ClickHouseTypeMapping = ClickHouseTypeMapping()) async throws(SluiceError) {
        try await execute(try ClickHouseDDL.createTable(definition, mapping: mapping))
    }

    // MARK: Requests

    /// POSTs `sql` as the body and returns the response body of a successful reply.
    private func send(_ sql: String, settings: [String: String], operation: String) async throws(SluiceError) -> [UInt8] {
        // wait_end_of_query=1: the server buffers the result and sends the status last. Without it, a query
        // failing after the first megabyte of output answers 200 with the error appended to the rows.
        let queryID = Self.newQueryID()
        let request = try makeRequest(settings: settings, contentType: "text/plain; charset=utf-8",
                                      extraParameters: [("wait_end_of_query", "1"), ("query_id", queryID)], body: .bytes(Array(sql.utf8)))
        let started = ContinuousClock.now
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw transportError(error, operation: operation, context: ErrorContext())
        }
        guard response.isSuccess else {
            throw serverError(response, operation: operation, context: ErrorContext(), queryID: queryID)
        }
        logger.debug("clickhouse.request.finished", metadata: [
            "clickhouse.query_id": "\(queryID)",
            "clickhouse.operation": "\(operation)",
            "clickhouse.response.bytes": "\(response.body.count)",
            "clickhouse.duration": "\(ContinuousClock.now - started)",
        ])
        return response.body
    }

    /// A POST to the endpoint with the database and settings as URL parameters; the statement is in the body.
    func makeRequest(settings: [String: String], contentType: String, extraParameters: [(String, String)] = [],
                     body: HTTPRequest.Body) throws(SluiceError) -> HTTPRequest {
        try config.validate()
        for name in settings.keys where !ClickHouseURL.isSettingName(name) {
            throw SluiceError(.clickHouseInvalidDefinition, "invalid ClickHouse setting name \(name.debugDescription)")
        }
        var all = [("database", config.database)]
        let merged = config.settings.merging(settings) { _, new in new }
        all += merged.keys.sorted().map { ($0, merged[$0]!) }
        all += extraParameters
        return HTTPRequest(method: .post, url: ClickHouseURL.make(base: config.url, parameters: all),
                           headers: ["Content-Type": contentType], body: body,
                           credentials: .init(user: config.user, password: config.password ?? ""),
                           responseBody: .collect(limit: config.maxResultBytes))
    }

    // MARK: Errors

    /// A fresh id for one request (`query_id`): the server's logs (`system.query_log`, the server log) name it, and
    /// so do Sluice's errors.
    static func newQueryID() -> String { "sluice-" + UUID().uuidString.lowercased() }

    /// A server reply that is not 2xx, as an error naming the server, the operation, ClickHouse's code and the query id.
    func serverError(_ response: HTTPResponse, operation: String, context: ErrorContext, queryID: String) -> SluiceError {
        let reply = ClickHouseServerError(httpStatus: response.status, body: response.body)
        let code = reply.sluiceCode
        // A table in the context already says where; otherwise name the session's database.
        let server = context.table == nil ? "ClickHouse \(config.endpoint) (database \(config.database))" : "ClickHouse \(config.endpoint)"
        let message: String
        switch code {
        case .clickHouseAuthentication:
            message = "authentication failed for user \(config.user) at ClickHouse \(config.endpoint)"
        case .clickHouseAccessDenied:
            message = "\(operation) refused by \(server): user \(config.user) \(reply.refusal ?? "may not do this")"
        case .clickHouseUnknownDatabase:
            message = "\(operation) failed on \(server): unknown database"
        case .clickHouseUnknownTable:
            message = "\(operation) failed on \(server): unknown table"
        default:
            message = "\(operation) failed on \(server)"
        }
        // A query that ran has an id the server's logs know; a refused login ran nothing.
        let named = code == .clickHouseAuthentication ? message : message + " (query id \(queryID))"
        return SluiceError(code, named, context: context, underlying: reply.summary, retryable: reply.isRetryable)
    }

    /// A transport failure, with the ClickHouse endpoint and operation named; errors raised by the body
    /// producer (encoder errors naming column and row) pass through with the context added.
    func transportError(_ error: SluiceError, operation: String, context: ErrorContext) -> SluiceError {
        guard error.code.name.hasPrefix("http_") else { return error.adding(context) }
        return SluiceError(error.code, "\(operation) on ClickHouse: \(error.message)", context: context,
                           underlying: error.underlying, retryable: error.retryable)
    }

    /// The first words of a statement, for messages: `CREATE TABLE`, `SELECT ...` (at most 80 characters).
    static func operationName(_ sql: String) -> String {
        let collapsed = sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.count <= 80 ? collapsed : String(collapsed.prefix(77)) + "..."
    }
}
