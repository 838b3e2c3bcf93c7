import NIOCore
import SluiceCore
@testable import SluiceWire
import Testing

/// Version 4 added DRAINING, TASK_HANDED_BACK and CANCEL_TASK and changed TASK_PROGRESS, so this build speaks it
/// alone and refuses an executor of the release before (docs/protocol.md §9).
@Suite("Protocol version 4")
struct ProtocolVersionTests {
    typealias Machine = WireSessionStateMachine
    static let t0 = SessionStateMachineTests.t0

    /// Both sides after a handshake, the executor offering `executorVersions`; each side fed the other's output.
    func established(executorVersions: ClosedRange<UInt16>) throws -> (driver: Machine, executor: Machine) {
        var driver = SessionStateMachineTests.driver()
        var executor = SessionStateMachineTests.executor(versions: executorVersions)
        _ = driver.channelActive(now: Self.t0)
        guard case .send(let hello) = executor.channelActive(now: Self.t0),
              case .send(let challenge) = driver.messageReceived(hello, now: Self.t0),
              case .send(let auth) = executor.messageReceived(challenge, now: Self.t0),
              case .authenticated(_, let welcome?) = driver.messageReceived(auth, now: Self.t0),
              case .authenticated = executor.messageReceived(welcome, now: Self.t0)
        else { throw SluiceError(.internalError, "the handshake did not complete") }
        return (driver, executor)
    }

    @Test("this build speaks version 4 only, and two builds of it agree on 4")
    func negotiatesFour() throws {
        #expect(WireProtocol.supportedVersions == 4...4)
        let (driver, executor) = try established(executorVersions: WireProtocol.supportedVersions)
        #expect(driver.peer?.protocolVersion == 4 && executor.peer?.protocolVersion == 4)
    }

    @Test("a version-4 session carries DRAINING and TASK_HANDED_BACK from the executor, CANCEL_TASK from the driver")
    func versionFourDelivers() throws {
        var (driver, executor) = try established(executorVersions: 4...4)
        #expect(executor.outboundMessage(.draining, now: Self.t0) == .write)
        #expect(executor.outboundMessage(.taskHandedBack, now: Self.t0) == .write)
        let draining = WireMessage.draining(.init(reason: "SIGTERM", graceMillis: 20_000))
        #expect(driver.messageReceived(draining, now: Self.t0) == .deliver(draining))
        let back = WireMessage.taskHandedBack(.init(taskID: 3, attempt: 1))
        #expect(driver.messageReceived(back, now: Self.t0) == .deliver(back))
        #expect(driver.outboundMessage(.draining, now: Self.t0) != .write, "only executors drain")
        #expect(driver.outboundMessage(.cancelTask, now: Self.t0) == .write)
        let cancel = WireMessage.cancelTask(.init(taskID: 3, attempt: 1))
        #expect(executor.messageReceived(cancel, now: Self.t0) == .deliver(cancel))
        #expect(executor.outboundMessage(.cancelTask, now: Self.t0) != .write, "only drivers cancel")
    }

    @Test("an executor of the release before (version 3) is refused with both ranges named")
    func versionThreeIsRefused() {
        var driver = SessionStateMachineTests.driver()
        _ = driver.channelActive(now: Self.t0)
        var executor = SessionStateMachineTests.executor(versions: 3...3)
        guard case .send(let hello) = executor.channelActive(now: Self.t0) else {
            Issue.record("the executor sent no HELLO")
            return
        }
        guard case .fail(let failure, let frame) = driver.messageReceived(hello, now: Self.t0) else {
            Issue.record("a version-4 driver accepted a version-3 HELLO")
            return
        }
        #expect(failure.code == .wireUnsupportedVersion)
        #expect(failure.message.contains("3...3") && failure.message.contains("4...4"))
        #expect(frame?.code == .unsupportedVersion)
    }

    @Test("the frames are as docs/protocol.md §10 shows them")
    func goldenFrames() throws {
        let draining = try Fixtures.frame(.draining(.init(reason: "TERM", graceMillis: 20_000)))
        #expect(Array(draining.readableBytesView) == [0x53, 0x4C, 0x01, 0x15, 0x00, 0x00, 0x00, 0x00, 0x0C,
                                                      0x00, 0x00, 0x00, 0x04, 0x54, 0x45, 0x52, 0x4D,
                                                      0x00, 0x00, 0x4E, 0x20])
        let back = try Fixtures.frame(.taskHandedBack(.init(taskID: 7, attempt: 2)))
        #expect(Array(back.readableBytesView) == [0x53, 0x4C, 0x01, 0x16, 0x00, 0x00, 0x00, 0x00, 0x0C,
                                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x02])
    }

    @Test("plain wire bytes meeting TLS say so")
    func tlsRecordIsNamed() {
        var decoder = WireFrameDecoder(maxPayloadSize: WireFrame.defaultMaxPayloadSize)
        var buffer = ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x02, 0x00])
        #expect {
            _ = try decoder.decode(buffer: &buffer)
        } throws: { error in
            "\(error)".contains("a TLS record")
        }
    }
}
