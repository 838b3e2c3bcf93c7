import Foundation
import Synchronization
import SluiceConfig
public import SluiceCore
public import SluicePipeline

/// Where a fake table run loads (kind `fake`, JSON).
struct FakeTarget: Codable, Sendable {
    static let kind = "fake"
    var table: String
    var loadTable: String
    var stagePrefix: String
    var replaces: Bool
}

/// What a fake attempt staged.
struct FakeReceipt: Codable, Sendable {
    var stage: String
}

/// A ``SluicePipeline/Sink`` over a ``FakeWorld``: staged outputs become committed rows on commit, a full reload
/// replaces the table on finish, and every step is recorded in ``FakeWorld/events``.
public struct FakeSink: Sink {
    public let world: FakeWorld
    public var limits: SinkLimits

    public init(world: FakeWorld, limits: SinkLimits = .unlimited) {
        self.world = world
        self.limits = limits
    }

    public var summary: String { "fake sink" }

    public func check() async throws(SluiceError) -> String { "fake sink 1.0" }

    public func bookmarkStore() -> any BookmarkStore { FakeBookmarkStore(world: world) }

    public func target(for request: SinkTableRequest) throws(SluiceError) -> SinkTarget {
        let table = request.table.target
        let loadTable = request.replacesContents ? table + "__reload_" + request.runID : table
        let target = FakeTarget(table: table, loadTable: loadTable, stagePrefix: loadTable + "/" + request.runID + "/",
                                replaces: request.replacesContents)
        return SinkTarget(table: request.table.name, summary: "fake.\(table)", work: try .json(kind: FakeTarget.kind, target))
    }

    public func prepare(_ target: SinkTarget) async throws(SluiceError) {
        let fake = try decode(target)
        world.record("prepare \(fake.loadTable)")
        if fake.replaces { world.state.withLock { $0.committed[fake.loadTable] = [] } }
    }

    public func commit(_ receipt: ConnectorPayload, into target: SinkTarget) async throws(SluiceError) -> UInt64 {
        let fake = try decode(target)
        let stage = try receipt.decodeJSON(FakeReceipt.self, kind: FakeTarget.kind).stage
        if world.fire({ if case .commit = $0 { true } else { false } }) != nil {
            world.record("commit failed \(stage)")
            throw SluiceError(.injectedFault, "the fake sink could not commit \(stage)")
        }
        let rows = world.state.withLock { state -> Int? in
            guard let rows = state.staged.removeValue(forKey: stage) else { return nil }
            state.committed[fake.loadTable, default: []] += rows
            return rows.count
        }
        guard let rows else { throw SluiceError(.internalError, "nothing staged as \(stage)") }
        world.record("commit \(stage)")
        return UInt64(rows)
    }

    public func discard(_ receipt: ConnectorPayload, of target: SinkTarget) async {
        guard let stage = try? receipt.decodeJSON(FakeReceipt.self, kind: FakeTarget.kind).stage else { return }
        world.state.withLock { _ = $0.staged.removeValue(forKey: stage) }
        world.record("discard \(stage)")
    }

    public func finish(_ target: SinkTarget) async throws(SluiceError) {
        let fake = try decode(target)
        if world.fire({ if case .finish(let table) = $0 { table == target.table } else { false } }) != nil {
            throw SluiceError(.injectedFault, "the fake sink could not finish \(target.table)")
        }
        if fake.replaces {
            world.state.withLock { state in
                state.committed[fake.table] = state.committed.removeValue(forKey: fake.loadTable) ?? []
            }
        }
        world.record("finish \(fake.table)")
    }

    public func cleanUp(_ target: SinkTarget, succeeded: Bool) async {
        guard let fake = try? decode(target) else { return }
        world.state.withLock { state in
            for key in state.staged.keys where key.hasPrefix(fake.stagePrefix) { state.staged[key] = nil }
            if fake.replaces && !succeeded { state.committed[fake.loadTable] = nil }
        }
        world.record("clean up \(fake.table) \(succeeded ? "after success" : "after failure")")
    }

    private func decode(_ target: SinkTarget) throws(SluiceError) -> FakeTarget {
        try target.work.decodeJSON(FakeTarget.self, kind: FakeTarget.kind)
    }
}

