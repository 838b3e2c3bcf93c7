import ArgumentParser
import Foundation
import SluiceConfig
import SluiceCore
import SluicePipeline

/// `sluice init`: a table file per source table, from the live catalogue.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a table file (tables_dir) for each source table matching --tables, from the live catalogue.",
        discussion: """
            Each file declares every column with its exact target type and source type, the primary key, a cursor
            (a timestamp column named like a change time) and a partition column. What the data suggests (a bigint
            whose values fit int32, dates ClickHouse cannot hold, few distinct values) is written as comments, never
            applied. Tables without a primary key or unique key are skipped. Existing files are kept unless --force.
            """)

    @Option(name: .shortAndLong, help: "The pipeline configuration file (its source section is read; it may have no tables yet).")
    var config: String

    @Option(help: "Which tables: schema.name with * and ? wildcards (a name alone means schema public).")
    var tables: String = "public.*"

    @Option(help: "Where to write the files (default: the configuration's tables_dir).")
    var out: String?

    @Flag(help: "Overwrite existing table files.")
    var force = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap(label: "sluice.init")
        do {
            let pipeline = try PipelineLoader().load(path: config, requireTables: false)
            guard let directory = out ?? pipeline.tablesDirectory else {
                throw ValidationError("give --out DIRECTORY, or set tables_dir in \(config)")
            }
            let source = try ConnectorRegistry.builtIn.source(for: pipeline.source).makeSource(pipeline.source, logger)
            let discovered = try await source.discover(tables)
            guard !discovered.isEmpty else {
                print("no table matches \(tables)")
                throw ExitCode(1)
            }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let date = ISO8601DateFormatter().string(from: Date()).prefix(10)
            for table in discovered {
                let path = directory + "/" + table.name + ".yaml"
                if FileManager.default.fileExists(atPath: path) && !force {
                    print("kept    \(path): it exists (--force overwrites)")
                    continue
                }
                try TableFileRenderer.render(table, date: String(date)).write(toFile: path, atomically: true, encoding: .utf8)
                let columns = table.columns.filter { $0.type != nil }.count
                let cursor = table.cursor.map { "cursor \($0.column)" } ?? "no cursor (reloaded whole)"
                let key = table.primaryKey.isEmpty ? "no key (load: append)" : "key (\(table.primaryKey.joined(separator: ", ")))"
                print("wrote   \(path): \(columns) columns, \(key), \(cursor)")
            }
            print("Check them with: sluice validate --config \(config)")
        } catch let error as SluiceError {
            throw fail(error)
        }
    }
}
