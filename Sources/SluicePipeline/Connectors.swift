public import Logging
public import SluiceConfig
public import SluiceCore

/// A source connector: how to build its driver side and its executor side from its configuration section.
/// Adding a source to Sluice is writing one module that provides one of these and registering it.
public struct SourceConnector: Sendable {
    /// The key under `source:` that selects it (`postgres`).
    public var kind: String
    /// The driver's side, from the pipeline's `source.<kind>` section.
    public var makeSource: @Sendable (_ section: ConnectorSection, _ logger: Logger) throws(SluiceError) -> any Source
    /// An executor's side, from the same section (decoded in the executor's own environment).
    public var makeReader: @Sendable (_ section: ConnectorSection, _ logger: Logger) throws(SluiceError) -> any SourceReader

    public init(kind: String,
                makeSource: @escaping @Sendable (ConnectorSection, Logger) throws(SluiceError) -> any Source,
                makeReader: @escaping @Sendable (ConnectorSection, Logger) throws(SluiceError) -> any SourceReader) {
        self.kind = kind
        self.makeSource = makeSource
        self.makeReader = makeReader
    }
}

/// A sink connector: how to build its driver side and its executor side from its configuration section.
public struct SinkConnector: Sendable {
    /// The key under `sink:` that selects it (`clickhouse`).
    public var kind: String
    public var makeSink: @Sendable (_ section: ConnectorSection, _ logger: Logger) throws(SluiceError) -> any Sink
    public var makeWriter: @Sendable (_ section: ConnectorSection, _ logger: Logger) throws(SluiceError) -> any SinkWriter

    public init(kind: String,
                makeSink: @escaping @Sendable (ConnectorSection, Logger) throws(SluiceError) -> any Sink,
                makeWriter: @escaping @Sendable (ConnectorSection, Logger) throws(SluiceError) -> any SinkWriter) {
        self.kind = kind
        self.makeSink = makeSink
        self.makeWriter = makeWriter
    }
}

/// The connectors a Sluice binary knows, by kind. The command line registers the built-in ones; tests register
/// fakes.
public struct ConnectorRegistry: Sendable {
    public private(set) var sources: [String: SourceConnector] = [:]
    public private(set) var sinks: [String: SinkConnector] = [:]

    public init(sources: [SourceConnector] = [], sinks: [SinkConnector] = []) {
        for source in sources { self.sources[source.kind] = source }
        for sink in sinks { self.sinks[sink.kind] = sink }
    }

    /// The connector `section` names, or an error listing the known ones.
    public func source(for section: ConnectorSection) throws(SluiceError) -> SourceConnector {
        guard let connector = sources[section.kind] else {
            throw section.error("unknown source '\(section.kind)' (this build knows \(sources.keys.sorted().joined(separator: ", ")))")
        }
        return connector
    }

    public func sink(for section: ConnectorSection) throws(SluiceError) -> SinkConnector {
        guard let connector = sinks[section.kind] else {
            throw section.error("unknown sink '\(section.kind)' (this build knows \(sinks.keys.sorted().joined(separator: ", ")))")
        }
        return connector
    }
}
