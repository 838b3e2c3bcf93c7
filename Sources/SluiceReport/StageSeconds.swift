/// How long each stage of one table took, in seconds; nil for a stage the table never reached.
public struct StageSeconds: Sendable, Hashable, Codable {
    /// The driver planning the table: its bookmark, the source's description, the mode and window, the partitions,
    /// the target and the transforms; then creating or checking the target.
    public var planning: Double?
    /// From the table's first attempt's start to its last attempt's end (``TableReport/attemptWindow``): extraction,
    /// the stages, the Parquet shards and staging in the sink on the executors, retries included.
    public var extraction: Double?
    /// The driver's commits of the staged rows, added up over the table's tasks.
    public var commit: Double?
    /// The sink's last step (a full reload's swap, the curated table's rebuild) and saving the bookmark.
    public var finish: Double?

    public init(planning: Double? = nil, extraction: Double? = nil, commit: Double? = nil, finish: Double? = nil) {
        self.planning = planning
        self.extraction = extraction
        self.commit = commit
        self.finish = finish
    }
}
