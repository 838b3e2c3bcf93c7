#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif
public import SluiceCore

/// Random access to the bytes of a Parquet file: a local file (``ParquetFileInput``), memory
/// (``ParquetMemoryInput``), or ranged GETs against object storage.
public protocol ParquetInput: AnyObject, Sendable {
    /// A name for error messages (the path, or a URL).
    var name: String { get }
    /// Size of the file in bytes.
    var size: Int { get }
    /// Exactly `count` bytes starting at `offset` (the reader only asks for ranges inside the file).
    func read(offset: Int, count: Int) throws(SluiceError) -> [UInt8]
    /// The same bytes into the first `count` bytes of `buffer`, which grows to at least `count` bytes (and
    /// may be longer): a caller reading many ranges reuses one buffer's memory.
    func read(offset: Int, count: Int, into buffer: inout [UInt8]) throws(SluiceError)
    /// A hint: the reader is about to read `ranges` (a row group's column chunks), in that order. A remote input can
    /// fetch them in fewer requests; a local one ignores it (the default).
    func willRead(_ ranges: [Range<Int>])
}

extension ParquetInput {
    public func willRead(_ ranges: [Range<Int>]) {}

    public func read(offset: Int, count: Int, into buffer: inout [UInt8]) throws(SluiceError) {
        buffer = try read(offset: offset, count: count)
    }
}

/// A local file read with `pread`, safe to share between threads.
public final class ParquetFileInput: ParquetInput {
    public let name: String
    public let size: Int
    private let fd: Int32

    /// Opens `path` for reading; throws `parquet_io` if it cannot be opened or is not a regular file.
    public init(path: String) throws(SluiceError) {
        name = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ParquetError.io("cannot open file", file: path, underlying: String(cString: strerror(errno)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let message = String(cString: strerror(errno))
            _ = systemClose(fd)
            throw ParquetError.io("cannot stat file", file: path, underlying: message)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            _ = systemClose(fd)
            throw ParquetError.io("not a regular file", file: path)
        }
        size = Int(info.st_size)
    }

    deinit {
        _ = systemClose(fd)
    }

    public func read(offset: Int, count: Int) throws(SluiceError) -> [UInt8] {
        var bytes: [UInt8] = []
        try read(offset: offset, count: count, into: &bytes)
        return count == bytes.count ? bytes : Array(bytes[..<count])
    }

    public func read(offset: Int, count: Int, into bytes: inout [UInt8]) throws(SluiceError) {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw ParquetError.corrupt("range \(offset)+\(count) lies outside the file of \(size) bytes")
        }
        if bytes.count < count {
            bytes = [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        }
        var failure: SluiceError?
        bytes.withUnsafeMutableBufferPointer { buffer in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = ParquetError.io("cannot read file", file: name, underlying: String(cString: strerror(errno)))
                    return
                }
                if n == 0 {
                    failure = ParquetError.io("file shrank while being read", file: name)
                    return
                }
                done += n
            }
        }
        if let failure { throw failure }
    }
}

private func systemClose(_ fd: Int32) -> Int32 { close(fd) }

/// A file held in memory.
public final class ParquetMemoryInput: ParquetInput {
    public let name: String
    public let bytes: [UInt8]
    public var size: Int { bytes.count }

    public init(bytes: [UInt8], name: String = "<memory>") {
        self.bytes = bytes
        self.name = name
    }

    public func read(offset: Int, count: Int) throws(SluiceError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw ParquetError.corrupt("range \(offset)+\(count) lies outside the file of \(bytes.count) bytes")
        }
        return Array(bytes[offset..<offset + count])
    }
}
