import CLibPQ
import Foundation
public import SluiceCore

/// One libpq connection (`PGconn`), freed in `deinit`. All calls block: run them inside
/// ``BlockingIO/run(name:_:)``, never on Swift's cooperative pool.
///
/// `@unchecked Sendable` is safe because every use of `handle` happens while holding `lock`, so two threads
/// never drive the connection at once (libpq allows a connection to move between threads, not to be used
/// by two at the same time); the other stored properties are immutable.
public final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NSLock()
    public let config: PostgresConnectionConfig

    /// Connects, retrying connection failures (not authentication failures) with exponential backoff.
    public convenience init(_ config: PostgresConnectionConfig) throws(SluiceError) {
        var attempt = 0
        while true {
            do throws(SluiceError) {
                try self.init(connectingOnce: config)
                return
            } catch {
                attempt += 1
                guard error.code == .postgresConnection, attempt <= config.connectRetries else { throw error }
                Thread.sleep(forTimeInterval: config.retryDelay(attempt: attempt))
            }
        }
    }

    /// One connection attempt with `PQconnectdbParams` (keyword and value arrays, `expand_dbname = 0`).
    public init(connectingOnce config: PostgresConnectionConfig) throws(SluiceError) {
        self.config = config
        let parameters = config.libpqParameters
        let keywords = parameters.map { strdup($0.0) } + [nil]
        let values = parameters.map { strdup($0.1) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let connection = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let connection else {
            throw SluiceError(.postgresConnection, "libpq could not allocate a connection to \(config.host):\(config.port)")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw Self.connectionError(message, config: config)
        }
        self.handle = connection
    }

    deinit { PQfinish(handle) }

    /// Classifies a failed connection from libpq's message (no SQLSTATE is available at this stage).
    static func connectionError(_ message: String, config: PostgresConnectionConfig) -> SluiceError {
        let lowered = message.lowercased()
        let where_ = "\(config.user)@\(config.host):\(config.port)/\(config.database)"
        if lowered.contains("password authentication failed") || lowered.contains("no password supplied")
            || lowered.contains("authentication failed") || lowered.contains("pg_hba.conf")
            || (lowered.contains("role") && lowered.contains("does not exist")) {
            return SluiceError(.postgresAuthentication, "PostgreSQL refused the login of \(where_)", underlying: message)
        }
        if lowered.contains("database") && lowered.contains("does not exist") {
            return SluiceError(.postgresAuthentication, "database \(config.database) does not exist on \(config.host):\(config.port)",
                               underlying: message)
        }
        return SluiceError(.postgresConnection, "cannot connect to PostgreSQL at \(config.host):\(config.port)", underlying: message)
    }

    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `body` with the connection handle while holding the lock.
    private func locked<T>(_ body: (OpaquePointer) throws(SluiceError) -> T) throws(SluiceError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(handle)
    }

    /// The server's `server_version_num` (150020 for 15.20).
    public var serverVersion: Int { lock.withLock { Int(PQserverVersion(handle)) } }

    /// A parameter the server reported at startup (`server_encoding`, `TimeZone`, ...).
    public func parameterStatus(_ name: String) -> String? {
        lock.withLock { PQparameterStatus(handle, name).map { String(cString: $0) } }
    }

    /// Whether the connection uses TLS.
    public var usesTLS: Bool { lock.withLock { PQsslInUse(handle) != 0 } }

    /// Runs one statement with `$1...` parameters (always sent separately, in text form) and returns the
    /// rows in text form, NULL as nil. For catalogue queries and small results.
    public func query(_ sql: String, parameters: [String?] = []) throws(SluiceError) -> [[String?]] {
        try locked { handle throws(SluiceError) in
            let result = Self.execParams(handle, sql, parameters)
            defer { PQclear(result) }
            try Self.check(result, handle, allowing: [PGRES_TUPLES_OK, PGRES_COMMAND_OK])
            let rows = Int(PQntuples(result)), columns = Int(PQnfields(result))
            var out: [[String?]] = []
            out.reserveCapacity(rows)
            for r in 0..<rows {
                var row: [String?] = []
                row.reserveCapacity(columns)
                for c in 0..<columns {
                    if PQgetisnull(result, Int32(r), Int32(c)) != 0 { row.append(nil) }
                    else { row.append(String(cString: PQgetvalue(result, Int32(r), Int32(c)))) }
                }
                out.append(row)
            }
            return out
        }
    }

    /// Runs one or more statements with no parameters and no result rows (`BEGIN ...`, `SET ...`).
    public func execute(_ sql: String) throws(SluiceError) {
        try locked { handle throws(SluiceError) in
            let result = PQexec(handle, sql)
            defer { PQclear(result) }
            try Self.check(result, handle, allowing: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
        }
    }

    /// Runs `COPY ... TO STDOUT` and hands each chunk of the stream to `consume` as libpq delivers it (one
    /// CopyData message, usually one row); returns the number of bytes received. The chunk's memory is only
    /// valid during the call. If `consume` throws, the COPY is cancelled and the error rethrown.
    @discardableResult
    public func copyOut(_ sql: String, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        let start = PQexec(handle, sql)
        defer { PQclear(start) }
        try Self.check(start, handle, allowing: [PGRES_COPY_OUT])
        var total = 0
        while true {
            var buffer: UnsafeMutablePointer<CChar>? = nil
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                total += Int(length)
                do {
                    try consume(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                } catch {
                    PQfreemem(buffer)
                    cancelCopy()
                    throw error
                }
                PQfreemem(buffer)
                continue
            }
            if length == -1 {
                // Done: the final result tells whether the COPY succeeded.
                var failure: SluiceError? = nil
                while let result = PQgetResult(handle) {
                    do throws(SluiceError) { try Self.check(result, handle, allowing: [PGRES_COMMAND_OK]) }
                    catch { failure = failure ?? error }
                    PQclear(result)
                }
                if let failure { throw failure }
                return total
            }
            // -2: an error, e.g. the connection dropped.
            let message = Self.trimmed(PQerrorMessage(handle))
            while let result = PQgetResult(handle) { PQclear(result) }
            throw SluiceError(.postgresConnection, "the COPY stream from \(config.host):\(config.port) broke", underlying: message)
        }
    }

    /// Cancels a running COPY and drains what is left so the connection can be closed cleanly.
    private func cancelCopy() {
        if let cancel = PQgetCancel(handle) {
            var error = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &error, Int32(error.count))
            PQfreeCancel(cancel)
        }
        while true {
            var buffer: UnsafeMutablePointer<CChar>? = nil
            let length = PQgetCopyData(handle, &buffer, 0)
            if let buffer { PQfreemem(buffer) }
            if length < 0 { break }
        }
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    private static func execParams(_ handle: OpaquePointer, _ sql: String, _ parameters: [String?]) -> OpaquePointer? {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        return copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
        }
    }

    /// Turns a failed result into a ``SluiceError`` classified by SQLSTATE.
    static func check(_ result: OpaquePointer?, _ handle: OpaquePointer, allowing: [ExecStatusType]) throws(SluiceError) {
        guard let result else {
            throw SluiceError(.postgresConnection, "the connection to PostgreSQL failed", underlying: trimmed(PQerrorMessage(handle)))
        }
        let status = PQresultStatus(result)
        if allowing.contains(status) { return }
        let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? trimmed(PQresultErrorMessage(result))
        throw PostgresSQLState.error(sqlState: sqlState, message: primary.isEmpty ? "unexpected result status \(status)" : primary)
    }
}
