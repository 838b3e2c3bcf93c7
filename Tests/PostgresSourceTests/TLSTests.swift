import Foundation
import SluiceCore
import Testing
@testable import PostgresSource

/// A throwaway PostgreSQL 15 with `ssl = on`, a self-signed certificate made with openssl, and a pg_hba.conf
/// that accepts TLS connections only. Started and stopped by the test (needs root for runuser, as in CI).
final class TLSServer {
    let directory: URL
    let port: Int
    let password = "tls-secret"
    var certificate: String { directory.appendingPathComponent("server.crt").path }
    var otherCertificate: String { directory.appendingPathComponent("other.crt").path }
    static let bin = "/usr/lib/postgresql/15/bin"

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs `arguments` (as user postgres when asked) through /bin/sh with posix_spawn and waitpid, output to a
    /// file: Foundation's Process can miss the exit of a command whose child daemonises (pg_ctl start).
    @discardableResult
    static func run(_ arguments: [String], asPostgres: Bool = false) throws -> String {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let command = (asPostgres ? "/usr/sbin/runuser -u postgres -- " : "") + quoted
        let log = NSTemporaryDirectory() + "sluice-tls-cmd-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let script = "\(command) >'\(log)' 2>&1 </dev/null"
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "posix_spawn failed: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let exitCode = (status >> 8) & 0xFF
        guard status & 0x7F == 0, exitCode == 0 else {
            throw Failure(description: "\(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }

    init() throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("sluice-pg-tls-\(UUID().uuidString.prefix(8))")
        port = 26_000 + Int.random(in: 0..<2000)
        let path = directory.path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(password.utf8).write(to: directory.appendingPathComponent("pwfile"))
        for (name, cn) in [("server", "localhost"), ("other", "someone-else")] {
            try Self.run(["openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=\(cn)",
                          "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                          "-newkey", "rsa:2048", "-keyout", "\(path)/\(name).key", "-out", "\(path)/\(name).crt"])
        }
        try Self.run(["chmod", "600", "\(path)/server.key"])
        try Self.run(["chown", "-R", "postgres:postgres", path])
        try Self.run(["\(Self.bin)/initdb", "-D", "\(path)/data", "-U", "postgres", "--pwfile=\(path)/pwfile", "-A", "scram-sha-256",
                      "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"], asPostgres: true)
        let conf = """
            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = '\(path)'
            ssl = on
            ssl_cert_file = '\(path)/server.crt'
            ssl_key_file = '\(path)/server.key'
            fsync = off
            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(path)/data/postgresql.conf"))
        handle.seekToEndOfFile()
        handle.write(Data(("\n" + conf + "\n").utf8))
        try handle.close()
        try Data("local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 reject\n".utf8)
            .write(to: URL(fileURLWithPath: "\(path)/data/pg_hba.conf"))
        try Self.run(["chown", "-R", "postgres:postgres", path])
        try Self.run(["\(Self.bin)/pg_ctl", "-D", "\(path)/data", "-l", "\(path)/server.log", "-w", "-t", "60", "start"],
                     asPostgres: true)
    }

    func config(_ mode: PostgresConnectionConfig.SSLMode, rootCert: String? = nil, host: String = "127.0.0.1") -> PostgresConnectionConfig {
        PostgresConnectionConfig(host: host, port: port, database: "postgres", user: "postgres", password: password, sslMode: mode,
                                 sslRootCert: rootCert, connectTimeoutSeconds: 5, connectRetries: 0)
    }

    func stop() {
        _ = try? Self.run(["\(Self.bin)/pg_ctl", "-D", "\(directory.path)/data", "-m", "immediate", "-w", "stop"], asPostgres: true)
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite("TLS via sslmode against a PostgreSQL 15 started with ssl = on")
struct TLSTests {
    @Test func sslModesBehaveAsLibpqDocuments() throws {
        let server = try TLSServer()
        defer { server.stop() }
        // The server refuses plain connections.
        let plain = try #require(throws: SluiceError.self) { _ = try PostgresConnection(server.config(.disable)) }
        #expect(plain.code == .postgresAuthentication)  // pg_hba rejects non-TLS connections
        // require: encrypted, no certificate check.
        let required = try PostgresConnection(server.config(.require))
        #expect(required.usesTLS)
        #expect(try required.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == [["t"]])
        // prefer (the default) also ends up on TLS here.
        #expect(try PostgresConnection(server.config(.prefer)).usesTLS)
        // verify-full with the right CA certificate: accepted; with another CA: refused, naming the host.
        #expect(try PostgresConnection(server.config(.verifyFull, rootCert: server.certificate)).usesTLS)
        let wrongCA = try #require(throws: SluiceError.self) {
            _ = try PostgresConnection(server.config(.verifyCA, rootCert: server.otherCertificate))
        }
        #expect(wrongCA.code == .postgresConnection)
        #expect(wrongCA.message.contains("127.0.0.1:\(server.port)"))
    }
}
