/// Where an error happened, in the terms an operator uses: which file and line of the configuration,
/// which table, column and row of the data, which task of the run.
public struct ErrorContext: Sendable, Hashable {
    public var file: String?
    public var line: Int?
    public var key: String?
    public var table: String?
    public var column: String?
    public var row: Int?
    public var task: String?
    /// The 1-based column on `line` where the problem is: a character position in the file, not a data column
    /// (that is ``column``). Set by expressions written in the configuration; TASK_FAILED does not carry it.
    public var position: Int?

    public init(file: String? = nil, line: Int? = nil, position: Int? = nil, key: String? = nil, table: String? = nil,
                column: String? = nil, row: Int? = nil, task: String? = nil) {
        self.file = file
        self.line = line
        self.position = position
        self.key = key
        self.table = table
        self.column = column
        self.row = row
        self.task = task
    }

    /// Fills the fields this context leaves empty from `outer`.
    public func merged(into outer: ErrorContext) -> ErrorContext {
        ErrorContext(file: file ?? outer.file, line: line ?? outer.line, position: position ?? outer.position, key: key ?? outer.key,
                     table: table ?? outer.table, column: column ?? outer.column, row: row ?? outer.row,
                     task: task ?? outer.task)
    }

    var isEmpty: Bool { self == ErrorContext() }
}

/// The one error shape of Sluice: a stable code, a message for operators, the context that locates it, and whether
/// another attempt can succeed. Messages never contain secrets.
public struct SluiceError: Error, Sendable, Hashable {
    /// A stable, machine-readable error kind. Modules add their own codes in extensions, each saying whether an
    /// error of that kind is usually worth retrying.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        /// The usual class of the code's errors: true when the cause can pass (a connection, a server restarting or
        /// overloaded, a timeout), false when every attempt fails the same way (configuration, schema, permissions,
        /// data, SQL). An error whose class depends on more than its code (an SQLSTATE, a server's error number, an
        /// HTTP status) is classified where it is made: ``SluiceError/init(_:_:context:underlying:retryable:)``.
        public let retryable: Bool

        /// Unclassified codes count as retryable: a needless retry costs a backoff, a missed one fails a table.
        public init(_ name: String, retryable: Bool = true) {
            self.name = name
            self.retryable = retryable
        }

        public var description: String { name }

        /// Codes are identified by their name alone (a code decoded from the wire equals the declared one).
        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.name == rhs.name }
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    public var code: Code
    public var message: String
    public var context: ErrorContext
    /// A short description of the error underneath (a C library's message, a server's reply).
    public var underlying: String?
    /// Whether another attempt can succeed: decided where the error is made, carried to the driver in TASK_FAILED
    /// (docs/protocol.md §6.12); the scheduler retries only these, with backoff, and fails the table at once otherwise.
    public var retryable: Bool

    /// - Parameter retryable: the error's class when it differs from its code's usual one (``Code/retryable``).
    public init(_ code: Code, _ message: String, context: ErrorContext = ErrorContext(), underlying: String? = nil,
                retryable: Bool? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.underlying = underlying
        self.retryable = retryable ?? code.retryable
    }

    /// The same error with more context: fields already set are kept.
    public func adding(_ outer: ErrorContext) -> SluiceError {
        var copy = self
        copy.context = context.merged(into: outer)
        return copy
    }

    /// The same error, said again with `message` (which usually quotes the original's): code, class, context and
    /// underlying error are kept.
    public func restated(_ message: String) -> SluiceError {
        var copy = self
        copy.message = message
        return copy
    }
}

extension SluiceError.Code {
    public static let invalidBatch = Self("invalid_batch", retryable: false)
    public static let invalidValue = Self("invalid_value", retryable: false)
    /// A bug or an error nothing else classified; retried, since its cause is unknown.
    public static let internalError = Self("internal", retryable: true)
    /// Reading or writing the staging directory failed (a full disk, a missing directory, a damaged file, a bucket
    /// that cannot be reached).
    public static let stagingIO = Self("staging_io", retryable: true)
}

extension SluiceError: CustomStringConvertible {
    /// `file:line[:position]: key: message (table t, column c, row r) [code]: underlying`
    public var description: String {
        var text = ""
        if let file = context.file {
            text += file
            if let line = context.line {
                text += ":\(line)"
                if let position = context.position { text += ":\(position)" }
            }
            text += ": "
        }
        if let key = context.key { text += "\(key): " }
        text += message
        var located: [String] = []
        if let table = context.table { located.append("table \(table)") }
        if let column = context.column { located.append("column \(column)") }
        if let row = context.row { located.append("row \(row)") }
        if let task = context.task { located.append("task \(task)") }
        if !located.isEmpty { text += " (" + located.joined(separator: ", ") + ")" }
        text += " [\(code)]"
        if let underlying, !underlying.isEmpty { text += ": \(underlying)" }
        return text
    }
}
