import CCurl
import SluiceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a failed `curl_easy_perform` into a ``SluiceError`` that names the peer and the request.
enum CurlErrorMapping {
    /// - Parameters:
    ///   - osErrno: CURLINFO_OS_ERRNO, the errno of the failed connect (0 if none).
    ///   - connected: whether a connection was established or reused (CURLINFO_PRETRANSFER_TIME_T > 0).
    static func error(for code: CURLcode, detail: String, request: HTTPRequest, osErrno: Int, connected: Bool,
                      cancelled: Bool) -> SluiceError {
        let peer = URLText.hostAndPort(request.url)
        let what = request.redactedDescription
        if cancelled || (code == CURLE_ABORTED_BY_CALLBACK) {
            return SluiceError(.httpCancelled, "request \(what) was cancelled", underlying: detail)
        }
        switch code {
        case CURLE_COULDNT_CONNECT:
            let reason = switch Int32(truncatingIfNeeded: osErrno) {
            case ECONNREFUSED: "connection refused"
            case EHOSTUNREACH: "no route to host"
            case ENETUNREACH: "network unreachable"
            case ETIMEDOUT: "connect timeout"
            default: detail.lowercased().contains("refused") ? "connection refused" : "connection failed"
            }
            return SluiceError(.httpUnreachable, "cannot connect to \(peer) (\(reason))", underlying: detail)
        case CURLE_COULDNT_RESOLVE_HOST:
            return SluiceError(.httpUnreachable, "cannot connect to \(peer) (host name not found)", underlying: detail)
        case CURLE_OPERATION_TIMEDOUT where !connected:
            return SluiceError(.httpUnreachable, "cannot connect to \(peer) (connect timeout)", underlying: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return SluiceError(.httpTimeout, "request \(what) to \(peer) timed out", underlying: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED:
            return SluiceError(.httpTLS, "TLS with \(peer) failed", underlying: detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return SluiceError(.httpInvalidRequest, "invalid request \(what)", underlying: detail)
        default:
            return SluiceError(.httpTransfer, "request \(what) to \(peer) failed", underlying: detail)
        }
    }
}
