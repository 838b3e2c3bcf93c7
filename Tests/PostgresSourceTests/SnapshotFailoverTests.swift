import Foundation
import SluiceCore
import Logging
import SluicePipeline
import Testing
@testable import PostgresSource

/// The run's snapshot: its session's own timeouts, the check that finds it lost, its replacement, and how tasks are
/// pointed at the replacement. Pure parts first, then against the PostgreSQL 15 of the services script (in a database
/// of its own, whose settings it changes).
@Suite("The run's snapshot and its failover", .serialized)
struct SnapshotFailoverTests {
    static let first = "00000003-0000001B-1"
    static let second = "00000004-00000002-1"

    func task(snapshot: String?, pinned: Bool = false, attempt: UInt32 = 1) throws -> TaskSpec {
        var spec = PostgresReadSpec(query: "SELECT 1", snapshot: snapshot, columns: [])
        if pinned { spec.pinnedToSnapshot = true }
        let read = try ConnectorPayload.json(kind: PostgresReadSpec.kind, spec)
        return TaskSpec(id: 7, attempt: attempt, runID: "r", table: "t", partitionIndex: 0, partitionCount: 1, read: read,
                        shardPath: "/s", related: [RelatedRead(table: "child", read: read, shardPath: "/c")])
    }

    func snapshot(of payload: ConnectorPayload) throws -> String? {
        try payload.decodeJSON(PostgresReadSpec.self, kind: PostgresReadSpec.kind).snapshot
    }

    @Test func aTaskReadsTheCurrentSnapshotAndSaysWhichViewThatIs() throws {
        let planned = try task(snapshot: Self.first)
        let unchanged = SnapshotBinding.bind(planned, snapshots: [Self.first])
        #expect(unchanged.task == planned)
        #expect(unchanged.view == ReadView(generation: 0, name: "snapshot \(Self.first)"))

        let moved = SnapshotBinding.bind(planned, snapshots: [Self.first, Self.second])
        #expect(try snapshot(of: moved.task.read) == Self.second)
        #expect(try snapshot(of: moved.task.related[0].read) == Self.second, "the child tables' reads move with it")
        #expect(moved.view == ReadView(generation: 1, name: "snapshot \(Self.second)"))
        #expect(moved.task.id == planned.id && moved.task.shardPath == planned.shardPath)
    }

    @Test func pinnedPartitionsReadsWithoutSnapshotAndForeignPayloadsStayAsPlanned() throws {
        let pinned = try task(snapshot: Self.first, pinned: true)
        let bound = SnapshotBinding.bind(pinned, snapshots: [Self.first, Self.second])
        #expect(bound.task == pinned)
        #expect(bound.view?.generation == 0)

        let current = try task(snapshot: nil)
        #expect(SnapshotBinding.bind(current, snapshots: [Self.first, Self.second]) == BoundTask(task: current, view: nil))

        var foreign = try task(snapshot: Self.first)
        foreign.read = ConnectorPayload(kind: "parquet", bytes: Array("{}".utf8))
        #expect(SnapshotBinding.bind(foreign, snapshots: [Self.first, Self.second]) == BoundTask(task: foreign, view: nil))
    }

    @Test func aSnapshotThatIsGoneIsRetryableAndOtherErrorsKeepTheirClass() {
        let gone = PostgresSQLState.error(sqlState: "22023", message: "invalid snapshot identifier: \"\(Self.first)\"")
        let lost = PostgresExtractor.snapshotLost(gone, snapshot: Self.first)
        #expect(lost?.code == .postgresSnapshotLost && lost?.retryable == true)
        #expect(lost?.underlying == gone.underlying)
        let other = PostgresSQLState.error(sqlState: "22023", message: "invalid value for parameter \"TimeZone\"")
        #expect(PostgresExtractor.snapshotLost(other, snapshot: Self.first) == nil)
        #expect(PostgresSQLState.error(sqlState: "57P01", message: "terminating connection due to administrator command").retryable)
        #expect(PostgresSQLState.error(sqlState: "57P03", message: "the database system is starting up").retryable)
    }

