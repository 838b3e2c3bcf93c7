import Foundation
import Testing

/// A real HTTP/1.1 server for the tests: Python's `http.server` in a subprocess, listening on an
/// ephemeral loopback port. Endpoints (all deterministic):
///
/// - `GET /hello` -> 200 "hello"
/// - `HEAD /any` -> 200, `Content-Length: 5`, no body
/// - `POST|PUT|PATCH|DELETE /echo` -> 200; the body read (plain or chunked) is echoed back, and headers
///   `X-Got-Length`, `X-Got-Chunked`, `X-Got-Method`, `X-Got-Content-Type`, `X-Got-Expect`, `X-Got-Custom` describe it
/// - `GET /bytes?n=N` -> N bytes `i % 251`, sent with `Transfer-Encoding: chunked` in pieces of up to 7,919 bytes
/// - `GET /range` -> a 1,000-byte resource (`i % 251`); honours `Range: bytes=a-b` with 206
/// - `GET /status/CODE` -> that status with body "status CODE body"
/// - `GET /slow?s=S` -> waits S seconds, then 200 "slow"
/// - `GET /stall` -> sends headers and 10 of 1,000 bytes, then waits 30 s
/// - `GET /auth` -> 200 with the Authorization header's value
/// - `GET /peer` -> 200 with the client's source port (the same port means the same connection)
/// - `GET /close` -> 200 "bye" with `Connection: close`
final class TestHTTPServer: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only read afterwards.
    let port: Int
    private let process: Process

    var base: String { "http\(tls ? "s" : "")://127.0.0.1:\(port)" }
    let tls: Bool

    /// - Parameter certificate: a PEM file holding certificate and key; the server then speaks HTTPS.
    ///   `"blackhole"` instead starts a listener that never completes a connection.
    init(certificate: String? = nil) throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-http-test-server-\(UUID()).py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + (certificate.map { [$0] } ?? [])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        tls = certificate != nil
        // The first line is "PORT n".
        var line = Data()
        let handle = output.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestServerError.didNotStart(text)
        }
        self.port = port
        try? FileManager.default.removeItem(at: script)
    }

    deinit {
        // SIGKILL: a child spawned from a test thread may inherit a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    enum TestServerError: Error { case didNotStart(String) }

    static let script = #"""
import sys, time, base64, ssl, os, signal, threading
# The test process may spawn us with signals blocked; unblock them, and exit when the parent goes away.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
_parent = os.getppid()
def _watchdog():
    while os.getppid() == _parent: time.sleep(0.5)
    os._exit(0)
threading.Thread(target=_watchdog, daemon=True).start()
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

def pattern(n, start=0):
    return bytes((i % 251) for i in range(start, start + n))

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass

    def send_body(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers: self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""): pass
                    return bytes(out), True
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n), False

    def do_echo(self):
        body, chunked = self.read_body()
        self.send_body(200, body, [("X-Got-Length", str(len(body))), ("X-Got-Chunked", "1" if chunked else "0"),
            ("X-Got-Method", self.command), ("X-Got-Content-Type", self.headers.get("Content-Type", "")),
            ("X-Got-Expect", self.headers.get("Expect", "<absent>")), ("X-Got-Custom", self.headers.get("X-Custom", ""))])

    do_POST = do_PUT = do_PATCH = do_DELETE = do_echo

    def do_HEAD(self):
        self.send_response(200); self.send_header("Content-Length", "5"); self.send_header("X-Head", "1"); self.end_headers()

    def do_GET(self):
        url = urlparse(self.path); q = parse_qs(url.query); p = url.path
        if p == "/hello": return self.send_body(200, b"hello")
        if p == "/bytes":
            n = int(q["n"][0]); self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
            sent = 0
            while sent < n:
                k = min(7919, n - sent)
                self.wfile.write(b"%x\r\n" % k + pattern(k, sent) + b"\r\n"); sent += k
            self.wfile.write(b"0\r\n\r\n"); return
        if p == "/range":
            data = pattern(1000); r = self.headers.get("Range")
            if r and r.startswith("bytes="):
                a, b = r[6:].split("-"); a = int(a); b = int(b) if b else 999
                return self.send_body(206, data[a:b + 1], [("Content-Range", "bytes %d-%d/1000" % (a, b))])
            return self.send_body(200, data)
        if p.startswith("/status/"):
            code = int(p[8:]); return self.send_body(code, b"status %d body" % code)
        if p == "/slow":
            time.sleep(float(q["s"][0])); return self.send_body(200, b"slow")
        if p == "/stall":
            self.send_response(200); self.send_header("Content-Length", "1000"); self.end_headers()
            self.wfile.write(pattern(10)); self.wfile.flush(); time.sleep(30); return
        if p == "/auth": return self.send_body(200, self.headers.get("Authorization", "").encode())
        if p == "/peer": return self.send_body(200, str(self.client_address[1]).encode())
        if p == "/close": return self.send_body(200, b"bye", [("Connection", "close")])
        self.send_body(404, b"no such path")

if len(sys.argv) > 1 and sys.argv[1] == "blackhole":
    # A listener whose accept queue is full and never drained: new SYNs are dropped, so connect() times out.
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
    fillers = []
    for _ in range(4):
        c = socket.socket(); c.setblocking(False); c.connect_ex(s.getsockname()); fillers.append(c)
    time.sleep(0.2)
    print("PORT %d" % s.getsockname()[1], flush=True)
    time.sleep(600)
    sys.exit(0)

ThreadingHTTPServer.request_queue_size = 256   # many tests share the server; the default backlog of 5 resets connections
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if len(sys.argv) > 1:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[1])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
print("PORT %d" % server.server_address[1], flush=True)
server.serve_forever()
"""#
}

/// Test helpers that need the operating system.
enum TestSupport {
    /// A loopback port where nothing listens: bound, then closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else {
                    throw TestHTTPServer.TestServerError.didNotStart("bind failed")
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A self-signed certificate for 127.0.0.1 (made with the openssl CLI): the certificate alone, and
    /// certificate plus key in one PEM file for the server.
    static func selfSignedCertificate() throws -> (certificate: String, serverPEM: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("key.pem").path
        let cert = directory.appendingPathComponent("cert.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                             "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestHTTPServer.TestServerError.didNotStart("openssl failed") }
        let combined = directory.appendingPathComponent("combined.pem")
        try (String(contentsOfFile: cert, encoding: .utf8) + String(contentsOfFile: key, encoding: .utf8))
            .write(to: combined, atomically: true, encoding: .utf8)
        return (cert, combined.path)
    }
}
