import CCurl
import SluiceCore
import Synchronization

/// The state of one request while `curl_easy_perform` runs: where the upload comes from, where the
/// response goes, and the first error a callback hit. libcurl calls back on the thread running the
/// request, one call at a time, so no locking is needed.
final class CurlTransfer {
    private enum Upload {
        case none
        case bytes([UInt8], offset: Int)
        case stream(length: Int64?, producer: HTTPBodyProducer, produced: Int64)
    }

    /// Response headers above this size fail the request (libcurl bounds single lines, not their number).
    static let headerBytesLimit = 1 << 20

    private let handle: CurlEasyHandle
    private var upload: Upload
    private let responseMode: HTTPRequest.ResponseBody
    private let cancellation: CancellationFlag?
    private let peer: String

    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    private var headerBytes = 0
    private var status: Int?
    /// The first error raised inside a callback; it wins over libcurl's own code.
    private(set) var callbackError: SluiceError?
    private(set) var cancelled = false

    init(handle: CurlEasyHandle, request: HTTPRequest, cancellation: CancellationFlag?) {
        self.handle = handle
        self.responseMode = request.responseBody
        self.cancellation = cancellation
        self.peer = URLText.hostAndPort(request.url)
        switch request.body {
        case .none: upload = .none
        case .bytes(let bytes): upload = .bytes(bytes, offset: 0)
        case .stream(let length, let producer): upload = .stream(length: length, producer: producer, produced: 0)
        }
    }

    /// Installs the callbacks; `context` must be this object, kept alive until the request ends.
    func install(context: UnsafeMutableRawPointer) throws(SluiceError) {
        try handle.set(CURLOPT_WRITEFUNCTION, callback: curlWriteCallback)
        try handle.set(CURLOPT_WRITEDATA, pointer: context)
        try handle.set(CURLOPT_HEADERFUNCTION, callback: curlHeaderCallback)
        try handle.set(CURLOPT_HEADERDATA, pointer: context)
        if case .none = upload {} else {
            try handle.set(CURLOPT_READFUNCTION, callback: curlReadCallback)
            try handle.set(CURLOPT_READDATA, pointer: context)
            try handle.set(CURLOPT_SEEKFUNCTION, seek: curlSeekCallback)
            try handle.set(CURLOPT_SEEKDATA, pointer: context)
        }
        if cancellation != nil {
            try handle.set(CURLOPT_NOPROGRESS, false)
            try handle.set(CURLOPT_XFERINFOFUNCTION, progress: curlProgressCallback)
            try handle.set(CURLOPT_XFERINFODATA, pointer: context)
        }
    }

    // MARK: Upload

