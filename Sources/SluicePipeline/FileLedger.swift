public import SluiceCore

/// One version of one source file: its key and the tag that changes whenever its contents do (S3's ETag; on disk,
/// size, modification time and inode). A file rewritten in place is a new version, and is loaded again.
public struct FileVersion: Sendable, Hashable, Codable, Comparable {
    public var key: String
    public var tag: String

    public init(key: String, tag: String) {
        self.key = key
        self.tag = tag
    }

    public static func < (lhs: FileVersion, rhs: FileVersion) -> Bool { (lhs.key, lhs.tag) < (rhs.key, rhs.tag) }
}

/// A whole file a table's rows come from, with the cursor value its location gives all of its rows (its
/// modification time for a `_file_modified` cursor, its folder's value for a partition-key cursor), in the cursor's
/// units.
public struct TrackedFile: Sendable, Hashable, Codable {
    public var version: FileVersion
    public var cursor: Int64

    public init(version: FileVersion, cursor: Int64) {
        self.version = version
        self.cursor = cursor
    }
}

/// The files a table has loaded, by key and tag, kept in the metadata store beside its bookmark
/// (``BookmarkStore/fileLedger(table:)``). It is what makes a table whose cursor a file's location gives exact: the
/// bookmark alone (a time) would miss a file that lands with an old modification time (`cp -p`, `rsync -t`, an S3
/// multipart upload that took longer than the lag); the ledger misses none, and skips the files already loaded.
///
/// Entries belong to a generation: a run that reads the table from its beginning (a first backfill, a full
/// reload) starts a new one, so files it did not see (deleted since) stop counting as loaded.
public struct FileLedger: Sendable, Hashable {
    /// The current generation (the run that started it); nil for a table whose ledger was never started.
    public var generation: String?
    /// The files loaded in this generation.
    public var files: Set<FileVersion>

    public init(generation: String?, files: Set<FileVersion> = []) {
        self.generation = generation
        self.files = files
    }

    /// A table with no ledger yet.
    public static let none = FileLedger(generation: nil)

    /// The oldest cursor value among `listed` files the ledger does not hold: an incremental window must reach below
    /// it (``TableDecision/decide(table:cursorKind:stored:options:unloadedFloor:bounds:)``). Nil when every file is
    /// loaded, and for a table whose ledger was never started (its files up to the bookmark count as loaded, as
    /// before the ledger existed).
    public func unloadedFloor(of listed: [TrackedFile]) -> Int64? {
        guard generation != nil else { return nil }
        return listed.filter { !files.contains($0.version) }.map(\.cursor).min()
    }

    /// What a run decided as `decision` does with the ledger: which files it skips, and how it records the files it
    /// reads once the table loaded.
    public func selection(for decision: TableDecision, listed: [TrackedFile]) -> FileSelection {
        guard let after = decision.window.after, decision.mode != .fullReload else {
            // From the beginning: every file is read, and they become the ledger.
            return FileSelection(skipped: [], recording: .startingOver(assumedLoaded: []))
        }
        // A ledger never started, on a table loaded before it existed: what the time bookmark said was loaded is.
        let assumed = generation == nil ? Set(listed.filter { $0.cursor <= after.value }.map(\.version)) : []
        if decision.mode == .rangeReload {
            return FileSelection(skipped: [], recording: generation == nil ? .nothing : .adding)
        }
        // Whole days replaced: every file of those days is read again, loaded or not.
        if decision.replacedDays != nil {
            return FileSelection(skipped: [], recording: generation == nil ? .startingOver(assumedLoaded: assumed) : .adding)
        }
        return generation == nil
            ? FileSelection(skipped: assumed, recording: .startingOver(assumedLoaded: assumed))
            : FileSelection(skipped: files, recording: .adding)
    }
}

/// A run's use of a table's file ledger (``FileLedger/selection(for:listed:)``).
public struct FileSelection: Sendable, Hashable {
    /// Files the run does not read: loaded already.
    public var skipped: Set<FileVersion>
    public var recording: Recording

    public enum Recording: Sendable, Hashable {
        /// The files read join the ledger's generation.
        case adding
        /// The files read (and these, loaded before the ledger existed) become a new generation.
        case startingOver(assumedLoaded: Set<FileVersion>)
        /// Nothing is recorded (a range reload of a table whose ledger was never started).
        case nothing
    }

    public init(skipped: Set<FileVersion>, recording: Recording) {
        self.skipped = skipped
        self.recording = recording
    }

    /// What to write to the ledger once the table loaded, having read (or skipped whole by the filter) `read`; nil when
    /// nothing is written.
    public func entries(read: [FileVersion]) -> FileLedgerEntries? {
        switch recording {
        case .nothing: nil
        case .adding: FileLedgerEntries(files: Array(Set(read)).sorted(), startingOver: false)
        case .startingOver(let assumed): FileLedgerEntries(files: Array(assumed.union(read)).sorted(), startingOver: true)
        }
    }
}

/// What a table's run writes to its ledger once its load succeeded (``BookmarkStore/recordFiles(_:table:startingOver:runID:)``).
public struct FileLedgerEntries: Sendable, Hashable {
    public var files: [FileVersion]
    /// The files replace the ledger as a new generation.
    public var startingOver: Bool

    public init(files: [FileVersion], startingOver: Bool) {
        self.files = files
        self.startingOver = startingOver
    }
}
