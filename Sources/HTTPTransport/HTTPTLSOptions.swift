/// How HTTPS peers are verified.
public struct HTTPTLSOptions: Sendable, Hashable {
    /// A PEM bundle of CA certificates to trust instead of the system's (CURLOPT_CAINFO).
    public var caFile: String?
    /// A directory of hashed CA certificates (CURLOPT_CAPATH).
    public var caDirectory: String?
    /// Skips certificate and host name verification. For tests against self-signed servers only.
    public var insecureSkipVerify: Bool

    public init(caFile: String? = nil, caDirectory: String? = nil, insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.caDirectory = caDirectory
        self.insecureSkipVerify = insecureSkipVerify
    }
}
