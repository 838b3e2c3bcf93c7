public import Foundation
public import SluiceStorage


/// What a run leaves in the staging directory and how long it stays. Shards are the run's staging layer and are
/// kept (`staging.keep_shards`), but not forever: when a run ends, the driver deletes
///
/// - files a killed attempt never finished (`part-00003.parquet.attempt-2.tmp`) in the run's own directory: the run
///   is over, so no attempt can still be writing them;
/// - whole run directories beyond the newest `staging.keep_runs` (default 5), oldest first, unless one was modified
///   in the last hour (a run of another pipeline sharing the directory may still be writing it).
///
/// Run directories are named by their run id (`20261205T063933Z-29ecb0`), which sorts by start time; anything else
/// in the staging directory is left alone.
public struct StagingRetention: Sendable {
    public var directory: String
    public var keepRuns: Int
    /// How recently a run directory must have changed to be spared, whatever its age.
    public var activeWithin: TimeInterval

    public init(directory: String, keepRuns: Int, activeWithin: TimeInterval = 3600) {
        self.directory = directory
        self.keepRuns = keepRuns
        self.activeWithin = activeWithin
    }

    /// What was deleted, for the log.
    public struct Outcome: Sendable, Hashable {
        public var temporaryFiles: [String] = []
        public var runs: [String] = []
    }

    /// Whether `name` is a run directory's name: `YYYYMMDDTHHMMSSZ-<hex>`.
    public static func isRunID(_ name: String) -> Bool {
        let parts = name.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 16, parts[0].dropFirst(8).first == "T", parts[0].last == "Z" else { return false }
        let digits = parts[0].filter { $0 != "T" && $0 != "Z" }
        return digits.count == 14 && digits.allSatisfy(\.isNumber) && !parts[1].isEmpty && parts[1].allSatisfy(\.isHexDigit)
    }

    /// The run directories to delete, given every entry of the staging directory: runs beyond the newest `keepRuns`.
    /// Pure; ``prune(after:)`` spares the recently modified ones.
    public func expiredRuns(among names: [String]) -> [String] {
        let runs = names.filter(Self.isRunID).sorted(by: >)
        return Array(runs.dropFirst(max(keepRuns, 1)))
    }

    /// Deletes the finished run's unfinished attempt files and the expired runs, through `store` (by default the local
    /// directory). Errors are skipped: retention must never fail a run that loaded its data.
    @discardableResult
    public func prune(after runID: String, store: (any StagingStore)? = nil) -> Outcome {
        let store = store ?? LocalStagingStore(root: directory)
        var outcome = Outcome()
        outcome.temporaryFiles = store.removeUnfinished(under: runID)
        let cutoff = Date().addingTimeInterval(-activeWithin)
        for name in expiredRuns(among: store.entries(in: "")) where name != runID {
            guard let latest = store.latestModification(of: name), latest < cutoff else { continue }
            if store.removeEntry(name) { outcome.runs.append(name) }
        }
        return outcome
    }
}
