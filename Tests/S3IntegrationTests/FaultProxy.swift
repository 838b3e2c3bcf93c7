import Foundation
import HTTPTransport
import Synchronization
import Testing

/// `Tools/s3_fault_proxy.py` in front of an S3 server: answers the first requests with the faults given, forwards the
/// rest, and reports every request it saw. Used through ``with(upstream:faults:_:)``, which stops it afterwards.
final class FaultProxy: Sendable {
    /// One request as the proxy saw it.
    struct Request: Sendable, Hashable, CustomStringConvertible {
        var method: String
        var path: String
        /// The fault it got, or `pass` when it was forwarded.
        var action: String

        var description: String { "\(method) \(path) \(action)" }
    }

    let url: String
    private let process: Process
    /// What the script printed: "LISTENING <port>", then a line per request.
    private let output: Output

    private final class Output: Sendable {
        let text = Mutex("")
    }

    /// Runs `body` with a proxy in front of `upstream` (`http://host:port`), `faults` as the script takes them, and
    /// kills the proxy afterwards (ARC may release an object after its last use, so its lifetime is made explicit).
    static func with<Result>(upstream: String, faults: [String],
                             _ body: (FaultProxy) async throws -> Result) async throws -> Result {
        let proxy = try await FaultProxy(upstream: upstream, faults: faults)
        defer { proxy.stop() }
        return try await body(proxy)
    }

    private init(upstream: String, faults: [String]) async throws {
        let target = try #require(URL(string: upstream))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tools/s3_fault_proxy.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, target.host ?? "127.0.0.1", "\(target.port ?? 80)", faults.joined(separator: ",")]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = Output()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            // At the end of the output the handler would be called again and again: stop it.
            if data.isEmpty { handle.readabilityHandler = nil }
            output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        self.process = process
        self.output = output
        var port: Int?
        for _ in 0..<200 {
            port = output.text.withLock { text in
                text.split(separator: "\n").first { $0.hasPrefix("LISTENING ") }.flatMap { Int($0.dropFirst(10)) }
            }
            if port != nil || !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let port else {
            kill(process.processIdentifier, SIGKILL)
            throw ProxyFailure(description: "the fault proxy did not start: \(output.text.withLock { $0 })")
        }
        url = "http://127.0.0.1:\(port)"
    }

    /// The requests seen so far, in order (asked of the proxy itself, so none is missed).
    func requests() async throws -> [Request] {
        let response = try await HTTPClient().execute(HTTPRequest(url: url + "/__proxy__/requests"))
        try #require(response.status == 200, "the fault proxy's request log: HTTP \(response.status)")
        return response.bodyText.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 5, fields[0] == "REQUEST" else { return nil }
            return Request(method: String(fields[2]), path: String(fields[3]), action: String(fields[4]))
        }
    }

    /// SIGKILL, not SIGTERM: a child started from a dispatch worker thread inherits its mask, in which SIGTERM is
    /// blocked. Not waited for: `Process.waitUntilExit()` spins a run loop, which never ends on the cooperative pool.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit {
        stop()
    }
}

struct ProxyFailure: Error, CustomStringConvertible {
    let description: String
}
