import Foundation
import Testing

/// Off a terminal `sluice` logs one JSON object per line (for Kubernetes and CI log shippers); `--log-format text`
/// keeps swift-log's text lines.
@Suite(.serialized) struct LogFormatTests {
    @Test func offATerminalEveryLogLineIsAJSONObject() throws {
        let env = try TestEnvironment.load()
        let fixture = try PipelineFixture(env: env, rows: 50)
        defer { fixture.tearDown() }
        let config = try fixture.pipeline()
        let run = try Shell.execute(Paths.sluice, ["run", "--config", config, "--local", "1"])
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count > 3)
        var messages: [String] = []
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            guard let object else { continue }
            #expect(object["time"] is String && object["level"] is String && object["logger"] is String, "\(line)")
            if let message = object["message"] as? String { messages.append(message) }
            if object["message"] as? String == "run.finish" {
                #expect(object["sluice.succeeded"] as? String == "true", "\(line)")
            }
        }
        #expect(messages.contains("run.start") && messages.contains("run.finish") && messages.contains("executor.run_config"), "\(messages)")

        let text = try Shell.execute(Paths.sluice, ["run", "--config", config, "--local", "1", "--log-format", "text"])
        #expect(text.status == 0)
        #expect(text.stderr.contains(" info sluice.driver: ") && !text.stderr.contains("{\"time\""), "\(text.stderr.prefix(500))")
    }
}
