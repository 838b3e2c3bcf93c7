#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
public import SluiceCore

/// Where a writer's bytes go, in order. Implemented by ``ParquetFileOutput`` (a local file) and
/// ``ParquetMemoryOutput`` (memory, for uploads); other sinks (an S3 multipart upload) can conform too.
public protocol ParquetOutput: AnyObject {
    /// A name for error messages (the path, or a URL).
    var name: String { get }
    /// Appends `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(SluiceError)
    /// Called once after the last write.
    func close() throws(SluiceError)
}

/// Writes to a local file, created or truncated on open.
public final class ParquetFileOutput: ParquetOutput {
    public let name: String
    private var fd: Int32

    /// Creates (or truncates) `path`; throws `parquet_io` if it cannot.
    public init(path: String) throws(SluiceError) {
        name = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ParquetError.io("cannot create file", file: path, underlying: String(cString: strerror(errno)))
        }
    }

    deinit {
        if fd >= 0 { _ = systemClose(fd) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(SluiceError) {
        guard fd >= 0 else { throw ParquetError.io("write after close", file: name) }
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(fd, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw ParquetError.io("cannot write file", file: name, underlying: String(cString: strerror(errno)))
            }
            pointer += written
            remaining -= written
        }
    }

    public func close() throws(SluiceError) {
        guard fd >= 0 else { return }
        let result = systemClose(fd)
        fd = -1
        guard result == 0 else {
            throw ParquetError.io("cannot close file", file: name, underlying: String(cString: strerror(errno)))
        }
    }
}

/// Collects the file in memory; read ``bytes`` after the writer is closed.
public final class ParquetMemoryOutput: ParquetOutput {
    public let name: String
    public private(set) var bytes: [UInt8] = []

    public init(name: String = "<memory>") {
        self.name = name
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(SluiceError) {
        self.bytes.append(contentsOf: bytes)
    }

    public func close() throws(SluiceError) {}
}

// The C functions, named apart from the methods of the same name.
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, pointer, count) }
