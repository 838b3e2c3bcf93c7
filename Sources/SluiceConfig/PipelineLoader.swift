public import SluiceCore
import Foundation
import Yams

/// Reads, expands and validates pipeline configuration files: once, in the process that starts a run.
public struct PipelineLoader: Sendable {
    public var environment: [String: String]

    /// `environment` defaults to this process's environment.
    public init(environment: [String: String]? = nil) {
        self.environment = environment ?? ProcessInfo.processInfo.environment
    }

    /// Loads `path`, plus every `*.yaml`/`*.yml` file in its `tables_dir` (one table per file, relative to the
    /// configuration file's directory), and validates the result. Errors name the file each value came from.
    public func load(path: String, requireTables: Bool = true) throws(SluiceError) -> PipelineConfig {
        try parse(try Self.readFile(path), file: path, requireTables: requireTables)
    }

    /// Parses and validates a configuration given as text, as if read from `file` (whose directory
    /// `tables_dir` is relative to).
    /// `requireTables: false` accepts a pipeline without tables yet (`sluice init` writes them).
    public func parse(_ text: String, file: String, requireTables: Bool = true) throws(SluiceError) -> PipelineConfig {
        let root = try Self.compose(text, file: file)
        var config = try decoder(file: file, text: text).decode(PipelineConfig.self, from: root)
        var located: [(table: TableConfig, file: String, node: Node, path: [PipelineValidator.PathPart])] = []
        let inline = root.mapping?.first { $0.key.string == "tables" }?.value.sequence.map(Array.init) ?? []
        for (index, table) in config.tables.enumerated() where index < inline.count {
            located.append((table, file, root, ["tables", .index(index)]))
        }
        if let tablesDir = root.mapping?.first(where: { $0.key.string == "tables_dir" })?.value.string {
            config.tablesDirectory = resolve(tablesDir, relativeTo: file)
            if !requireTables && !FileManager.default.fileExists(atPath: config.tablesDirectory!) { return config }
            for tableFile in try yamlFiles(in: resolve(tablesDir, relativeTo: file), referencedFrom: file) {
                let tableText = try Self.readFile(tableFile)
                let node = try Self.compose(tableText, file: tableFile)
                let table = try decoder(file: tableFile, text: tableText).decode(TableConfig.self, from: node)
                located.append((table, tableFile, node, []))
            }
        }
        config.tables = located.map(\.table)
        try PipelineValidator(file: file, root: root).validate(config, requireTables: requireTables)
        var names: [String: String] = [:]
        for entry in located {
            let validator = PipelineValidator(file: entry.file, root: entry.node)
            if let other = names.updateValue(entry.file, forKey: entry.table.name) {
                throw validator.error(entry.path + ["name"], "duplicate table name '\(entry.table.name)' (also in \(other))")
            }
            try validator.validate(entry.table, at: entry.path)
        }
        for entry in located {
            try PipelineValidator(file: entry.file, root: entry.node).validateFamily(entry.table, at: entry.path, in: config)
        }
        return config
    }

    private func decoder(file: String, text: String) -> YAMLNodeDecoder {
        YAMLNodeDecoder(file: file, text: text, substitution: EnvironmentSubstitution(environment: environment))
    }

    static func readFile(_ path: String) throws(SluiceError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw SluiceError(.configSyntax, exists ? "cannot read the file" : "no such file",
                              context: ErrorContext(file: path))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SluiceError(.configSyntax, "the file is not UTF-8 text", context: ErrorContext(file: path))
        }
        return text
    }

    /// The YAML tree of `text`, whose top level must be a mapping.
    static func compose(_ text: String, file: String) throws(SluiceError) -> Node {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.syntaxError(error, file: file)
        } catch {
            throw SluiceError(.configSyntax, "cannot parse YAML", context: ErrorContext(file: file), underlying: "\(error)")
        }
        guard let node, node.mapping != nil else {
            throw SluiceError(.configSyntax, "expected a YAML mapping at the top level", context: ErrorContext(file: file, line: 1))
        }
        return node
    }

    static func syntaxError(_ error: YamlError, file: String) -> SluiceError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return SluiceError(.configSyntax, "invalid YAML: \(detail)", context: ErrorContext(file: file, line: mark.line))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SluiceError(.configSyntax, "a mapping repeats the key(s) \(duplicates.joined(separator: ", "))",
                               context: ErrorContext(file: file, line: context.mark.line))
        default:
            return SluiceError(.configSyntax, "invalid YAML: \(error)", context: ErrorContext(file: file))
        }
    }

    private func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        let base = (file as NSString).deletingLastPathComponent
        return base.isEmpty ? path : base + "/" + path
    }

    private func yamlFiles(in directory: String, referencedFrom file: String) throws(SluiceError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw SluiceError(.configInvalid, "tables_dir \(directory) is not a readable directory",
                              context: ErrorContext(file: file, key: "tables_dir"))
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { directory + "/" + $0 }
    }
}
