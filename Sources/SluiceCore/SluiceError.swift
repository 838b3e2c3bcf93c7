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

/// The one error shape of Sluice: a stable code, a message for operators, and the context that locates it.
/// Messages never contain secrets.
public struct SluiceError: Error, Sendable, Hashable {
    /// A stable, machine-readable error kind. Modules add their own codes in extensions.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }
    }

    public var code: Code
    public var message: String
    public var context: ErrorContext
    /// A short description of the error underneath (a C library's message, a server's reply).
    public var underlying: String?

    public init(_ code: Code, _ message: String, context: ErrorContext = ErrorContext(), underlying: String? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.underlying = underlying
    }

    /// The same error with more context: fields already set are kept.
    public func adding(_ outer: ErrorContext) -> SluiceError {
        var copy = self
        copy.context = context.merged(into: outer)
        return copy
    }
}

extension SluiceError.Code {
    public static let invalidBatch = Self("invalid_batch")
    public static let invalidValue = Self("invalid_value")
    public static let internalError = Self("internal")
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
