import ClickHouseSink
import Logging
import SluiceConfig
import SluiceCore
import Testing

/// `sink.clickhouse.compression` and `compression_level`: spellings, the default, and errors that name the line.
@Suite struct ClickHouseSettingsTests {
    func settings(_ extra: String) throws(SluiceError) -> ClickHouseSettings {
        let text = """
            sink:
              clickhouse:
                url: http://127.0.0.1:8123
            \(extra.isEmpty ? "" : "    " + extra)
            """
        return try ConnectorSection(kind: "clickhouse", file: "p.yaml", text: text, path: ["sink"], line: 2)
            .decode(ClickHouseSettings.self, environment: [:])
    }

    @Test func compressionSpellings() throws {
        #expect(try settings("").compression == .lz4)
        #expect(try settings("compression: none").compression == ClickHouseCompression.none)
        #expect(try settings("compression: lz4").compression == .lz4)
        #expect(try settings("compression: zstd").compression == .zstd(level: 1))
        #expect(try settings("compression: zstd\n    compression_level: 7").compression == .zstd(level: 7))
        #expect(try settings("compression: zstd").client(logger: .init(label: "test")).config.compression == .zstd(level: 1))
    }

    @Test(arguments: [
        ("compression: gzip", "'gzip' is not one of none, lz4 or zstd"),
        ("compression: zstd\n    compression_level: 23", "zstd levels are 1 to 22"),
        ("compression: lz4\n    compression_level: 3", "compression_level applies to compression: zstd only"),
        ("compression_level: 3", "compression_level applies to compression: zstd only"),
    ])
    func badCompressionSettingsNameTheLine(extra: String, message: String) {
        let error = #expect(throws: SluiceError.self) { try settings(extra) }
        #expect(error?.message.contains(message) == true, "\(error?.description ?? "no error")")
        #expect(error?.context.file == "p.yaml")
        #expect(error?.context.line == 4 || error?.context.line == 5, "\(error?.description ?? "no error")")
    }

    @Test func configRefusesZstdLevelsOutOfRange() {
        let error = #expect(throws: SluiceError.self) { try ClickHouseConfig(url: "http://h", compression: .zstd(level: 0)).validate() }
        #expect(error?.code == .clickHouseInvalidDefinition)
        #expect(throws: Never.self) { try ClickHouseConfig(url: "http://h", compression: .zstd(level: 22)).validate() }
        #expect("\(ClickHouseConfig(url: "http://h", compression: .zstd(level: 3)))".contains("compression: zstd(3)"))
    }
}
