public import HTTPTransport
public import SluiceCore

/// How to reach one ClickHouse server over its HTTP interface.
public struct ClickHouseConfig: Sendable {
    /// The HTTP endpoint, e.g. `http://127.0.0.1:8123` (a path, if any, is kept).
    public var url: String
    public var user: String
    /// Already resolved by the caller (from the environment or a file); sent with HTTP basic auth,
    /// never in a URL, and never printed.
    public var password: String?
    /// The database unqualified names refer to (the `database` URL parameter).
    public var database: String
    /// ClickHouse settings sent as URL parameters with every request (`max_insert_block_size`,
    /// `allow_experimental_low_cardinality_type`, ...). 18.16 has no `SET` without a session, so this is
    /// the way to change settings over HTTP.
    public var settings: [String: String]
    public var timeouts: HTTPTimeouts
    /// The limits of inserts, in place of ``timeouts``; nil: ``timeouts``. A shard insert may rightly take longer
    /// than any total limit, so the sink bounds its inactivity instead (``ClickHouseSettings/timeout``).
    public var insertTimeouts: HTTPTimeouts?
    public var tls: HTTPTLSOptions
    /// The largest query result read into memory; a larger one fails with `http_response_too_large`. Default 256 MiB.
    public var maxResultBytes: Int
    /// Before an insert, compare the table's columns (from `system.columns`) with the schema sent and fail
    /// with a clear error naming the column on a difference. Default true; one small query per insert.
    public var verifyTableBeforeInsert: Bool
    /// How insert bodies travel: plain Native, or LZ4 or zstd blocks of ClickHouse's compressed stream
    /// (`decompress=1`). Default ``ClickHouseCompression/default`` (LZ4).
    public var compression: ClickHouseCompression

    public init(url: String, user: String = "default", password: String? = nil, database: String = "default",
                settings: [String: String] = [:], timeouts: HTTPTimeouts = HTTPTimeouts(),
                tls: HTTPTLSOptions = HTTPTLSOptions(), maxResultBytes: Int = 256 << 20,
                verifyTableBeforeInsert: Bool = true, compression: ClickHouseCompression = .default) {
        self.url = url
        self.user = user
        self.password = password
        self.database = database
        self.settings = settings
        self.timeouts = timeouts
        self.tls = tls
        self.maxResultBytes = maxResultBytes
        self.verifyTableBeforeInsert = verifyTableBeforeInsert
        self.compression = compression
    }

    /// Limits for inserts that fail only when nothing moves: no byte either way for `inactivity` (libcurl's
    /// low-speed limit of 1 byte/s over that time), whatever the insert's total length.
    public static func insertTimeouts(inactivity: Duration) -> HTTPTimeouts {
        HTTPTimeouts(lowSpeed: .init(bytesPerSecond: 1, duration: inactivity))
    }

    /// `host:port` of the server, for messages.
    public var endpoint: String { URLText.hostAndPort(url) }

    /// Checks what can be checked without the server: the URL's scheme, setting names.
    public func validate() throws(SluiceError) {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            throw SluiceError(.clickHouseInvalidDefinition, "ClickHouse URL \(URLText.redacted(url)) must start with http:// or https://")
        }
        guard !url.contains("?") else {
            throw SluiceError(.clickHouseInvalidDefinition, "ClickHouse URL \(URLText.redacted(url)) must not have a query; use settings")
        }
        for name in settings.keys where !ClickHouseURL.isSettingName(name) {
            throw SluiceError(.clickHouseInvalidDefinition, "invalid ClickHouse setting name \(name.debugDescription)")
        }
        if case .zstd(let level) = compression, !ClickHouseCompression.zstdLevels.contains(level) {
            throw SluiceError(.clickHouseInvalidDefinition, "zstd level \(level) is outside \(ClickHouseCompression.zstdLevels)")
        }
    }
}

extension ClickHouseConfig: CustomStringConvertible, CustomReflectable {
    /// The configuration with the password masked.
    public var description: String {
        "ClickHouseConfig(url: \(URLText.redacted(url)), user: \(user), password: \(password == nil ? "none" : "<redacted>"), "
            + "database: \(database), settings: \(settings.keys.sorted()), compression: \(compression))"
    }

    /// `dump` and debuggers see no password either.
    public var customMirror: Mirror {
        Mirror(self, children: ["url": URLText.redacted(url), "user": user, "password": password == nil ? "none" : "<redacted>",
                                "database": database, "settings": settings, "timeouts": timeouts, "tls": tls,
                                "maxResultBytes": maxResultBytes, "verifyTableBeforeInsert": verifyTableBeforeInsert,
                                "compression": compression])
    }
}

/// Builds request URLs: the endpoint plus percent-encoded parameters.
enum ClickHouseURL {
    static func make(base: String, parameters: [(String, String)]) -> String {
        var url = base
        let afterScheme = url.firstRange(of: "://").map { url[$0.upperBound...] } ?? url[...]
        if !afterScheme.contains("/") { url += "/" }
        guard !parameters.isEmpty else { return url }
        return url + "?" + parameters.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters.
    static func percentEncode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isSettingName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
        }
    }
}
