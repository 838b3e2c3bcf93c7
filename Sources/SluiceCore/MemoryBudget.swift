/// An executor's memory budget (`sluice executor --memory`, `run.executor_memory`) and the sizes it allows each
/// task. Rows are not a unit of memory: 65,536 rows of a pgbench table take 7 MiB, of a table of 4 KB texts
/// 256 MiB. So a task's three buffers that grow with the data are cut by bytes, from the task's share of the budget:
///
/// | buffer | bound | what holds it |
/// |---|---|---|
/// | extraction batch | ``batchBytes``: 1/32 of the task's share | the COPY decoder, the stages, the shard writer's input |
/// | Parquet row group | ``rowGroupBytes``: 1/8 | the shard writer's pages; the loader's decoded row group |
/// | insert block | ``blockBytes``: 1/32 | the slice of a row group the loader encodes as one Native block |
///
/// A task's peak is then about a quarter of its share while extracting (the decoder's growing buffer and its
/// finished batch, the stages' output, the writer's row group) and about a third while loading (the decoded row
/// group, the compressed column chunk it came from, one slice and its Native block). The rest is headroom for what
/// estimates miss: malloc's fragmentation, dictionaries and page buffers (about 1 MiB per column), snappy's scratch.
///
/// Not covered: broadcast join tables (bounded by their `max_rows`) and a single row larger than a batch, which
/// travels alone.
public struct MemoryBudget: Sendable, Hashable {
    /// The default budget of an executor: 512 MiB.
    public static let defaultMebibytes = 512
    /// The smallest budget accepted: below it the reserve leaves tasks too little to be worth cutting.
    public static let minimumMebibytes = 128
    /// What the process needs besides its tasks: code, the Swift runtime, libpq and libcurl, the cluster connection,
    /// malloc's arenas. An idle executor (debug build) measured 45 MiB resident.
    public static let reservedBytes = 64 << 20
    /// The least a task gets, however many slots share the budget.
    public static let minimumTaskBytes = 16 << 20

    /// The whole budget, in bytes.
    public let bytes: Int
    /// How many tasks run at once: the budget less the reserve is divided among them.
    public let slots: Int

    public init(mebibytes: Int, slots: Int) {
        precondition(mebibytes > 0 && slots > 0, "a budget and a slot count are positive")
        bytes = mebibytes << 20
        self.slots = slots
    }

    /// The default budget for `slots` slots.
    public static func standard(slots: Int) -> MemoryBudget { MemoryBudget(mebibytes: defaultMebibytes, slots: slots) }

    /// The budget in MiB, as configured.
    public var mebibytes: Int { bytes >> 20 }

    /// One task's share: the budget less the reserve, divided among the slots.
    public var taskBytes: Int { max((bytes - Self.reservedBytes) / slots, Self.minimumTaskBytes) }

    /// The most an extraction batch holds; a batch also ends at `run.batch_rows` rows.
    public var batchBytes: Int { taskBytes / 32 }

    /// The most a shard's row group holds in memory, decoded (``RecordBatch/memoryBytes``).
    public var rowGroupBytes: Int { taskBytes / 8 }

    /// The most one insert block's rows hold in memory before they are encoded.
    public var blockBytes: Int { taskBytes / 32 }
}
