import Foundation

/// A PostgreSQL 15 of the test's own (scripts/private-postgres.sh), for tests that restart the server: the shared
/// one on the services port serves every other test at the same time and must never be restarted. It has the
/// shared server's roles and passwords, so ``TestEnvironment/withPostgres(port:)`` is all a fixture needs.
struct PrivatePostgres {
    let root: String
    let port: Int
    static let script = Paths.repository.appendingPathComponent("scripts/private-postgres.sh").path

    /// Starts a fresh server on a free loopback port below the ephemeral range.
    static func start() throws -> PrivatePostgres {
        let root = "/tmp/sluice-pg-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var port = Int.random(in: 20_000...24_999)
        while !(try Shell.run("ss", ["-Hltn", "sport = :\(port)"]).isEmpty) { port = Int.random(in: 20_000...24_999) }
        let server = PrivatePostgres(root: root, port: port)
        do {
            try server.script("start", "\(port)")
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// `pg_ctl restart -m fast`: every session is cut, the server is back when this returns.
    func restart() throws {
        try script("restart")
    }

    func stop() {
        try? script("stop")
        try? FileManager.default.removeItem(atPath: root + ".log")
    }

    /// Runs the script with `posix_spawn` and `waitpid`, its output in `<root>.log` (shown when it fails). Not through
    /// Foundation's `Process`: here it never saw the script exit once the script had started the server (the script
    /// stayed a zombie and `Process` kept waiting).
    private func script(_ arguments: String...) throws {
        let command = ([Self.script, arguments[0], root] + arguments.dropFirst()).map { "'\($0)'" }.joined(separator: " ")
        let words = ["/bin/bash", "-c", "\(command) </dev/null >>'\(root).log' 2>&1"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, argv, environ)
        var status: Int32 = 0
        let waited = spawned == 0 ? waitpid(pid, &status, 0) : -1
        // WIFEXITED and WEXITSTATUS, spelled out (glibc's are macros).
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        guard spawned == 0, waited == pid, exit == 0 else {
            let log = (try? String(contentsOfFile: root + ".log", encoding: .utf8)) ?? ""
            throw TestFailure.command(command, spawned == 0 ? exit : spawned, log)
        }
    }
}
