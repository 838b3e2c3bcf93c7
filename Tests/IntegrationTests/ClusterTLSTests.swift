import Foundation
import Testing

/// The cluster protocol inside TLS, with a CA and certificates made by `openssl` for the test.
@Suite(.serialized) struct ClusterTLSTests {
    let token = "tls-test-token-0123456789abcdef"

    /// A CA, a driver certificate it signed for `localhost` and 127.0.0.1, and an unrelated CA.
    struct Certificates {
        let ca: String
        let otherCA: String
        let certificate: String
        let key: String

        init(directory: String) throws {
            func openssl(_ arguments: [String]) throws { _ = try Shell.run("openssl", arguments) }
            ca = directory + "/ca.pem"
            otherCA = directory + "/other-ca.pem"
            certificate = directory + "/driver.pem"
            key = directory + "/driver.key"
            for (name, path) in [("sluice-test-ca", ca), ("somebody-else", otherCA)] {
                try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=\(name)",
                             "-keyout", path + ".key", "-out", path])
            }
            let extensions = directory + "/san.cnf"
            try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: extensions, atomically: true, encoding: .utf8)
            try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", key, "-out", directory + "/driver.csr"])
            try openssl(["x509", "-req", "-in", directory + "/driver.csr", "-CA", ca, "-CAkey", ca + ".key", "-CAcreateserial",
                         "-days", "1", "-extfile", extensions, "-out", certificate])
        }
    }

    @Test func aRunOverTLS() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env)
        defer { fixture.tearDown() }
        let tls = try Certificates(directory: fixture.directory)
        let config = try fixture.pipeline()
        let address = "127.0.0.1:\(freePort())"
        let driver = try Child(Paths.sluice, ["driver", "--config", config, "--listen", address,
                                              "--tls-cert", tls.certificate, "--tls-key", tls.key],
                               environment: ["SLUICE_TOKEN": token])
        #expect(await driver.waitFor("driver.listening", seconds: 90), "driver did not start:\n\(driver.text)")
        #expect(driver.text.contains("\"sluice.tls\":\"true\""))
        let executors = try (1...2).map { index in
            try Child(Paths.sluice, ["executor", "--connect", address, "--once", "--id", "tls-\(index)", "--tls-ca", tls.ca],
                      environment: ["SLUICE_TOKEN": token])
        }
        #expect(await driver.wait(seconds: 120) == 0, "run over TLS failed:\n\(driver.text.suffix(3000))")
        for executor in executors { #expect(await executor.wait(seconds: 30) == 0, "\(executor.text.suffix(2000))") }
        #expect(driver.text.contains("tls-1") && driver.text.contains("tls-2"))
        #expect(try fixture.rawCount() == 2_000)
        #expect(try fixture.differences().isEmpty)
        #expect(!driver.text.contains(token) && !executors.contains { $0.text.contains(token) }, "the token is never logged")
    }

    @Test func executorsThatCannotSpeakTheDriversTLSSayWhyAndTheRunEndsWithNoExecutors() async throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 10)
        defer { fixture.tearDown() }
        let tls = try Certificates(directory: fixture.directory)
        let config = try fixture.pipeline(partitions: 1, run: "{heartbeat_interval: 500ms, executor_timeout: 3s, executor_wait: 8s}")
        let report = fixture.directory + "/report.json"
        let address = "127.0.0.1:\(freePort())"
        let started = Date()
        let driver = try Child(Paths.sluice, ["driver", "--config", config, "--listen", address, "--report", report,
                                              "--tls-cert", tls.certificate, "--tls-key", tls.key],
                               environment: ["SLUICE_TOKEN": token])
        #expect(await driver.waitFor("driver.listening", seconds: 90), "driver did not start:\n\(driver.text)")

        // It trusts another CA: the driver's certificate does not verify.
        let distrustful = try Child(Paths.sluice, ["executor", "--connect", address, "--once", "--id", "wrong-ca", "--tls-ca", tls.otherCA],
                                    environment: ["SLUICE_TOKEN": token])
        #expect(await distrustful.wait(seconds: 30) != 0)
        #expect(distrustful.text.contains("wire_tls_failed") && distrustful.text.contains("--tls-ca"), "\(distrustful.text.suffix(2000))")

        // No TLS at all against a TLS driver.
        let plain = try Child(Paths.sluice, ["executor", "--connect", address, "--once", "--id", "plain"],
                              environment: ["SLUICE_TOKEN": token])
        #expect(await plain.wait(seconds: 30) != 0)
        #expect(plain.text.contains("wire_tls_failed") && plain.text.contains("speaks TLS"), "\(plain.text.suffix(2000))")

        // The driver joins nobody, says why for each, and gives up after run.executor_wait instead of hanging.
        #expect(await driver.wait(seconds: 60) == 1, "\(driver.text.suffix(3000))")
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(driver.text.components(separatedBy: "executor handshake failed").count - 1 >= 2, "\(driver.text.suffix(3000))")
        #expect(driver.text.contains("wire_tls_failed"))
        #expect(!driver.text.contains("executor.joined"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let table = (json?["tables"] as? [[String: Any]])?.first
        #expect((table?["error"] as? String)?.contains("no executor connected") == true, "\(String(describing: table))")
    }
}
