import SluiceCore
import SluicePipeline

/// Points a task's reads at the run's current snapshot: pure, on the task's payloads (``PostgresReadSpec``, JSON).
/// Executors learn a replacement snapshot this way, inside each task they are sent, so neither the wire protocol nor
/// the run plan (RUN_CONFIG) changes when the snapshot does.
enum SnapshotBinding {
    /// `task` reading the last of `snapshots` (the run's snapshot ids by generation), with the view it reads. A read
    /// without a snapshot, or pinned to its own (``PostgresReadSpec/pinnedToSnapshot``), keeps what it has; a payload
    /// this connector did not write is left alone.
    static func bind(_ task: TaskSpec, snapshots: [String]) -> BoundTask {
        guard let current = snapshots.last,
              let spec = try? task.read.decodeJSON(PostgresReadSpec.self, kind: PostgresReadSpec.kind),
              let planned = spec.snapshot
        else { return BoundTask(task: task, view: nil) }
        let target = spec.pinnedToSnapshot == true ? planned : current
        let read = snapshots.firstIndex(of: target).map { Self.view(generation: $0, id: target) }
        guard target != planned else { return BoundTask(task: task, view: read) }
        var bound = task
        bound.read = rebound(task.read, to: target)
        for index in bound.related.indices { bound.related[index].read = rebound(bound.related[index].read, to: target) }
        return BoundTask(task: bound, view: read)
    }

    /// How reports name the snapshot of `generation` (0: the run's first).
    static func view(generation: Int, id: String) -> ReadView {
        ReadView(generation: generation, name: "snapshot \(id)")
    }

    /// `payload` with its snapshot replaced by `snapshot`; unchanged if it is not a PostgreSQL read with a snapshot.
    private static func rebound(_ payload: ConnectorPayload, to snapshot: String) -> ConnectorPayload {
        guard var spec = try? payload.decodeJSON(PostgresReadSpec.self, kind: PostgresReadSpec.kind), spec.snapshot != nil
        else { return payload }
        spec.snapshot = snapshot
        return (try? ConnectorPayload.json(kind: PostgresReadSpec.kind, spec)) ?? payload
    }
}
