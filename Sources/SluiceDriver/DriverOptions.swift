import SluiceCore
public import SluicePipeline
public import SluiceWire
public import SluiceWireNIO

/// How a driver runs: which tables, which mode, where it listens, which executors it uses.
public struct DriverOptions: Sendable {
    /// Only these tables (nil: all).
    public var tables: [String]?
    public var modeOverride: ModeOverride?
    /// Extract this past range of each selected table's cursor again (`--from`/`--to`).
    public var reloadRange: CursorRange?
    public var listenHost: String
    /// 0: any free port (local runs).
    public var listenPort: Int
    /// Executor processes to start on this machine (0: wait for external ones).
    public var localExecutors: Int
    /// Tasks each local executor runs at once.
    public var executorSlots: Int
    /// Where local executors serve their metrics: `local-i` on this port + i - 1 (0: each on a free port); nil: off.
    public var executorMetricsPort: Int?
    /// The token executors must prove; local runs make one up when nil.
    public var secret: WireSecret?
    /// TLS on the listener (`--tls-cert`, `--tls-key`); nil: plain TCP.
    public var tls: WireServerTLS?
    /// Where to write the JSON run report.
    public var reportPath: String?
    /// Passed to local executors.
    public var logLevel: String
    /// Redraw one progress line per table in place on stderr (a terminal) while the run goes on; otherwise progress
    /// is logged every few seconds.
    public var liveProgress = false
    /// The earlier run to resume (`--resume RUN_ID`), or ``ResumeRequest/last``.
    public var resume: ResumeRequest?

    public init(tables: [String]? = nil, modeOverride: ModeOverride? = nil, reloadRange: CursorRange? = nil,
                listenHost: String = "127.0.0.1", listenPort: Int = 0, localExecutors: Int = 0, executorSlots: Int = 1,
                secret: WireSecret? = nil, reportPath: String? = nil, logLevel: String = "info") {
        self.tables = tables
        self.modeOverride = modeOverride
        self.reloadRange = reloadRange
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.localExecutors = localExecutors
        self.executorSlots = executorSlots
        self.secret = secret
        self.reportPath = reportPath
        self.logLevel = logLevel
    }

    /// The options that change how tables are planned.
    public var decisionOptions: TableDecision.Options { TableDecision.Options(mode: modeOverride, range: reloadRange) }
}

/// Which earlier run `sluice run --resume` takes over from.
public enum ResumeRequest: Sendable, Hashable {
    /// This run id; an error when the staging directory holds nothing of it.
    case run(String)
    /// The newest run of the pipeline that left a table unloaded, if the newest run did; otherwise none (the run is
    /// an ordinary one). What a scheduler that retries failed runs passes every time.
    case last

    public init(_ text: String) {
        self = text == "last" ? .last : .run(text)
    }
}