    fileprivate func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch upload {
        case .none:
            return 0
        case .bytes(let bytes, let offset):
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            upload = .bytes(bytes, offset: offset + count)
            return count
        case .stream(let length, let producer, let produced):
            let count: Int
            do {
                count = try producer(buffer)
            } catch {
                return abortUpload(error)
            }
            guard count >= 0, count <= buffer.count else {
                return abortUpload(SluiceError(.internalError, "body producer returned \(count) for a buffer of \(buffer.count) bytes"))
            }
            let total = produced + Int64(count)
            if let length {
                if total > length {
                    return abortUpload(SluiceError(.internalError, "body producer gave more than the declared \(length) bytes"))
                }
                if count == 0, total < length {
                    return abortUpload(SluiceError(.internalError, "body producer ended after \(total) of the declared \(length) bytes"))
                }
            }
            upload = .stream(length: length, producer: producer, produced: total)
            return count
        }
    }

    private func abortUpload(_ error: SluiceError) -> Int {
        if callbackError == nil { callbackError = error }
        return sluice_curl_readfunc_abort
    }

    /// libcurl rewinds when it must resend the body on a new connection. Bytes always rewind; a stream
    /// only while nothing was taken from it yet.
    fileprivate func seek(offset: Int64, origin: Int32) -> Int32 {
        guard origin == SEEK_SET else { return sluice_curl_seekfunc_cantseek }
        switch upload {
        case .none:
            return offset == 0 ? sluice_curl_seekfunc_ok : sluice_curl_seekfunc_cantseek
        case .bytes(let bytes, _):
            guard offset >= 0, offset <= Int64(bytes.count) else { return sluice_curl_seekfunc_cantseek }
            upload = .bytes(bytes, offset: Int(offset))
            return sluice_curl_seekfunc_ok
        case .stream(_, _, let produced):
            return offset == 0 && produced == 0 ? sluice_curl_seekfunc_ok : sluice_curl_seekfunc_cantseek
        }
    }

    // MARK: Response

    fileprivate func header(_ line: UnsafeRawBufferPointer) -> Int {
        headerBytes += line.count
        guard headerBytes <= Self.headerBytesLimit else {
            if callbackError == nil {
                callbackError = SluiceError(.httpTransfer, "response headers from \(peer) exceed \(Self.headerBytesLimit) bytes")
            }
            return 0
        }
        var text = String(decoding: line, as: UTF8.self)
        while let last = text.last, last == "\r\n" || last == "\n" || last == "\r" { text.removeLast() }
        if text.hasPrefix("HTTP/") {
            // A new response begins (after a 1xx interim response, the final one follows).
            headers = HTTPHeaders()
        } else if let colon = text.firstIndex(of: ":") {
            let name = String(text[..<colon])
            let value = text[text.index(after: colon)...].trimmingSpaces()
            headers.add(name: name, value: value)
            // A collected body of known length grows once, not by doubling (a 64 MiB ranged GET copied ~7 times).
            if case .collect(let limit) = responseMode, body.isEmpty, name.lowercased() == "content-length",
               let length = Int(value), length > 0 {
                body.reserveCapacity(min(length, limit))
            }
        }
        return line.count
    }

    fileprivate func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        let status = self.status ?? {
            let code = handle.info(CURLINFO_RESPONSE_CODE)
            self.status = code
            return code
        }()
        let success = (200...299).contains(status)
        switch responseMode {
        case .stream(let consumer) where success:
            do {
                try consumer(bytes)
            } catch {
                if callbackError == nil { callbackError = error }
                return 0
            }
            return bytes.count
        case .collect(let limit) where success:
            guard body.count + bytes.count <= limit else {
                if callbackError == nil {
                    callbackError = SluiceError(.httpResponseTooLarge,
                                                "response body from \(peer) exceeds the limit of \(limit) bytes")
                }
                return 0
            }
            body.append(contentsOf: bytes)
        default:
            // An error response: keep the start of it for the message, drop the rest.
            let room = max(0, HTTPRequest.errorBodyLimit - body.count)
            body.append(contentsOf: bytes.prefix(room))
        }
        return bytes.count
    }

    fileprivate func progress() -> Int32 {
        guard let cancellation, cancellation.isCancelled else { return 0 }
        cancelled = true
        return 1
    }
}

/// Set from another thread (task cancellation) and read by the progress callback of a running request.
final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    func cancel() { state.store(true, ordering: .relaxed) }

    var isCancelled: Bool { state.load(ordering: .relaxed) }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex { $0 != " " && $0 != "\t" }!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

// MARK: C callbacks: each recovers its CurlTransfer from the context pointer.

private func transfer(_ context: UnsafeMutableRawPointer?) -> CurlTransfer {
    Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
}

private let curlReadCallback: sluice_curl_io_callback = { buffer, size, count, context in
    transfer(context).read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

private let curlWriteCallback: sluice_curl_io_callback = { buffer, size, count, context in
    transfer(context).write(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let curlHeaderCallback: sluice_curl_io_callback = { buffer, size, count, context in
    transfer(context).header(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let curlSeekCallback: sluice_curl_seek_callback = { context, offset, origin in
    transfer(context).seek(offset: Int64(offset), origin: origin)
}

private let curlProgressCallback: sluice_curl_xferinfo_callback = { context, _, _, _, _ in
    transfer(context).progress()
}
