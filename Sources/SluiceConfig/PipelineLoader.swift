public import SluiceCore
import Foundation
import Yams

/// A validated pipeline plus what executors need to load the same pipeline themselves.
public struct LoadedPipeline: Sendable {
    public var config: PipelineConfig
    /// The configuration as one YAML document (tables from `tables_dir` inlined, `${VAR}` references left
    /// unexpanded), which the driver ships to executors so that secrets never travel: each executor expands
    /// them from its own environment.
    public var bundle: String
    /// The file it was read from, for messages.
    public var file: String
}

/// Reads, expands and validates pipeline configuration files.
public struct PipelineLoader: Sendable {
    public var environment: [String: String]

    /// `environment` defaults to this process's environment.
    public init(environment: [String: String]? = nil) {
        self.environment = environment ?? ProcessInfo.processInfo.environment
    }

    /// Loads `path`, plus every `*.yaml`/`*.yml` file in its `tables_dir` (one table per file, relative
    /// to the configuration file's directory), and validates the result.
    public func load(path: String) throws(SluiceError) -> LoadedPipeline {
        let text = try readFile(path)
        var root = try compose(text, file: path)
        if let tablesDir = root.mapping?.first(where: { $0.key.string == "tables_dir" })?.value.string {
            let directory = resolve(tablesDir, relativeTo: path)
            var extra: [Node] = []
            for file in try yamlFiles(in: directory, referencedFrom: path) {
                let tableNode = try compose(try readFile(file), file: file)
                // Validate each table file on its own first, so its errors name its own file and line.
                _ = try YAMLNodeDecoder(file: file, substitution: substitution).decode(TableConfig.self, from: tableNode)
                extra.append(tableNode)
            }
            root = Self.replacingTablesDir(in: root, with: extra)
        }
        let config = try decode(root, file: path)
        let bundle: String
        do {
            bundle = try Yams.serialize(node: root)
        } catch {
            throw SluiceError(.configSyntax, "cannot serialise the configuration bundle", context: ErrorContext(file: path),
                              underlying: "\(error)")
        }
        return LoadedPipeline(config: config, bundle: bundle, file: path)
    }

    /// Parses and validates a configuration given as text (what an executor receives from the driver).
    public func parse(_ text: String, file: String) throws(SluiceError) -> PipelineConfig {
        try decode(try compose(text, file: file), file: file)
    }

    private var substitution: EnvironmentSubstitution { EnvironmentSubstitution(environment: environment) }

    private func decode(_ root: Node, file: String) throws(SluiceError) -> PipelineConfig {
        let config = try YAMLNodeDecoder(file: file, substitution: substitution).decode(PipelineConfig.self, from: root)
        try PipelineValidator(file: file, root: root).validate(config)
        return config
    }

    private func readFile(_ path: String) throws(SluiceError) -> String {
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

    private func compose(_ text: String, file: String) throws(SluiceError) -> Node {
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

    private static func replacingTablesDir(in root: Node, with tables: [Node]) -> Node {
        guard var mapping = root.mapping else { return root }
        var pairs: [(Node, Node)] = mapping.filter { $0.key.string != "tables_dir" && $0.key.string != "tables" }
            .map { ($0.key, $0.value) }
        let inline = mapping.first { $0.key.string == "tables" }?.value.sequence.map(Array.init) ?? []
        pairs.append((Node("tables"), Node(inline + tables)))
        mapping = Node.Mapping(pairs, mapping.tag, mapping.style)
        return .mapping(mapping)
    }
}
