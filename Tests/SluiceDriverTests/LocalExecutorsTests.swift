import Foundation
import SluiceDriver
import Testing

/// `sluice run --local N` ends its children when the run ends: the ones the driver told to leave may take their time
/// (up to the grace), a child the driver could not tell (it was still connecting when the run ended) is ended at once.
@Suite struct LocalExecutorsTests {
    /// Real executors, started as `sluice run --local` starts them, pointed at a port where no driver listens: they keep
    /// retrying it, as a child does whose handshake met the end of the run.
    func start() throws -> LocalExecutors {
        let local = LocalExecutors(count: 2)
        // The `sluice` binary beside this test binary.
        let sluice = URL(fileURLWithPath: LocalExecutors.currentExecutable).deletingLastPathComponent().appendingPathComponent("sluice").path
        try local.start(executable: sluice, driverPort: 1, token: "a-token-of-32-bytes-for-the-test", slots: 1, logLevel: "error")
        return local
    }

    @Test func childrenNotToldToLeaveAreEndedAtOnce() async throws {
        let local = try start()
        defer { local.terminate() }
        // They run (retrying a driver that is not there).
        try await Task.sleep(for: .milliseconds(500))
        for pid in local.processIdentifiers { #expect(kill(pid, 0) == 0, "child \(pid) ended by itself") }
        let started = ContinuousClock.now
        // Neither was told to leave: both are ended without waiting out the 60-second grace.
        await local.waitOrTerminate(seconds: 60, except: [])
        #expect(ContinuousClock.now - started < .seconds(30))
        try await Task.sleep(for: .milliseconds(300))
        for pid in local.processIdentifiers { #expect(kill(pid, 0) != 0, "child \(pid) still runs") }
    }

    @Test func childrenToldToLeaveGetTheGrace() async throws {
        let local = try start()
        defer { local.terminate() }
        try await Task.sleep(for: .milliseconds(500))
        // local-1 was told to leave and has a second to do so (it does not: it is then terminated); local-2 goes at once.
        let started = ContinuousClock.now
        await local.waitOrTerminate(seconds: 1, except: ["local-1"])
        #expect(ContinuousClock.now - started >= .seconds(1))
        try await Task.sleep(for: .milliseconds(300))
        for pid in local.processIdentifiers { #expect(kill(pid, 0) != 0, "child \(pid) still runs") }
    }
}
