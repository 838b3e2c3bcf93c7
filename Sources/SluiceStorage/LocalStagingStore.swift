public import Foundation
public import Parquet
public import SluiceCore

/// Staging in a local directory, or a volume every executor mounts at the same path: files are written beside their
/// final name and renamed into place.
public struct LocalStagingStore: StagingStore {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func prepare() throws(SluiceError) {
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw SluiceError(.stagingIO, "cannot create the staging directory \(root)", underlying: "\(error)", retryable: false)
        }
    }

    public func scratchPath(for path: String, attempt: UInt32) throws(SluiceError) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SluiceError(.stagingIO, "cannot create the staging directory \(directory)", underlying: "\(error)")
        }
        return path + ".attempt-\(attempt).tmp"
    }

    public func publish(_ scratch: String, as path: String) throws(SluiceError) {
        guard rename(scratch, path) == 0 else {
            throw SluiceError(.stagingIO, "cannot move \(scratch) into place at \(path): \(String(cString: strerror(errno)))")
        }
    }

    public func input(_ path: String) throws(SluiceError) -> any ParquetInput {
        try ParquetFileInput(path: path)
    }

    public func describe(_ path: String) -> StagedFileFacts? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.uint64Value, let sha = sha256Hex(ofFile: path)
        else { return nil }
        return StagedFileFacts(bytes: size, sha256: sha)
    }

    public func remove(_ paths: [String]) {
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }

    public func read(_ path: String) throws(SluiceError) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    public func write(_ bytes: [UInt8], to path: String) throws(SluiceError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".writing.tmp"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw SluiceError(.stagingIO, "cannot write \(path)", underlying: "\(error)")
        }
        try publish(temporary, as: path)
    }

    public func entries(in relative: String = "") -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: relative.isEmpty ? root : root + "/" + relative)) ?? []
    }

    public func latestModification(of name: String) -> Date? {
        let files = FileManager.default
        let path = root + "/" + name
        var latest = (try? files.attributesOfItem(atPath: path)[.modificationDate]) as? Date
        if let walker = files.enumerator(atPath: path) {
            while let relative = walker.nextObject() as? String {
                if let date = (try? files.attributesOfItem(atPath: path + "/" + relative)[.modificationDate]) as? Date {
                    latest = max(latest ?? date, date)
                }
            }
        }
        return latest
    }

    public func removeEntry(_ name: String) -> Bool {
        (try? FileManager.default.removeItem(atPath: root + "/" + name)) != nil
    }

    public func files(under relative: String) -> [String] {
        let directory = relative.isEmpty ? root : root + "/" + relative
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    public func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    public func move(_ source: String, to destination: String) throws(SluiceError) {
        let directory = (destination as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SluiceError(.stagingIO, "cannot create \(directory)", underlying: "\(error)")
        }
        try publish(source, as: destination)
    }

    public func removeUnfinished(under name: String) -> [String] {
        let directory = root + "/" + name
        var removed: [String] = []
        if let walker = FileManager.default.enumerator(atPath: directory) {
            while let relative = walker.nextObject() as? String {
                guard relative.hasSuffix(".tmp") else { continue }
                let path = directory + "/" + relative
                if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
            }
        }
        return removed
    }
}
