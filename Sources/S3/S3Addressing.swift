public import SluiceCore

/// Where requests for a bucket go: the endpoint, and whether the bucket is in the path or in the host name.
///
/// Path style (`http://127.0.0.1:9000/bucket/key`) suits custom endpoints (MinIO, Ceph, Swift, moto) and bucket names
/// with dots; virtual-hosted style (`https://bucket.s3.eu-west-1.amazonaws.com/key`) is what AWS recommends.
public struct S3Endpoint: Sendable, Hashable {
    public enum Addressing: String, Sendable, Hashable {
        case path
        case virtualHosted = "virtual"
        /// Virtual-hosted for AWS host names and DNS-compatible buckets (no dots over https), path style otherwise
        /// (IP addresses, `localhost`, custom endpoints).
        case automatic = "auto"
    }

    public var scheme: String
    /// Host and port as written in the URL and sent as `Host` (`127.0.0.1:25500`, `s3.us-east-1.amazonaws.com`).
    public var authority: String
    public var addressing: Addressing

    /// - Parameter url: `http(s)://host[:port]` with no path, query or user info.
    public init(url: String, addressing: Addressing = .automatic) throws(SluiceError) {
        let lowered = url.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") { scheme = "https" } else if lowered.hasPrefix("http://") { scheme = "http" } else {
            throw SluiceError(.s3InvalidRequest, "S3 endpoint '\(url)' must start with http:// or https://")
        }
        var authority = String(url.dropFirst(scheme.count + 3))
        while authority.hasSuffix("/") { authority.removeLast() }
        guard !authority.isEmpty, !authority.contains("/"), !authority.contains("@"), !authority.contains("?"),
              !authority.contains(where: { $0 == " " }) else {
            throw SluiceError(.s3InvalidRequest, "S3 endpoint '\(scheme)://\(authority.split(separator: "@").last ?? "")' must be "
                              + "scheme://host[:port] with no path or user info")
        }
        // Default ports are left out, as libcurl leaves them out of Host.
        if scheme == "https", authority.hasSuffix(":443") { authority.removeLast(4) }
        if scheme == "http", authority.hasSuffix(":80") { authority.removeLast(3) }
        self.scheme = scheme
        self.authority = authority.lowercased()
        self.addressing = addressing
    }

    /// AWS's regional endpoint `https://s3.REGION.amazonaws.com`.
    public static func aws(region: String, addressing: Addressing = .automatic) -> S3Endpoint {
        // A region is a plain DNS label; the URL is well formed by construction.
        (try? S3Endpoint(url: "https://s3.\(region).amazonaws.com", addressing: addressing))!
    }

    /// Whether `bucket` goes into the host name.
    public func usesVirtualHost(bucket: String) -> Bool {
        switch addressing {
        case .path: return false
        case .virtualHosted: return true
        case .automatic:
            let host = authority.split(separator: ":").first.map(String.init) ?? authority
            let isAWS = host.hasSuffix(".amazonaws.com")
            return isAWS && Self.isDNSCompatible(bucket) && !(scheme == "https" && bucket.contains("."))
        }
    }

    /// The URL, `Host` value and encoded path of a request for `key` in `bucket` (`key` nil: the bucket itself).
    /// The key is encoded segment by segment once (SigV4's rule for S3); `query` is appended already encoded.
    public func location(bucket: String, key: String?, query: [(name: String, value: String)] = []) -> S3Location {
        let encodedKey = key.map { S3Bytes.uriEncode($0, keepSlash: true) } ?? ""
        let host: String
        let path: String
        if usesVirtualHost(bucket: bucket) {
            host = "\(bucket).\(authority)"
            path = "/" + encodedKey
        } else {
            host = authority
            path = "/" + S3Bytes.uriEncode(bucket, keepSlash: false) + (key == nil ? "" : "/" + encodedKey)
        }
        let queryText = query.map { item in
            item.value.isEmpty && Self.bareParameters.contains(item.name)
                ? S3Bytes.uriEncode(item.name, keepSlash: false)
                : S3Bytes.uriEncode(item.name, keepSlash: false) + "=" + S3Bytes.uriEncode(item.value, keepSlash: false)
        }.joined(separator: "&")
        return S3Location(url: "\(scheme)://\(host)\(path)" + (queryText.isEmpty ? "" : "?" + queryText), host: host,
                          encodedPath: path, query: query)
    }

    /// Sub-resources S3 documents without `=` (`?uploads`, `?delete`); signed as `name=`.
    static let bareParameters: Set<String> = ["uploads", "delete"]

    /// 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.
    public static func isDNSCompatible(_ bucket: String) -> Bool {
        let bytes = Array(bucket.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        let allowed = bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D }
        let edge: (UInt8) -> Bool = { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
        return allowed && edge(bytes[0]) && edge(bytes[bytes.count - 1]) && !bucket.contains("..")
    }
}

/// One request's address, as ``S3Endpoint/location(bucket:key:query:)`` computes it.
public struct S3Location: Sendable {
    public var url: String
    public var host: String
    /// The canonical URI SigV4 signs: exactly the path of ``url``.
    public var encodedPath: String
    public var query: [(name: String, value: String)]
}
