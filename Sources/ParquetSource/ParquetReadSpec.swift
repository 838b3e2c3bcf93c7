import Foundation
public import SluiceCore
import SluicePipeline


/// What one task reads: row groups of one or more files, and the cursor window its rows must fall in. Travels to
/// the executor as the partition's ``SluiceCore/ConnectorPayload`` (JSON).
public struct ParquetReadSpec: Sendable, Hashable, Codable {
    public static let kind = "parquet"

    /// A file and the row groups of it the task reads (in order).
    public struct Part: Sendable, Hashable, Codable {
        public var file: DatasetFile
        public var rowGroups: [Int]
        public var rows: Int64
    }

    public var parts: [Part]
    /// The cursor's source column, when the table has a cursor: rows outside ``window`` are dropped after reading.
    public var cursorColumn: String?
    public var window: CursorWindow

    public init(parts: [Part], cursorColumn: String?, window: CursorWindow) {
        self.parts = parts
        self.cursorColumn = cursorColumn
        self.window = window
    }

    var payload: ConnectorPayload {
        get throws(SluiceError) {
            do {
                return ConnectorPayload(kind: Self.kind, bytes: Array(try JSONEncoder().encode(self)))
            } catch {
                throw SluiceError(.internalError, "cannot encode a parquet read: \(error)")
            }
        }
    }

    init(payload: ConnectorPayload) throws(SluiceError) {
        guard payload.kind == Self.kind else {
            throw SluiceError(.internalError, "a \(payload.kind) partition was given to the parquet reader")
        }
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(payload.bytes))
        } catch {
            throw SluiceError(.internalError, "cannot decode a parquet read: \(error)")
        }
    }

    /// The files the read takes rows from, each once.
    var files: [FileVersion] {
        var seen = Set<FileVersion>()
        return parts.map(\.file.file.version).filter { seen.insert($0).inserted }
    }

    /// `events/date=2026-11-01/part-0.parquet row groups 0-3 (+2 files)`, for `sluice plan`.
    var summary: String {
        guard let first = parts.first else { return "nothing" }
        let groups = first.rowGroups.count == 1 ? "row group \(first.rowGroups[0])" : "row groups \(first.rowGroups.first!)-\(first.rowGroups.last!)"
        return "\(first.file.file.key) \(groups)" + (parts.count > 1 ? " (+\(parts.count - 1) file\(parts.count == 2 ? "" : "s"))" : "")
    }
}

/// How a table's row groups become tasks (pure).
enum ParquetTaskPlanner {
    /// The row groups of every file (each file's row counts, in file order), gathered into tasks of about
    /// `rowsPerTask` rows in file and row-group order; a row group never splits, so one bigger than `rowsPerTask` is a
    /// task of its own. `keep` says which row groups may hold wanted rows (statistics); empty row groups are left out.
    static func plan(files: [(file: DatasetFile, rowGroupRows: [Int64])], rowsPerTask: Int,
                     keep: (_ file: Int, _ rowGroup: Int) -> Bool) -> [[ParquetReadSpec.Part]] {
        var tasks: [[ParquetReadSpec.Part]] = []
        var current: [ParquetReadSpec.Part] = []
        var currentRows: Int64 = 0
        func close() {
            if !current.isEmpty { tasks.append(current) }
            current = []
            currentRows = 0
        }
        for (index, entry) in files.enumerated() {
            for (group, rows) in entry.rowGroupRows.enumerated() where rows > 0 && keep(index, group) {
                if currentRows > 0 && currentRows + rows > Int64(rowsPerTask) { close() }
                if let last = current.last, last.file == entry.file {
                    current[current.count - 1].rowGroups.append(group)
                    current[current.count - 1].rows += rows
                } else {
                    current.append(ParquetReadSpec.Part(file: entry.file, rowGroups: [group], rows: rows))
                }
                currentRows += rows
            }
        }
        close()
        return tasks
    }
}
