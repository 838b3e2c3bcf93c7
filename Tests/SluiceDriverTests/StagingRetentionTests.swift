import Foundation
import SluiceDriver
import Testing

/// What stays in the staging directory after a run: the newest runs' directories, without unfinished attempt files.
@Suite struct StagingRetentionTests {
    @Test func runDirectoriesAreRecognisedByTheirRunID() {
        #expect(StagingRetention.isRunID("20261205T063933Z-29ecb0"))
        #expect(!StagingRetention.isRunID("20261205T063933Z"))
        #expect(!StagingRetention.isRunID("2026-12-05-29ecb0"))
        #expect(!StagingRetention.isRunID("quarantine"))
        #expect(!StagingRetention.isRunID("20261205X063933Z-29ecb0"))
        #expect(!StagingRetention.isRunID("20261205T063933Z-xyz"))
    }

    @Test func theNewestRunsAreKept() {
        let retention = StagingRetention(directory: "/unused", keepRuns: 2)
        let names = ["20261203T000000Z-aa", "notes", "20261205T000000Z-cc", "20261201T000000Z-bb", "20261204T000000Z-dd"]
        #expect(retention.expiredRuns(among: names) == ["20261203T000000Z-aa", "20261201T000000Z-bb"])
        #expect(StagingRetention(directory: "/unused", keepRuns: 10).expiredRuns(among: names).isEmpty)
    }

    @Test func pruningDeletesExpiredRunsAndUnfinishedAttemptsOnly() throws {
        let files = FileManager.default
        let directory = files.temporaryDirectory.appendingPathComponent("sluice-retention-\(UUID())").path
        defer { try? files.removeItem(atPath: directory) }
        let runs = ["20261201T000000Z-01", "20261202T000000Z-02", "20261203T000000Z-03", "20261204T000000Z-04"]
        for run in runs {
            try files.createDirectory(atPath: "\(directory)/\(run)/orders", withIntermediateDirectories: true)
            try Data("shard".utf8).write(to: URL(fileURLWithPath: "\(directory)/\(run)/orders/part-00000.parquet"))
        }
        try files.createDirectory(atPath: "\(directory)/keep-me", withIntermediateDirectories: true)
        let current = runs[3]
        try Data("half".utf8).write(to: URL(fileURLWithPath: "\(directory)/\(current)/orders/part-00001.parquet.attempt-2.tmp"))
        // The two oldest are an hour and a half old; the second one was touched a minute ago (still being written).
        let old = Date().addingTimeInterval(-5400)
        for path in ["\(directory)/\(runs[0])", "\(directory)/\(runs[0])/orders", "\(directory)/\(runs[0])/orders/part-00000.parquet"] {
            try files.setAttributes([.modificationDate: old], ofItemAtPath: path)
        }

        let outcome = StagingRetention(directory: directory, keepRuns: 2).prune(after: current)
        #expect(outcome.runs == [runs[0]], "the old expired run goes; the recently written one stays")
        #expect(outcome.temporaryFiles.count == 1)
        #expect(!files.fileExists(atPath: "\(directory)/\(runs[0])"))
        #expect(files.fileExists(atPath: "\(directory)/\(runs[1])"))
        #expect(files.fileExists(atPath: "\(directory)/\(current)/orders/part-00000.parquet"))
        #expect(!files.fileExists(atPath: "\(directory)/\(current)/orders/part-00001.parquet.attempt-2.tmp"))
        #expect(files.fileExists(atPath: "\(directory)/keep-me"))
    }
}
