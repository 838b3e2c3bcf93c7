import Foundation
import SluiceCore
import SluicePipeline

/// Where one table's files go in one run: the work payload the driver plans and every executor's writer receives.
///
/// Layout under the table's folder:
///
///     orders/day=2026-11-01/part-<run>-t<task>.parquet        committed files (what readers see)
///     orders/_sluice_work/<run>/t<task>-a<attempt>/...        an attempt's files until the driver commits them
///
/// Folders starting with `_` are invisible to Parquet readers (Spark, pyarrow, Sluice), so attempts never show.
struct ParquetSinkTarget: Sendable, Hashable, Codable {
    static let kind = "parquet"

    /// The table's folder.
    var directory: String
    var runID: String
    /// The staged columns whose values become folders (those of ``ParquetSinkSettings/partitionBy`` the table has).
    var partitionBy: [String]
    /// A run that replaces the table (a table without a cursor, a full reload): files of earlier runs go at the end.
    var replaces: Bool
    var schema: Schema
    var compression: String
    var rowGroupRows: Int

    var workDirectory: String { directory + "/_sluice_work/" + runID }

    func attemptDirectory(task: UInt64, attempt: UInt32) -> String { workDirectory + "/t\(task)-a\(attempt)" }

    /// The name a task's file has once committed (the same for every attempt, so a commit repeated after a failure
    /// replaces instead of adding).
    func committedName(task: UInt64) -> String { "part-\(runID)-t\(task).parquet" }
}

/// What a task's attempt wrote: its files, relative to its attempt folder (`day=2026-11-01/part.parquet`).
struct ParquetSinkReceipt: Sendable, Hashable, Codable {
    var task: UInt64
    var attempt: UInt32
    var files: [String]
    var rows: UInt64
}