    @Test func theSnapshotSessionTurnsOffItsTimeouts() {
        #expect(SnapshotHolder.sessionSettings(serverVersion: 150_018)
            == "SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0")
        #expect(SnapshotHolder.sessionSettings(serverVersion: 170_002).hasSuffix("; SET transaction_timeout = 0"))
    }

    @Test func keepalivesBoundADeadServer() {
        var config = PostgresConnectionConfig(host: "h", database: "d", user: "u", keepaliveIdleSeconds: 30)
        let parameters = Dictionary(config.libpqParameters, uniquingKeysWith: { $1 })
        #expect(parameters["keepalives"] == "1" && parameters["keepalives_idle"] == "30")
        #expect(parameters["keepalives_interval"] == "10" && parameters["keepalives_count"] == "3")
        #expect(parameters["tcp_user_timeout"] == "60000")
        config.keepaliveIdleSeconds = nil
        #expect(!config.libpqParameters.contains { $0.0.hasPrefix("keepalives") || $0.0 == "tcp_user_timeout" })
    }

    // MARK: against the server

    /// A database of its own, whose sessions PostgreSQL ends after 300 ms idle in a transaction.
    func database() throws -> String {
        let name = "snapshot_failover_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PostgresConnection(try TestDatabase.superConfig())
        let owner = ProcessInfo.processInfo.environment["PGUSER"] ?? "etl"
        try admin.execute("CREATE DATABASE \(name) OWNER \(SQL.quoteIdentifier(owner))")
        try admin.execute("ALTER DATABASE \(name) SET idle_in_transaction_session_timeout = '300ms'")
        return name
    }

    func drop(_ name: String) {
        _ = try? PostgresConnection(try TestDatabase.superConfig()).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Tasks join `snapshot` the way executors do; true when they can.
    func joinable(_ snapshot: String, config: PostgresConnectionConfig) -> Bool {
        guard let connection = try? PostgresConnection(config) else { return false }
        return (try? PostgresExtractor.join(connection, snapshot: snapshot)) != nil
    }

    @Test func aServerWideIdleInTransactionTimeoutDoesNotEndTheSnapshot() async throws {
        let name = try database()
        defer { drop(name) }
        let config = try TestDatabase.config(database: name)
        let holder = try await BlockingIO.run { () throws(SluiceError) in try SnapshotHolder(config: config) }
        defer { holder.close() }
        // The database's setting applies: an ordinary session idle in a transaction is ended after 300 ms.
        let ordinary = try PostgresConnection(config)
        try ordinary.execute("BEGIN")
        try await Task.sleep(for: .milliseconds(1_200))
        #expect(throws: SluiceError.self) { try ordinary.execute("SELECT 1") }
        // The snapshot's session, idle as long, is not.
        #expect(holder.isAlive())
        #expect(joinable(holder.snapshotID, config: config))
    }

    @Test func aTerminatedSnapshotSessionIsFoundAndReplaced() async throws {
        let name = try database()
        defer { drop(name) }
        var config = try TestDatabase.config(database: name)
        config.applicationName = "sluice-failover-test"
        let snapshots = try await BlockingIO.run { [config] () throws(SluiceError) in
            try RunSnapshots(config: config, failover: true, logger: .init(label: "test"))
        }
        await snapshots.check()
        #expect(await snapshots.ids == [snapshots.firstID], "a live snapshot is kept")

        let admin = try PostgresConnection(try TestDatabase.superConfig())
        let terminated = try admin.query("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2
            """, parameters: [name, SnapshotHolder.applicationName(config.applicationName)])
        #expect(terminated.count == 1)
        #expect(!joinable(snapshots.firstID, config: config), "the terminated session took its snapshot with it")

        await snapshots.check()
        let ids = await snapshots.ids
        #expect(ids.count == 2 && ids[0] == snapshots.firstID && ids[1] != ids[0])
        #expect(joinable(ids[1], config: config))
        await snapshots.check()
        #expect(await snapshots.ids == ids, "the replacement is alive: nothing more to do")
        await snapshots.close()
        #expect(!joinable(ids[1], config: config), "close() ends the replacement")
    }

    @Test func withoutFailoverALostSnapshotStaysLost() async throws {
        let name = try database()
        defer { drop(name) }
        var config = try TestDatabase.config(database: name)
        config.applicationName = "sluice-no-failover-test"
        let snapshots = try await BlockingIO.run { [config] () throws(SluiceError) in
            try RunSnapshots(config: config, failover: false, logger: .init(label: "test"))
        }
        let admin = try PostgresConnection(try TestDatabase.superConfig())
        _ = try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
                            parameters: [name, SnapshotHolder.applicationName(config.applicationName)])
        await snapshots.check()
        #expect(await snapshots.ids == [snapshots.firstID])
        await snapshots.close()
    }
}
