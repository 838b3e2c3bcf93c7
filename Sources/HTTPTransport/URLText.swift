/// Pure helpers that take URLs apart for error messages, so no credential ever reaches a log.
public enum URLText {
    /// Query parameters whose values are masked in ``redacted(_:)`` (compared case-insensitively, by substring).
    static let sensitiveParameterFragments = ["password", "passwd", "secret", "token", "signature", "credential", "key"]

    /// `url` without user info (`user:pass@`) and with the values of credential-like query parameters
    /// (`password`, `X-Amz-Signature`, ...) replaced by `***`.
    public static func redacted(_ url: String) -> String {
        let parts = split(url)
        var result = parts.scheme.map { $0 + "://" } ?? ""
        result += parts.authority.hostPort
        result += parts.path
        if let query = parts.query {
            let items = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
                guard let equals = item.firstIndex(of: "=") else { return String(item) }
                let name = item[..<equals].lowercased()
                let sensitive = sensitiveParameterFragments.contains { name.contains($0) }
                return sensitive ? item[..<equals] + "=***" : String(item)
            }
            result += "?" + items.joined(separator: "&")
        }
        return result
    }

    /// `host:port` of `url`, the port defaulting to 80 for http and 443 for https
    /// (`[::1]:8123` for an IPv6 literal).
    public static func hostAndPort(_ url: String) -> String {
        let parts = split(url)
        let hostPort = parts.authority.hostPort
        if hasExplicitPort(hostPort) { return hostPort }
        let port = parts.scheme?.lowercased() == "https" ? 443 : 80
        return hostPort + ":\(port)"
    }

    private struct Parts {
        var scheme: String?
        var authority: (userInfo: String?, hostPort: String)
        var path: String
        var query: String?
    }

    private static func split(_ url: String) -> Parts {
        var rest = Substring(url)
        var scheme: String?
        if let range = rest.firstRange(of: "://") {
            scheme = String(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        // A fragment is never sent; drop it.
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        var userInfo: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            userInfo = String(authority[..<at])
            hostPort = authority[authority.index(after: at)...]
        }
        var query: String?
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        return Parts(scheme: scheme, authority: (userInfo, String(hostPort)), path: String(rest), query: query)
    }

    private static func hasExplicitPort(_ hostPort: String) -> Bool {
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return false }
            return hostPort[close...].contains(":")
        }
        return hostPort.contains(":")
    }
}
