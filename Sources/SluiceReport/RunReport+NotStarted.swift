public import Foundation
public import SluiceCore

extension RunReport {
    /// The report of a run that failed before it started: the configuration could not be loaded or used, or the
    /// source, the sink or the bookmark store could not be reached. `tables` (the selected tables, when known) fail
    /// with the same error, so a scheduler reading any table's `error` sees why.
    public static func notStarted(runID: String, pipeline: String, tables: [String], error: SluiceError, startedAt: Date,
                                  finishedAt: Date = Date()) -> RunReport {
        let reports = tables.map { name in
            var report = TableReport(table: name, mode: nil)
            report.error = "\(error)"
            return report
        }
        return RunReport(runID: runID, pipeline: pipeline, startedAt: wholeSeconds(startedAt),
                         finishedAt: RunInstant.timestamp(finishedAt), seconds: max(0, finishedAt.timeIntervalSince(startedAt)),
                         tables: reports, error: "\(error)", errorCode: error.code.name)
    }

    /// `2024-05-01T10:15:30Z`: how `started_at` is written.
    public static func wholeSeconds(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
