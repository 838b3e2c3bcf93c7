import SluiceCore
import SluiceExecutor
import Testing

/// The pure part of an executor's graceful shutdown, event by event.
@Suite struct DrainStateTests {
    func task(_ id: UInt64, attempt: UInt32 = 1) -> TaskSpec {
        TaskSpec(id: id, attempt: attempt, runID: "r", table: "items", partitionIndex: 0, partitionCount: 1,
                 read: ConnectorPayload(kind: "test", bytes: []), shardPath: "/s/\(id)")
    }

    @Test func servingRunsWhatItIsAssignedAndReportsEveryOutcome() {
        var state = DrainState()
        #expect(state.assigned(task(1)) == .run)
        #expect(state.assigned(task(2)) == .run)
        #expect(state.finished(taskID: 1, attempt: 1) == true)
        #expect(state.running == [2: 1])
        #expect(!state.isDrained, "serving is never drained, even when idle")
    }

    @Test func drainingHandsBackNewAssignmentsAndFinishesWhatRuns() {
        var state = DrainState()
        _ = state.assigned(task(1))
        #expect(state.beginDraining() == true)
        #expect(state.beginDraining() == false, "a second SIGTERM does not start a second drain")
        #expect(state.assigned(task(2)) == .handBack)
        #expect(state.running == [1: 1])
        #expect(!state.isDrained)
        #expect(state.finished(taskID: 1, attempt: 1) == true, "a task that finishes within the grace period is reported")
        #expect(state.isDrained)
    }

    @Test func theEndOfTheGracePeriodHandsBackTheRestAndSilencesTheirLateOutcomes() {
        var state = DrainState()
        _ = state.assigned(task(3, attempt: 2))
        _ = state.assigned(task(1))
        _ = state.beginDraining()
        let handedBack = state.handBackAll()
        #expect(handedBack.map(\.taskID) == [1, 3])
        #expect(handedBack.map(\.attempt) == [1, 2])
        #expect(state.isDrained)
        #expect(state.phase == .handedBack)
        #expect(state.finished(taskID: 1, attempt: 1) == false, "the driver gave it to another executor already")
        #expect(state.assigned(task(4)) == .handBack)
    }

    @Test func anOutcomeOfAnotherAttemptIsNotReported() {
        var state = DrainState()
        _ = state.assigned(task(1, attempt: 2))
        #expect(state.finished(taskID: 1, attempt: 1) == false)
        #expect(state.finished(taskID: 1, attempt: 2) == true)
    }
}

/// How a waiting executor knocks on a driver that is not there yet.
@Suite struct ReconnectBackoffTests {
    @Test func theWaitDoublesUpToTheCap() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), cap: .seconds(2))
        // random 0: no jitter.
        let waits = (1...8).map { _ in backoff.failed(random: 0) }
        #expect(waits == [100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000].map { Duration.milliseconds($0) })
    }

    @Test func jitterShortensAWaitByUpToHalf() {
        var backoff = ReconnectBackoff(initial: .seconds(1), cap: .seconds(1))
        #expect(backoff.failed(random: 0.5) == .milliseconds(750))
        #expect(backoff.failed(random: 0.999_999) > .milliseconds(500))
        #expect(backoff.failed(random: 7) == .milliseconds(500), "out-of-range randomness is clamped")
    }

    @Test func aSuccessStartsOver() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), cap: .seconds(2))
        for _ in 1...5 { _ = backoff.failed(random: 0) }
        backoff.succeeded()
        #expect(backoff.failures == 0)
        #expect(backoff.failed(random: 0) == .milliseconds(100))
    }

    @Test func onlyPowersOfTwoAreLogged() {
        var backoff = ReconnectBackoff()
        var logged: [Int] = []
        for _ in 1...100 {
            _ = backoff.failed(random: 0)
            if backoff.shouldLog { logged.append(backoff.failures) }
        }
        #expect(logged == [1, 2, 4, 8, 16, 32, 64])
    }

    @Test func aCapBelowTheFirstWaitIsRaisedToIt() {
        var backoff = ReconnectBackoff(initial: .seconds(3), cap: .seconds(1))
        #expect(backoff.cap == .seconds(3))
        #expect(backoff.failed(random: 0) == .seconds(3))
    }
}
