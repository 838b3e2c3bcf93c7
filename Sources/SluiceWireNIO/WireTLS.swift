import NIOCore
public import NIOSSL
public import SluiceCore
import SluiceWire

/// TLS for the driver's listener (docs/protocol.md §2): its certificate and key, and optionally the CA that signs
/// executors' client certificates (then every executor must show one). The HMAC handshake runs inside TLS as before:
/// TLS keeps the frames private and intact and proves the driver's name; the shared secret still decides who may
/// join.
public struct WireServerTLS: Sendable {
    let context: NIOSSLContext

    /// Loads the files now, so that a missing or unreadable one fails at start-up with its path.
    /// - Parameters:
    ///   - certificateFile: PEM, the driver's certificate first, then any intermediates.
    ///   - keyFile: PEM, its private key (unencrypted).
    ///   - clientCAFile: PEM CA certificates; when given, executors must present a certificate signed by one of them.
    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) throws(SluiceError) {
        let chain = try WireTLSFiles.certificates(certificateFile, key: "--tls-cert")
        let key = try WireTLSFiles.privateKey(keyFile, key: "--tls-key")
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCAFile {
            configuration.trustRoots = .certificates(try WireTLSFiles.certificates(clientCAFile, key: "--tls-client-ca"))
            configuration.certificateVerification = .noHostnameVerification
        }
        context = try WireTLSFiles.context(configuration)
    }

    func handler() -> NIOSSLServerHandler { NIOSSLServerHandler(context: context) }
}

/// TLS towards the driver: the CA that signed the driver's certificate, and optionally this executor's own
/// certificate and key (for a driver that asks for client certificates).
public struct WireClientTLS: Sendable {
    let context: NIOSSLContext

    /// - Parameters:
    ///   - caFile: PEM CA certificates the driver's certificate must chain to; the system's roots are not used.
    ///   - certificateFile, keyFile: this executor's client certificate and key, PEM; both or neither.
    public init(caFile: String, certificateFile: String? = nil, keyFile: String? = nil) throws(SluiceError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .certificates(try WireTLSFiles.certificates(caFile, key: "--tls-ca"))
        switch (certificateFile, keyFile) {
        case (let certificate?, let key?):
            configuration.certificateChain = try WireTLSFiles.certificates(certificate, key: "--tls-cert").map { .certificate($0) }
            configuration.privateKey = .privateKey(try WireTLSFiles.privateKey(key, key: "--tls-key"))
        case (nil, nil):
            break
        default:
            throw SluiceError(.wireInvalidConfiguration, "a client certificate needs both --tls-cert and --tls-key")
        }
        context = try WireTLSFiles.context(configuration)
    }

    /// The handler for a connection to `host`: a name is checked against the certificate's DNS names (and sent as
    /// SNI); an IP address against its IP addresses.
    func handler(host: String) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: WireTLSFiles.isIPAddress(host) ? nil : host)
    }
}

/// Reading PEM files with errors that name the file and the option it came from.
enum WireTLSFiles {
    static func certificates(_ path: String, key: String) throws(SluiceError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw SluiceError(.wireInvalidConfiguration, "cannot read the PEM certificates in \(path)",
                              context: ErrorContext(file: path, key: key), underlying: "\(error)")
        }
        guard !certificates.isEmpty else {
            throw SluiceError(.wireInvalidConfiguration, "\(path) holds no PEM certificate", context: ErrorContext(file: path, key: key))
        }
        return certificates
    }

    static func privateKey(_ path: String, key: String) throws(SluiceError) -> NIOSSLPrivateKey {
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            // The underlying error is BoringSSL's code, never the key's bytes.
            throw SluiceError(.wireInvalidConfiguration, "cannot read the PEM private key in \(path)",
                              context: ErrorContext(file: path, key: key), underlying: "\(error)")
        }
    }

    static func context(_ configuration: TLSConfiguration) throws(SluiceError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SluiceError(.wireInvalidConfiguration, "the TLS certificate and key do not make a usable TLS context",
                              underlying: "\(error)")
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    /// Whether `error` (or the text NIO made of it) comes from TLS: a certificate that does not verify, a handshake
    /// the peer refused, or plain bytes where TLS was expected.
    static func isTLSFailure(_ error: any Error) -> Bool {
        error is NIOSSLError || error is BoringSSLError || mentionsTLSFailure(String(describing: error))
    }

    /// The same, for an error that reached us as text (the `underlying` of a session's failure).
    static func mentionsTLSFailure(_ text: String) -> Bool {
        text.contains("NIOSSL") || text.contains("BoringSSL") || text.contains("handshakeFailed")
            || text.contains("TLS record") || text.contains(TLSRequiredHandler.message)
    }
}

extension SluiceError.Code {
    /// TLS with the peer failed: the driver's certificate is not signed by the executor's CA (or names another host),
    /// one side speaks TLS and the other does not, or a client certificate is missing or untrusted. Retrying does not help.
    public static let wireTLSFailed = Self("wire_tls_failed", retryable: false)
}
