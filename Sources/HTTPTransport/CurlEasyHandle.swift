import CCurl
import SluiceCore

/// Owns one libcurl easy handle and, through it, libcurl's cache of open connections to reuse.
///
/// `@unchecked Sendable`: the handle moves between threads only through ``CurlHandlePool``, which gives it
/// to one request at a time; libcurl allows a handle on any thread as long as no two use it at once.
final class CurlEasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init() throws(SluiceError) {
        guard CurlGlobal.initialized else {
            throw SluiceError(.internalError, "curl_global_init failed")
        }
        guard let raw = curl_easy_init() else {
            throw SluiceError(.internalError, "curl_easy_init failed")
        }
        self.raw = raw
    }

    deinit {
        curl_easy_cleanup(raw)
    }

    /// Clears every option set by the last request; open connections and caches stay.
    func reset() {
        curl_easy_reset(raw)
    }

    func set(_ option: CURLoption, _ value: Int) throws(SluiceError) {
        try check(sluice_curl_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(SluiceError) {
        try set(option, value ? 1 : 0)
    }

    func set(_ option: CURLoption, offset value: Int64) throws(SluiceError) {
        try check(sluice_curl_setopt_off_t(raw, option, curl_off_t(value)), option)
    }

    /// libcurl copies string options, so `value` need not outlive the call.
    func set(_ option: CURLoption, _ value: String) throws(SluiceError) {
        let code = value.withCString { sluice_curl_setopt_string(raw, option, $0) }
        try check(code, option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(SluiceError) {
        try check(sluice_curl_setopt_pointer(raw, option, value), option)
    }

    func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) throws(SluiceError) {
        try check(sluice_curl_setopt_slist(raw, option, value), option)
    }

    func set(_ option: CURLoption, callback value: sluice_curl_io_callback) throws(SluiceError) {
        try check(sluice_curl_setopt_callback(raw, option, value), option)
    }

    func set(_ option: CURLoption, seek value: sluice_curl_seek_callback) throws(SluiceError) {
        try check(sluice_curl_setopt_seek_callback(raw, option, value), option)
    }

    func set(_ option: CURLoption, progress value: sluice_curl_xferinfo_callback) throws(SluiceError) {
        try check(sluice_curl_setopt_xferinfo_callback(raw, option, value), option)
    }

    func info(_ info: CURLINFO) -> Int {
        var value = 0
        _ = sluice_curl_getinfo_long(raw, info, &value)
        return value
    }

    func info(offset info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        _ = sluice_curl_getinfo_off_t(raw, info, &value)
        return Int64(value)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(SluiceError) {
        guard code == CURLE_OK else {
            throw SluiceError(.internalError, "curl_easy_setopt(\(option.rawValue)) failed",
                              underlying: String(cString: curl_easy_strerror(code)))
        }
    }
}

/// `curl_global_init`, run exactly once per process (Swift initializes a static `let` once, thread-safely)
/// before the first handle is made.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(sluice_curl_global_all) == CURLE_OK
}
