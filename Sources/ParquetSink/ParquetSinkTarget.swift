import Foundation
import SluiceConfig
import SluiceCore
import SluicePipeline
import SluiceStorage

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
    /// Where the bucket is, when ``directory`` is in one.
    var s3: S3EndpointSettings?

    /// The run's work folder, relative to the table's.
    var workFolder: String { "_sluice_work/" + runID }
    var workDirectory: String { directory + "/" + workFolder }

    /// An attempt's folder, relative to the table's.
    func attemptFolder(task: UInt64, attempt: UInt32) -> String { workFolder + "/t\(task)-a\(attempt)" }
    func attemptDirectory(task: UInt64, attempt: UInt32) -> String { directory + "/" + attemptFolder(task: task, attempt: attempt) }

    /// The table's folder as a store (a directory, or a prefix of a bucket).
    func store() throws(SluiceError) -> any StagingStore {
        try StagingConfig(directory: directory, s3: s3).store()
    }

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
