import Foundation
import Testing

/// Debian's Chromium, headless, for tests that check what a browser makes of a page. scripts/test.sh installs it
/// (`apt-get install chromium`); a missing browser fails the test that needs it, never skips it.
struct HeadlessChromium {
    let executable: String
    /// A profile of its own, so runs share nothing with each other or with a user's browser.
    let profile: String

    static func find(sourceLocation: SourceLocation = #_sourceLocation) throws -> HeadlessChromium {
        // SLUICE_CHROMIUM, when set, is the only browser tried.
        let candidates = ProcessInfo.processInfo.environment["SLUICE_CHROMIUM"].map { [$0] } ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            let message = "Chromium is not installed (looked at \(candidates.joined(separator: ", "))): run `apt-get install -y chromium` "
                + "(scripts/test.sh does it) or set SLUICE_CHROMIUM"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
            throw TestFailure.missingService("chromium")
        }
        let profile = NSTemporaryDirectory() + "sluice-chromium-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        return HeadlessChromium(executable: executable, profile: profile)
    }

    func tearDown() {
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// The DOM of `file` as the browser holds it after loading it and running its scripts (`--dump-dom`).
    func dumpDOM(_ file: String) throws -> String {
        try run(["--dump-dom", URL(fileURLWithPath: file).absoluteString])
    }

    /// A PNG of `file` laid out in a window of `width` x `height` pixels.
    func screenshot(_ file: String, to png: String, width: Int = 1280, height: Int = 1600) throws {
        _ = try run(["--screenshot=\(png)", "--window-size=\(width),\(height)", "--hide-scrollbars", URL(fileURLWithPath: file).absoluteString])
    }

    private func run(_ arguments: [String]) throws -> String {
        // As root Chromium refuses to start with its sandbox on; a test page from this process needs none.
        let sandbox = getuid() == 0 ? ["--no-sandbox"] : []
        // No host name resolves: a page that needed the network would show it.
        let options = ["--headless", "--disable-gpu", "--no-first-run", "--disable-extensions", "--user-data-dir=\(profile)",
                       "--host-resolver-rules=MAP * ~NOTFOUND"]
        // `timeout` so that a browser that hangs fails the test instead of stalling the suite.
        return try Shell.run("timeout", ["120", executable] + options + sandbox + arguments)
    }
}
