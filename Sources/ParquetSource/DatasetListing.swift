#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import SluiceCore
import SluiceExpressions

/// A file a table reads, with the partition values of its `key=value` folders.
public struct DatasetFile: Sendable, Hashable, Codable {
    public var file: StoredFile
    /// The `key=value` folders between the table's path and the file, in order; a value of
    /// `__HIVE_DEFAULT_PARTITION__` (how Hive and Spark write NULL) is nil. Values are percent-decoded.
    public var partitions: [PartitionValue]

    public struct PartitionValue: Sendable, Hashable, Codable {
        public var key: String
        public var value: String?
    }

    public func partition(_ key: String) -> PartitionValue? { partitions.first { $0.key == key } }
}

/// Columns every file has by where it is rather than by what it holds: its key (`events/date=2026-11-01/part-0.parquet`)
/// and its modification time (S3's LastModified). `_file_modified` makes a cursor that picks up new files: see
/// docs/lake.md#new-files-only-a-_file_modified-cursor.
public enum FileColumns {
    public static let key = "_file_key"
    public static let modified = "_file_modified"
    public static let all: [(name: String, type: DataType)] = [(key, .string), (modified, .timestampTZ)]
}

extension DatasetFile {
    /// Whether `name` is a column this file's location provides (a partition key or one of ``FileColumns``).
    func locates(_ name: String) -> Bool {
        name == FileColumns.key || name == FileColumns.modified || partition(name) != nil
    }

    /// `rows` copies of the value the file's location gives column `name`, as `type`; nil when the location gives
    /// no such column. A partition folder's text that does not parse as `type` throws, naming it.
    func locationColumn(_ name: String, type: DataType, rows: Int) throws(SluiceError) -> Column? {
        let one: Column
        switch name {
        case FileColumns.key:
            one = try ColumnCast.cast(try ColumnCast.parse([file.key], as: .string), from: .string, to: type)
        case FileColumns.modified:
            var builder = ColumnBuilder(type: .timestampTZ, capacity: 1)
            builder.append(file.modified)
            one = try ColumnCast.cast(builder.finish(), from: .timestampTZ, to: type)
        default:
            guard let value = partition(name) else { return nil }
            do {
                one = try ColumnCast.parse([value.value], as: type)
            } catch {
                throw SluiceError(.parquetSchemaDrift, "partition folder \(name)=\(value.value ?? "") is not a valid \(type)",
                                  context: ErrorContext(file: file.key, column: name))
            }
        }
        return rows == 1 ? one : one.taking([Int32](repeating: 0, count: rows))
    }
}

/// Which files of a listing a table reads (pure: ``ParquetTableSpec`` applied to keys, no I/O).
public enum DatasetListing {
    /// The files `spec` selects from `listed` (the store's listing under `spec.path`), sorted by key, and for a newest
    /// mode a sentence saying which was chosen and why.
    public static func select(_ listed: [StoredFile], spec: ParquetTableSpec) -> (files: [DatasetFile], choice: String?) {
        let folder = spec.path.isEmpty || spec.path.hasSuffix("/") ? spec.path : spec.path + "/"
        var files: [DatasetFile] = []
        for file in listed {
            // A table naming one file reads it, whatever the glob says.
            let relative = file.key == spec.path ? String(file.key.split(separator: "/").last ?? "") : String(file.key.dropFirst(folder.count))
            guard file.key == spec.path || file.key.hasPrefix(folder) else { continue }
            let parts = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            guard let name = parts.last, !parts.contains(where: { $0.hasPrefix("_") || $0.hasPrefix(".") }) else { continue }
            guard matches(spec.glob, spec.glob.contains("/") ? relative : name) else { continue }
            files.append(DatasetFile(file: file, partitions: parts.dropLast().compactMap(partitionValue)))
        }
        files.sort { $0.file.key < $1.file.key }
        switch spec.newest {
        case .all:
            return (files, nil)
        case .file:
            guard let newest = files.max(by: { ($0.file.modified, $0.file.key) < ($1.file.modified, $1.file.key) }) else { return ([], nil) }
            return ([newest], "newest file: \(newest.file.key), modified \(CivilTime.formatTimestamp(microseconds: newest.file.modified))Z, the latest of \(files.count) matching \(spec.glob)")
        case .partition:
            return newestPartition(files, spec: spec)
        }
    }

    /// `date=2026-11-01` as a partition value; nil for a folder of another form.
    static func partitionValue(_ folder: String) -> DatasetFile.PartitionValue? {
        guard let equals = folder.firstIndex(of: "="), equals != folder.startIndex else { return nil }
        let key = String(folder[..<equals])
        let raw = String(folder[folder.index(after: equals)...])
        let value = raw.removingPercentEncoding ?? raw
        return DatasetFile.PartitionValue(key: key, value: value == "__HIVE_DEFAULT_PARTITION__" ? nil : value)
    }

    /// Whether `name` matches the shell pattern `pattern` (`*` does not cross `/`).
    static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, FNM_PATHNAME) == 0
    }

    private static func newestPartition(_ files: [DatasetFile], spec: ParquetTableSpec) -> (files: [DatasetFile], choice: String?) {
        let firstLevel = files.compactMap { $0.partitions.first }
        guard let key = firstLevel.first?.key else {
            return ([], "newest partition: no key=value folder under \(spec.path) holds a file matching \(spec.glob)")
        }
        let values = Set(firstLevel.filter { $0.key == key }.compactMap(\.value))
        let numeric = values.allSatisfy { Int64($0) != nil }
        guard let newest = values.max(by: { numeric ? Int64($0)! < Int64($1)! : $0 < $1 }) else { return ([], nil) }
        let chosen = files.filter { $0.partitions.first == DatasetFile.PartitionValue(key: key, value: newest) }
        return (chosen, "newest partition: \(key)=\(newest), the greatest of \(values.count) (\(numeric ? "as integers" : "as text")), \(chosen.count) file\(chosen.count == 1 ? "" : "s")")
    }
}
