import Foundation
public import SluiceCore

/// What one run staged for one table, kept in the staging directory beside the shards
/// (`<staging>/<run>/<table>/manifest.json`): the table's plan (its decision and partitions, so that a resumed run
/// reads exactly the same partitions) and, per task, the one attempt whose shards the driver accepted, with each
/// shard's size and SHA-256. The driver rewrites it whole, through a temporary file and a rename, so a reader sees
/// the previous version or the next, never half of one.
///
/// `sluice run --resume RUN_ID` reads it: a task whose shards are still there, unchanged, is not extracted again.
public struct ShardManifest: Sendable, Hashable, Codable {
    /// The layout of this file; a newer one is not resumed from.
    public static let currentFormat = 1
    public static let fileName = "manifest.json"

    public enum Status: String, Sendable, Hashable, Codable {
        /// Planned, tasks under way (or the driver died).
        case running
        /// Loaded: the bookmark moved; nothing to resume.
        case succeeded
        /// Ended without loading: its bookmark stayed, its shards wait for a resume.
        case failed
    }

    public var format: Int
    public var pipeline: String
    public var run: String
    public var table: String
    public var status: Status
    /// The table's decision in a form equal decisions share (``TableDecision/resumeKey``): a resumed run reuses the
    /// shards only when it decides the same (same mode, window and bookmark).
    public var decision: String
    /// A fingerprint of what executors do to the table's rows (its transform, stages and staged schema, and its
    /// children's): shards written under another configuration are not reused.
    public var work: String
    /// The planned partitions, in task order.
    public var partitions: [Partition]
    /// The accepted attempt of each task that staged, by partition.
    public var shards: [TaskShards]

    public init(pipeline: String, run: String, table: String, decision: String, work: String, partitions: [Partition]) {
        format = Self.currentFormat
        self.pipeline = pipeline
        self.run = run
        self.table = table
        status = .running
        self.decision = decision
        self.work = work
        self.partitions = partitions
        shards = []
    }

    /// One planned partition.
    public struct Partition: Sendable, Hashable, Codable {
        public var read: ConnectorPayload
        public var summary: String
        public var estimatedRows: Int64?
        public var related: [ConnectorPayload]

        public init(_ partition: SourcePartition) {
            read = partition.read
            summary = partition.summary
            estimatedRows = partition.estimatedRows
            related = partition.related
        }

        public var sourcePartition: SourcePartition {
            SourcePartition(read: read, summary: summary, estimatedRows: estimatedRows, related: related)
        }
    }

    /// What one task's accepted attempt staged: its table's shard, then each child table's.
    public struct TaskShards: Sendable, Hashable, Codable {
        public var partition: Int
        public var task: UInt64
        public var attempt: UInt32
        public var maxCursor: String?
        public var shards: [StagedShard]

        public init(partition: Int, task: UInt64, attempt: UInt32, maxCursor: String?, shards: [StagedShard]) {
            self.partition = partition
            self.task = task
            self.attempt = attempt
            self.maxCursor = maxCursor
            self.shards = shards
        }
    }

    /// Records what a task's accepted attempt staged, replacing an earlier record of the same partition.
    public mutating func record(_ staged: TaskShards) {
        shards.removeAll { $0.partition == staged.partition }
        shards.append(staged)
        shards.sort { $0.partition < $1.partition }
    }

    // MARK: the file

    public static func path(staging: String, run: String, table: String) -> String {
        "\(staging)/\(run)/\(table)/\(fileName)"
    }

    /// The manifest as stored: JSON, keys sorted.
    public func encoded() throws(SluiceError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do {
            return [UInt8](try encoder.encode(self))
        } catch {
            throw SluiceError(.stagingIO, "cannot encode the manifest of \(table)", context: ErrorContext(table: table), underlying: "\(error)")
        }
    }

    /// A stored manifest; `name` says where it came from in errors.
    public static func decode(_ bytes: [UInt8], name: String) throws(SluiceError) -> ShardManifest {
        let manifest: ShardManifest
        do {
            manifest = try JSONDecoder().decode(ShardManifest.self, from: Data(bytes))
        } catch {
            throw SluiceError(.stagingIO, "the manifest \(name) is damaged", underlying: "\(error)")
        }
        guard manifest.format <= currentFormat else {
            throw SluiceError(.stagingIO, "the manifest \(name) has format \(manifest.format); this sluice reads up to \(currentFormat)")
        }
        return manifest
    }
}
