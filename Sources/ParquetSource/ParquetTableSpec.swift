public import SluiceConfig
public import SluiceCore

/// What one table reads of the lake, from its `source:`: a folder or file under the source's root, which of its files
/// (`glob`), and whether only the newest file or partition folder.
///
///     source: events/                                   # every *.parquet under events/, at any depth
///     source: {parquet: {path: events/, glob: "date=2026-*/*.parquet"}}
///     source: {parquet: {path: results/, newest: file}} # only the most recently modified file
public struct ParquetTableSpec: Sendable, Hashable {
    /// The folder (ending in `/`, or any folder) or file, relative to the root.
    public var path: String
    /// Which files under ``path`` are read. A pattern without `/` matches file names at any depth; one with `/`
    /// matches the path below ``path`` (`date=*/part-*.parquet`). `*`, `?` and `[...]` as in a shell. Default
    /// `*.parquet`. Files and folders whose names start with `_` or `.` (`_SUCCESS`, `.crc`) are never read.
    public var glob: String
    public var newest: NewestMode

    /// Which of the matching files a run reads.
    public enum NewestMode: String, Sendable, Hashable, Codable {
        /// All of them.
        case all
        /// Only the most recently modified one (ties: the greatest path): the "load the newest result" job.
        case file
        /// Only those in the newest partition folder: the first `key=value` folder level under ``path`` whose
        /// value is greatest (compared as integers when all are integers, as text otherwise, which orders ISO dates).
        case partition
    }

    public init(path: String, glob: String = "*.parquet", newest: NewestMode = .all) {
        self.path = path
        self.glob = glob
        self.newest = newest
    }

    /// The table's spec, or an error naming an unknown option or value.
    public init(table: TableConfig) throws(SluiceError) {
        let known = ["glob", "newest"]
        if let unknown = table.sourceOptions.keys.sorted().first(where: { !known.contains($0) }) {
            throw SluiceError(.configInvalid, "unknown parquet source option '\(unknown)' (known: path, \(known.joined(separator: ", ")))",
                              context: ErrorContext(key: "source.parquet.\(unknown)", table: table.name))
        }
        var newest = NewestMode.all
        if let text = table.sourceOptions["newest"] {
            guard let mode = NewestMode(rawValue: text) else {
                throw SluiceError(.configInvalid, "newest must be all, file or partition, not '\(text)'",
                                  context: ErrorContext(key: "source.parquet.newest", table: table.name))
            }
            newest = mode
        }
        let glob = table.sourceOptions["glob"] ?? "*.parquet"
        guard !glob.isEmpty else {
            throw SluiceError(.configInvalid, "glob is empty", context: ErrorContext(key: "source.parquet.glob", table: table.name))
        }
        self.init(path: table.source, glob: glob, newest: newest)
    }
}
