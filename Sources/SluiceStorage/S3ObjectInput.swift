import Dispatch
import Foundation
public import Parquet
public import S3
public import SluiceCore
import Synchronization

/// One object's bytes by ranged GETs. The last 64 KiB are fetched once and kept: the reader asks for the magic and the
/// footer length, then the footer, which nearly always lies in them. The reader announces the column chunks it reads
/// next (``willRead(_:)``: the current row group's and the following one's): chunks less than ``gapBytes`` apart are
/// fetched in one request (up to ``requestBytes``), in the background, so the next row group arrives while this one
/// decodes (pyarrow's pre-buffering on its I/O thread does the same). At most ``keptBytes`` of fetched spans are kept.
public final class S3ObjectInput: ParquetInput {
    public let name: String
    public let size: Int
    private let client: S3Client
    private let bucket: String
    private let key: String
    private let tail = Mutex<(start: Int, bytes: [UInt8])?>(nil)
    private let spans = Mutex<[Span]>([])
    private let fetched = Atomic<Int>(0)
    static let tailBytes = 64 << 10
    static let gapBytes = 1 << 20
    static let requestBytes = 64 << 20
    static let keptBytes = 256 << 20

    /// A range being fetched or fetched.
    final class Span: Sendable {
        let range: Range<Int>
        private let outcome = Mutex<Result<[UInt8], SluiceError>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        init(range: Range<Int>) {
            self.range = range
        }

        func finish(_ result: Result<[UInt8], SluiceError>) {
            outcome.withLock { $0 = result }
            done.signal()
        }

        /// The bytes, once fetched (nil when the fetch failed: the caller asks again and reports what it gets).
        func bytes() -> [UInt8]? {
            done.wait()
            done.signal()  // for the next reader of this span
            guard case .success(let bytes)? = outcome.withLock({ $0 }), bytes.count == range.count else { return nil }
            return bytes
        }
    }

    /// The bytes asked of the store so far (every ranged GET): what projection and row-group pruning save shows here.
    public var bytesFetched: Int { fetched.load(ordering: .relaxed) }

    public init(client: S3Client, bucket: String, key: String, size: Int) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.size = size
        name = "s3://\(bucket)/\(key)"
    }

    /// Into `buffer` straight from a fetched span (one copy), else as ``read(offset:count:)``.
    public func read(offset: Int, count: Int, into buffer: inout [UInt8]) throws(SluiceError) {
        if count > 0, offset >= 0, offset + count <= size,
           let span = spans.withLock({ $0.last { $0.range.lowerBound <= offset && offset + count <= $0.range.upperBound } }),
           let bytes = span.bytes() {
            if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
            let from = offset - span.range.lowerBound
            buffer.withUnsafeMutableBytes { target in
                bytes.withUnsafeBytes { source in
                    target.baseAddress!.copyMemory(from: source.baseAddress! + from, byteCount: count)
                }
            }
            return
        }
        buffer = try read(offset: offset, count: count)
    }

    public func read(offset: Int, count: Int) throws(SluiceError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw SluiceError(.parquetCorrupt, "range \(offset)+\(count) lies outside the object of \(size) bytes", context: ErrorContext(file: name))
        }
        if count == 0 { return [] }
        if let span = spans.withLock({ $0.last { $0.range.lowerBound <= offset && offset + count <= $0.range.upperBound } }),
           let bytes = span.bytes() {
            let from = offset - span.range.lowerBound
            return Array(bytes[from..<(from + count)])
        }
        if offset + count > size - Self.tailBytes {
            let cached = try tailBytes()
            if offset >= cached.start { return Array(cached.bytes[(offset - cached.start)..<(offset - cached.start + count)]) }
        }
        return try fetch(offset..<(offset + count))
    }

    /// Starts fetching `ranges`, merged into as few requests as the gap and request limits allow, unless a kept span
    /// already covers them.
    public func willRead(_ ranges: [Range<Int>]) {
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = merged.last, range.lowerBound - last.upperBound <= Self.gapBytes,
               max(last.upperBound, range.upperBound) - last.lowerBound <= Self.requestBytes {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        for range in merged {
            let span = Span(range: range)
            let started = spans.withLock { (kept: inout [Span]) -> Bool in
                guard !kept.contains(where: { $0.range.lowerBound <= range.lowerBound && range.upperBound <= $0.range.upperBound }) else {
                    return false
                }
                kept.append(span)
                var total = kept.reduce(0) { $0 + $1.range.count }
                while total > Self.keptBytes, kept.count > 1 {
                    total -= kept.removeFirst().range.count
                }
                return true
            }
            guard started else { continue }
            fetched.add(range.count, ordering: .relaxed)
            Task { [client, bucket, key] in
                do throws(SluiceError) {
                    let bytes = try await client.get(bucket: bucket, key: key,
                                                     range: .bytes(Int64(range.lowerBound)..<Int64(range.upperBound)))
                    span.finish(.success(bytes))
                } catch {
                    span.finish(.failure(error))
                }
            }
        }
    }

    private func fetch(_ range: Range<Int>) throws(SluiceError) -> [UInt8] {
        fetched.add(range.count, ordering: .relaxed)
        let bytes = try Blocking.wait { [client, bucket, key] () async throws(SluiceError) in
            try await client.get(bucket: bucket, key: key, range: .bytes(Int64(range.lowerBound)..<Int64(range.upperBound)))
        }
        guard bytes.count == range.count else {
            throw SluiceError(.s3InvalidResponse, "asked for \(range.count) bytes at \(range.lowerBound), received \(bytes.count)",
                              context: ErrorContext(file: name))
        }
        return bytes
    }

    private func tailBytes() throws(SluiceError) -> (start: Int, bytes: [UInt8]) {
        if let cached = tail.withLock({ $0 }) { return cached }
        let length = min(size, Self.tailBytes)
        fetched.add(length, ordering: .relaxed)
        let bytes = try Blocking.wait { [client, bucket, key] () async throws(SluiceError) in
            try await client.get(bucket: bucket, key: key, range: .suffix(Int64(length)))
        }
        guard bytes.count == length else {
            throw SluiceError(.s3InvalidResponse, "asked for the last \(length) bytes, received \(bytes.count)", context: ErrorContext(file: name))
        }
        let cached = (start: size - length, bytes: bytes)
        tail.withLock { $0 = cached }
        return cached
    }
}

/// Waits on the calling thread for async work: for the blocking reader and listing, which run on threads of their own
/// (``SluiceCore/BlockingIO``), never on the concurrency pool.
public enum Blocking {
    public static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws(SluiceError) -> T) throws(SluiceError) -> T {
        let outcome = Mutex<Result<T, SluiceError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<T, SluiceError>
            do throws(SluiceError) {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