/// An executor's side of the fake sink: stages every row of a task under its attempt's name.
public struct FakeWriter: SinkWriter {
    public let world: FakeWorld

    public init(world: FakeWorld) {
        self.world = world
    }

    public func stage(_ batches: sending some BatchSource & Sendable, schema: Schema, for task: TaskSpec,
                      into target: ConnectorPayload) async throws(SluiceError) -> SinkReceipt {
        let fake = try target.decodeJSON(FakeTarget.self, kind: FakeTarget.kind)
        let stage = fake.stagePrefix + "t\(task.id)a\(task.attempt)"
        var source = batches
        var rows: [[Value]] = []
        while let batch = try source.next() {
            for row in 0..<batch.rowCount {
                rows.append((0..<batch.columns.count).map { batch.value(row: row, column: $0) })
            }
        }
        let failing = world.fire { if case .stage(let table, _) = $0 { table == task.table } else { false } } != nil
        // A failed stage leaves half its rows behind, as a server that kept part of a request body would.
        world.state.withLock { $0.staged[stage] = failing ? Array(rows.prefix(rows.count / 2)) : rows }
        world.record("stage \(stage) \(rows.count)")
        if failing { throw SluiceError(.injectedFault, "the fake sink broke off staging \(stage)") }
        return SinkReceipt(rows: UInt64(rows.count), payload: try .json(kind: FakeTarget.kind, FakeReceipt(stage: stage)))
    }
}

/// Bookmarks in a ``FakeWorld``.
public struct FakeBookmarkStore: BookmarkStore {
    public let world: FakeWorld

    public init(world: FakeWorld) {
        self.world = world
    }

    public func prepare() async throws(SluiceError) {}

    public func load(table: String) async throws(SluiceError) -> Bookmark? {
        world.bookmark(table)
    }

    public func save(_ bookmark: Bookmark) async throws(SluiceError) {
        world.state.withLock { $0.bookmarks[bookmark.table] = bookmark }
        world.record("bookmark \(bookmark.table) \(bookmark.value ?? "-") backfill=\(bookmark.backfill)")
    }

    public func fileLedger(table: String) async throws(SluiceError) -> FileLedger {
        world.state.withLock { $0.fileLedgers[table] } ?? .none
    }

    public func recordFiles(_ files: [FileVersion], table: String, startingOver: Bool, runID: String) async throws(SluiceError) {
        world.state.withLock { state in
            if startingOver || state.fileLedgers[table] == nil {
                state.fileLedgers[table] = FileLedger(generation: runID, files: Set(files))
            } else {
                state.fileLedgers[table]?.files.formUnion(files)
            }
        }
        world.record("ledger \(table) +\(files.count)\(startingOver ? " new generation" : "")")
    }

    public func forgetFiles(table: String, runID: String) async throws(SluiceError) {
        world.state.withLock { _ = $0.fileLedgers.removeValue(forKey: table) }
        world.record("ledger \(table) forgotten")
    }

    public func record(_ records: [RunRecord]) async throws(SluiceError) {
        world.state.withLock { $0.runRecords += records }
    }

    public func history(table: String?, limit: Int) async throws(SluiceError) -> [RunRecord] {
        let records = world.state.withLock { $0.runRecords }
        return Array(records.reversed().filter { table == nil || $0.table == table }.prefix(limit))
    }

    public func allBookmarks() async throws(SluiceError) -> [Bookmark] {
        world.state.withLock { $0.bookmarks.values.sorted { $0.table < $1.table } }
    }
}

extension FakeWorld {
    /// Sets a bookmark as an earlier run would have left it.
    public func setBookmark(_ bookmark: Bookmark) {
        state.withLock { $0.bookmarks[bookmark.table] = bookmark }
    }

    /// Connectors of kind `fake` over this world, for in-process runs.
    public var registry: ConnectorRegistry {
        ConnectorRegistry(
            sources: [SourceConnector(kind: "fake", makeSource: { _, _ in FakeSource(world: self) },
                                      makeReader: { _, _ in FakeReader(world: self) })],
            sinks: [SinkConnector(kind: "fake", makeSink: { _, _ in FakeSink(world: self) },
                                  makeWriter: { _, _ in FakeWriter(world: self) })])
    }
}
