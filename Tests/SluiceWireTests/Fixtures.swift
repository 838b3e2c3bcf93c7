import NIOCore
import SluiceCore
import SluiceWire

/// Values every codec test reuses: awkward strings and one or more messages of every type.
enum Fixtures {
    /// Strings that break careless codecs: empty, multi-byte, combining, emoji sequences, control and NUL
    /// characters, a byte-order mark, and a large one.
    static let nastyStrings: [String] = [
        "",
        "a",
        "ünïcödé ✓ 日本語 עברית",
        "e\u{301} combining, 👩‍👩‍👧‍👦 family, 🇺🇳 flag",
        "line\nbreak\ttab\0nul\r\n",
        "\u{FEFF}bom and \u{10FFFF} last scalar",
        String(repeating: "x", count: 70_000),
        String(repeating: "€", count: 30_000),
    ]

    static func nonce(_ start: UInt8) -> [UInt8] {
        (0..<32).map { start &+ UInt8($0) }
    }

    static func taskSpec(_ text: String, id: UInt64 = 42, snapshot: String? = "00000003-0000001B-1") -> TaskSpec {
        TaskSpec(
            id: id, attempt: 3, runID: "run-\(text)", table: text, partitionIndex: 7, partitionCount: 16,
            read: ConnectorPayload(
                kind: "postgres",
                bytes: Array("{\"query\":\"SELECT * FROM \\\"\(text)\\\" WHERE id >= 10\",\"snapshot\":\"\(snapshot ?? "")\"}".utf8) + [0, 0xFF]),
            shardPath: "/staging/run/\(text)/part-7.parquet",
            related: [RelatedRead(table: text + "_items", read: ConnectorPayload(kind: "postgres", bytes: Array(text.utf8)),
                                  shardPath: "/staging/run/\(text)_items/part-7.parquet")])
    }

    static func taskResult(_ text: String, maxCursor: String? = "2024-01-02 03:04:05.123456") -> TaskResult {
        var result = TaskResult(
            taskID: .max, attempt: 1, rowsExtracted: 1_000_000, rowsStaged: 999_999, rowsDeleted: 17, rowsDropped: 1,
            nulledValues: ["col:" + text: 3, "created_at": 0, "ß": .max, "a": 1], maxCursor: maxCursor, shardPath: text,
            shardBytes: 123_456_789, receipt: ConnectorPayload(kind: "clickhouse", bytes: Array(text.utf8.prefix(64))),
            extractMicroseconds: 2, loadMicroseconds: .max)
        result.output.table = text
        result.output.rowsFiltered = 12
        result.output.quarantined = ["rule " + text: 3, "total_positive": .max]
        result.output.quarantinePath = "/staging/run/\(text)/quarantine-part-7.parquet"
        result.related = [TaskOutput(table: text + "_items", rowsExtracted: 5, rowsStaged: 4, rowsFiltered: 1,
                                     quarantined: ["parent": 1], shardPath: text, shardBytes: 9,
                                     receipt: ConnectorPayload(kind: "clickhouse", bytes: [0, 1, 2]))]
        return result
    }

    static func taskFailure(_ text: String, full: Bool = true) -> TaskFailure {
        let context = full
            ? ErrorContext(file: "\(text).yaml", line: -1, key: "tables.\(text)", table: text, column: "cölumn",
                           row: .max, task: "\(text)#3")
            : ErrorContext()
        let error = SluiceError(
            SluiceError.Code("pg_\(text)"), "cannot decode \(text)", context: context,
            underlying: full ? "ERROR: \(text) (SQLSTATE 22003)" : nil, retryable: full)
        return TaskFailure(taskID: 9, attempt: .max, error: error)
    }

    static let hello = WireMessage.Hello(
        minVersion: 4, maxVersion: 4, slots: 4, clientNonce: nonce(0), executorID: "exec-1")

    /// At least one message of every type, most of them once per nasty string.
    static var allMessages: [WireMessage] {
        var messages: [WireMessage] = [
            .hello(hello),
            .hello(.init(minVersion: 0, maxVersion: .max, slots: .max, clientNonce: nonce(200), executorID: "执行器-🦀")),
            .challenge(.init(version: 4, serverNonce: nonce(100))),
            .auth(.init(proof: nonce(7))),
            .welcome(.init(proof: nonce(9), sessionID: .max, heartbeatIntervalMillis: 5000, heartbeatTimeoutMillis: 15000)),
            .heartbeat,
            .error(.init(code: .authenticationFailed, message: "authentication failed")),
            .error(.init(code: WireErrorCode(rawValue: .max), message: "")),
            .taskProgress(.init(taskID: 0, attempt: 0, rows: 0)),
            .taskProgress(.init(taskID: .max, attempt: .max, rows: .max, phase: .loading)),
            .cancelTask(.init(taskID: 0, attempt: 0)),
            .cancelTask(.init(taskID: .max, attempt: .max)),
            .assignTask(taskSpec("t", snapshot: nil)),
            .assignTask(TaskSpec(
                id: 0, attempt: 0, runID: "", table: "", partitionIndex: 0, partitionCount: 0,
                read: .none, shardPath: "")),
            .taskResult(TaskResult(taskID: 0, attempt: 0, rowsExtracted: 0, rowsStaged: 0, maxCursor: nil, shardPath: "", shardBytes: 0)),
            .taskFailed(taskFailure("x", full: false)),
            .draining(.init(reason: "SIGTERM", graceMillis: 20_000)),
            .draining(.init(reason: "", graceMillis: .max)),
            .taskHandedBack(.init(taskID: 7, attempt: 2)),
            .taskHandedBack(.init(taskID: .max, attempt: .max)),
        ]
        for text in nastyStrings {
            messages.append(.error(.init(code: .protocolError, message: text)))
            messages.append(.shutdown(.init(reason: text)))
            messages.append(.runConfig(.init(runID: text, plan: "{\"tables\":[{\"table\":\"\(text)\"}]}")))
            messages.append(.assignTask(taskSpec(text)))
            messages.append(.taskResult(taskResult(text)))
            messages.append(.taskResult(taskResult(text, maxCursor: text)))
            messages.append(.taskFailed(taskFailure(text)))
        }
        return messages
    }

    /// `message` as one frame.
    static func frame(_ message: WireMessage, maxPayloadSize: Int = WireFrame.defaultMaxPayloadSize) throws -> ByteBuffer {
        try WireFrameEncoder(maxPayloadSize: maxPayloadSize).encode(message)
    }

    /// Bytes from hexadecimal text; spaces, newlines and `|` are ignored.
    static func bytes(hex: String) -> [UInt8] {
        let digits = hex.filter { $0.isHexDigit }
        var result: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            result.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    static func hex(_ buffer: ByteBuffer) -> String {
        buffer.readableBytesView.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }
}
