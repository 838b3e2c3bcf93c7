import ArgumentParser
import SluiceCore
import SluiceDriver
import SluiceWireNIO

/// `sluice driver`: the driver alone, serving executors that connect to it (the Kubernetes shape).
struct DriverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driver",
        abstract: "Run a pipeline once as a driver, serving tasks to executors that connect to --listen.",
        discussion: "Executors authenticate with the token in SLUICE_TOKEN (or --token-file); it must match theirs.")

    @OptionGroup var runOptions: RunOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Where to listen for executors, e.g. 0.0.0.0:7077.")
    var listen: HostPort

    @Option(help: "Listen with TLS: this certificate (PEM, the chain after it); needs --tls-key.")
    var tlsCert: String?

    @Option(help: "The private key of --tls-cert (PEM).")
    var tlsKey: String?

    @Option(help: "With TLS, require executors to present a client certificate signed by this CA (PEM).")
    var tlsClientCa: String?

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard tlsClientCa == nil || tlsCert != nil else { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.driver")
        try await runOptions.execute(logger: logger) { () throws(SluiceError) in
            var options = try runOptions.driverOptions(listen: listen, localExecutors: 0, slots: 1, secret: .required,
                                                       logLevel: logging.logLevel)
            if let tlsCert, let tlsKey {
                options.tls = try WireServerTLS(certificateFile: tlsCert, keyFile: tlsKey, clientCAFile: tlsClientCa)
            }
            return options
        }
    }
}
