public import SluiceCore
public import SluicePipeline
public import SluiceWire
public import SluiceWireNIO

/// How an executor process joins drivers.
public struct ExecutorOptions: Sendable {
    public var driverHost: String
    public var driverPort: Int
    /// How this executor names itself to the driver (default: hostname and process id).
    public var executorID: String
    /// How many tasks it runs at once.
    public var slots: Int
    /// The memory budget of the whole process in MiB (`--memory`), divided among the slots (``SluiceCore/MemoryBudget``).
    /// A run may ask for less (`run.executor_memory`), never for more.
    public var memoryMebibytes: Int
    /// Leave after one run (local runs); otherwise wait for the next driver (Kubernetes Deployments).
    public var once: Bool
    public var secret: WireSecret
    /// How long to keep trying to reach a driver before giving up (nil: forever).
    public var connectPatience: Duration?
    /// On SIGTERM, how long running tasks may go on before they are handed back to the driver. Kubernetes kills the
    /// pod `terminationGracePeriodSeconds` (30 by default) after SIGTERM, so this must be shorter than that by the
    /// time a hand-back and a clean goodbye take (a second or two).
    public var gracePeriod: Duration = .seconds(20)
    /// TLS towards the driver (nil: plain TCP).
    public var tls: WireClientTLS?
    /// How long to wait between attempts to reach the driver.
    public var backoff = ReconnectBackoff()

    public init(driverHost: String, driverPort: Int, executorID: String, slots: Int,
                memoryMebibytes: Int = MemoryBudget.defaultMebibytes, once: Bool, secret: WireSecret, connectPatience: Duration?) {
        self.driverHost = driverHost
        self.driverPort = driverPort
        self.executorID = executorID
        self.slots = slots
        self.memoryMebibytes = memoryMebibytes
        self.once = once
        self.secret = secret
        self.connectPatience = connectPatience
    }

    /// The budget tasks of `work` share: this executor's, or the run's when that is smaller.
    public func memoryBudget(for work: RunWork) -> MemoryBudget {
        MemoryBudget(mebibytes: min(memoryMebibytes, work.executorMemory ?? .max), slots: slots)
    }
}
