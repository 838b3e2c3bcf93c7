import SluiceConfig
import SluiceCore
import SluicePipeline

/// A task of a parent table with co-partitioned children (orders with their items): the parent's partition and
/// each child's rows of it are read in turn into provisional shards, while every reconciliation collects the
/// parents' expected values and the children's totals. Then each parent row's fate is known (live, deleted,
/// filtered out, quarantined by a row rule, or failing a reconciliation), and a child row follows its parent's:
/// children of a quarantined parent are quarantined with it, children of a parent that is gone are gone. Shards
/// whose rows all stand are kept as they are; the others are rewritten once. Memory holds one batch plus the keys of
/// the partition's parent rows.
extension TaskRunner {
    /// What became of a parent row.
    enum ParentFate {
        case live
        /// Loaded as a deletion (soft-deleted at the source, or rejected in a run that loads rejections as deletions).
        case deleted
        /// Set aside by `rule`.
        case quarantined(rule: String, reason: String)
    }

    /// The partition's parent keys (``ParentKeys``) and what became of each.
    struct ParentFates {
        private(set) var keys = ParentKeys()
        private var fates: [ParentFate?] = []

        /// Inserts the keys of `column` and gives row `row`'s parent `fate(row)`; returns the rows' slots.
        mutating func record(_ column: Column, fate: (Int) -> ParentFate) -> [Int32] {
            let slots = keys.slots(inserting: column)
            if fates.count < keys.count { fates.append(contentsOf: repeatElement(nil, count: keys.count - fates.count)) }
            for (row, slot) in slots.enumerated() where slot >= 0 { fates[Int(slot)] = fate(row) }
            return slots
        }

        mutating func set(_ slot: Int32, _ fate: ParentFate) { fates[Int(slot)] = fate }

        /// The fate of the parent in `slot`; nil for ``ParentKeys/none`` (a NULL key, or no such parent row).
        subscript(_ slot: Int32) -> ParentFate? { slot >= 0 ? fates[Int(slot)] : nil }

        func isLive(_ slot: Int32) -> Bool {
            if case .live? = self[slot] { true } else { false }
        }
    }

    func extractFamily(_ task: TaskSpec, table: TableWork, progress: @escaping @Sendable (UInt64) -> Void,
                       cancellation: CancelSignal? = nil) async throws(SluiceError)
        -> Extraction
    {
        try await BlockingIO.run(name: "sluice.extract") { () throws(SluiceError) -> Extraction in
            try extractFamilyBlocking(task, table: table, progress: progress, cancellation: cancellation)
        }
    }

    private func extractFamilyBlocking(_ task: TaskSpec, table: TableWork, progress: @escaping @Sendable (UInt64) -> Void,
                                       cancellation: CancelSignal?)
        throws(SluiceError) -> Extraction
    {
        guard task.related.count == table.children.count else {
            throw SluiceError(.invalidRunPlan, "task \(task.label) reads \(task.related.count) child tables; the plan has \(table.children.count)")
        }
        var children: [TableWork] = []
        for link in table.children {
            guard let child = work.table(named: link.table) else { throw SluiceError(.invalidRunPlan, "the run plan has no table \(link.table)") }
            children.append(child)
        }
        let format = shardFormat
        let parent = try TableOutput(table: table, shardPath: task.shardPath, attempt: task.attempt, format: format, store: staging, provisional: true)
        var outputs = [parent]
        do throws(SluiceError) {
            for (read, child) in zip(task.related, children) {
                outputs.append(try TableOutput(table: child, shardPath: read.shardPath, attempt: task.attempt, format: format,
                                               store: staging, provisional: true))
            }
            let parentDeclared = Schema(table.transform.outputs.map(\.field))
            var reconciliations: [Reconciliation] = []
            for spec in table.reconciliations {
                guard let child = children.first(where: { $0.table == spec.child }) else {
                    throw SluiceError(.invalidRunPlan, "validation \(spec.name) reconciles with \(spec.child), which is not read with \(table.table)")
                }
                let childDeclared = Schema(child.transform.outputs.map(\.field).filter { $0.name != StagedColumns.parentVersion })
                reconciliations.append(try Reconciliation(spec, parent: parentDeclared, child: childDeclared, runStartedAt: work.startedAt))
            }

            // The parent's columns the children's expressions read, kept from its live rows.
            let parentJoins = children.compactMap { child in child.transform.joins.first { $0.read.kind.isEmpty } }
            let keptColumns = Array(Set(parentJoins.flatMap { $0.readSchema.fields.dropFirst().map(\.name) })).sorted()
            var keptBatches: [RecordBatch] = []

            // The parent's rows, their fates and expected values.
            var fates = ParentFates()
            let parentKeys = Set(table.children.map(\.parentKey))
            guard parentKeys.count == 1, let parentKey = parentKeys.first, let keyIndex = table.stagedSchema.index(of: parentKey) else {
                throw SluiceError(.invalidRunPlan, "the children of \(table.table) refer to \(parentKeys.sorted()); one key column of it is supported")
            }
            let read = try pump(task.read, table: table, into: parent, progress: progress, cancellation: cancellation, observe: { batch throws(SluiceError) in
                let deleted = Self.deletedFlags(batch, table: table)
                let slots = fates.record(batch.columns[keyIndex]) { row in deleted[row] ? .deleted : .live }
                for index in reconciliations.indices {
                    try reconciliations[index].addParents(batch, slots: slots, live: deleted.map { !$0 })
                }
                if !keptColumns.isEmpty {
                    let live = batch.selecting(deleted.map { !$0 })
                    var fields = [live.schema.fields[keyIndex]]
                    var columns = [live.columns[keyIndex]]
                    for name in keptColumns {
                        guard let index = live.schema.index(of: name) else { continue }
                        fields.append(live.schema.fields[index])
                        columns.append(live.columns[index])
                    }
                    keptBatches.append(try RecordBatch(schema: Schema(fields), columns: columns))
                }
            }, quarantined: { rows throws(SluiceError) in
                guard let index = rows.rows.schema.index(of: parentKey) else { return }
                _ = fates.record(rows.rows.columns[index]) { row in .quarantined(rule: rows.rule, reason: rows.reasons[row]) }
            })
            try parent.finishShard()
            var provided: [String: JoinTable] = [:]
            if let spec = parentJoins.first {
                provided[spec.name] = try Self.parentTable(spec, key: table.stagedSchema.fields[keyIndex], columns: keptColumns,
                                                           batches: keptBatches)
            }

            // The children, read with the partition; their parents' keys and the totals.
            // Per child: the parents its rows have (by slot), and whether some row has a parent not in this partition.
            var seenParents: [(seen: [Bool], orphans: Bool)] = []
            for ((related, child), (link, output)) in zip(zip(task.related, children), zip(table.children, outputs.dropFirst())) {
                guard let childKey = child.stagedSchema.index(of: link.childKey) else {
                    throw SluiceError(.invalidRunPlan, "\(child.table) stages no column \(link.childKey)")
                }
                var seen = [Bool](repeating: false, count: fates.keys.count)
                var orphans = false
                _ = try pump(related.read, table: child, into: output, progress: nil, cancellation: cancellation, provided: provided, observe: { batch throws(SluiceError) in
                    let keyColumn = batch.columns[childKey]
                    let slots = fates.keys.slots(of: keyColumn)
                    for (row, slot) in slots.enumerated() {
                        if slot >= 0 { seen[Int(slot)] = true } else if !keyColumn.isNull(row) { orphans = true }
                    }
                    let live = Self.deletedFlags(batch, table: child).map { !$0 }
                    for index in reconciliations.indices where reconciliations[index].spec.child == child.table {
                        try reconciliations[index].addChildren(batch, slots: slots, live: live)
                    }
                })
                try output.finishShard()
                seenParents.append((seen, orphans))
            }

            // Reconciliations decide; the first rule a parent fails claims it.
            var failing: [Int32: (rule: String, reason: String)] = [:]
            for reconciliation in reconciliations {
                let failures = reconciliation.failures()
                guard let (slot, reason) = failures.first else { continue }
                if reconciliation.spec.action == .fail {
                    throw SluiceError(.validationFailed,
                                      "validation \(reconciliation.spec.name) failed: \(reason) (key \(parentKey) = \(Self.text(fates.keys.key(slot))))",
                                      context: ErrorContext(table: table.table))
                }
                for (slot, reason) in failures where failing[slot] == nil { failing[slot] = (reconciliation.spec.name, reason) }
            }
            for (slot, failure) in failing { fates.set(slot, .quarantined(rule: failure.rule, reason: failure.reason)) }

            // The parent's shard changes only where a reconciliation failed.
            if failing.isEmpty {
                try parent.keep()
            } else {
                let transform = try self.transform(for: table)
                try parent.rewrite { batch throws(SluiceError) in
                    let slots = fates.keys.slots(of: batch.columns[keyIndex])
                    let failed = slots.map { $0 >= 0 && failing[$0] != nil }
                    guard failed.contains(true) else { return batch }
                    let rejected = batch.selecting(failed)
                    let rejectedSlots = slots.indices.filter { failed[$0] }.map { slots[$0] }
                    for (rule, rows) in Self.grouped(rejectedSlots, by: { failing[$0]!.rule }) {
                        let mask = rejectedSlots.map { failing[$0]!.rule == rule }
                        try parent.quarantine(QuarantinedRows(rows: try transform.declaredColumns(of: rejected.selecting(mask)), rule: rule,
                                                              reasons: rows.map { failing[$0]!.reason }))
                        parent.stats.quarantined[rule, default: 0] += UInt64(rows.count)
                    }
                    var kept = batch.selecting(failed.map { !$0 })
                    if table.transform.rejected == .flag {
                        kept = try Self.appending(kept, try transform.deletions(ofStaged: rejected))
                    }
                    return kept
                }
            }
            _ = try parent.finishQuarantine()

            // Each child follows its parent.
            for ((link, child), (output, seen)) in zip(zip(table.children, children), zip(outputs.dropFirst(), seenParents)) {
                // The shard stands as written when every row's parent is live.
                if !seen.orphans && seen.seen.indices.allSatisfy({ !seen.seen[$0] || fates.isLive(Int32($0)) }) {
                    try output.keep()
                } else {
                    try follow(output, child: child, link: link, parentTable: table.table, parentKey: parentKey, fates: fates,
                               provided: provided)
                }
                _ = try output.finishQuarantine()
            }
            return Extraction(outputs: outputs, maxCursor: read.maxCursor)
        } catch {
            for output in outputs { output.abandon() }
            throw error
        }
    }

    /// Rewrites a child's shard so that each row follows its parent: kept under a live parent, quarantined with a
    /// quarantined one, loaded as a deletion under a deleted one (and under one that is gone, in runs that load
    /// rejections as deletions), left out otherwise (counted as filtered).
    private func follow(_ output: TableOutput, child: TableWork, link: ChildLink, parentTable: String, parentKey: String,
                        fates: ParentFates, provided: [String: JoinTable]) throws(SluiceError) {
        let transform = try self.transform(for: child, provided: provided)
        let keyIndex = child.stagedSchema.index(of: link.childKey)!
        let deletedIndex = child.deletedColumn
        try output.rewrite { batch throws(SluiceError) in
            let slots = fates.keys.slots(of: batch.columns[keyIndex])
            let flags = Self.deletedFlags(batch, table: child)
            var keep = [Bool](repeating: true, count: batch.rowCount)
            var toDelete = [Bool](repeating: false, count: batch.rowCount)
            var quarantined: [String: (rows: [Int], reasons: [String])] = [:]
            let asDeletions = child.transform.rejected == .flag
            for row in slots.indices where !flags[row] {
                // A row loaded as a deletion already stays one, whatever became of its parent.
                switch fates[slots[row]] {
                case .live?:
                    continue
                case .deleted?:
                    keep[row] = false
                    toDelete[row] = true
                case .quarantined(let rule, _)?:
                    keep[row] = false
                    quarantined[rule, default: ([], [])].rows.append(row)
                    quarantined[rule, default: ([], [])].reasons.append(
                        "its parent (\(parentTable) \(parentKey) = \(Self.text(fates.keys.key(slots[row])))) was quarantined by \(rule)")
                    toDelete[row] = asDeletions
                case nil:
                    keep[row] = false
                    output.stats.filteredRows += 1
                    toDelete[row] = asDeletions
                }
            }
            guard keep.contains(false) else { return batch }
            for (rule, entry) in quarantined.sorted(by: { $0.key < $1.key }) {
                var mask = [Bool](repeating: false, count: batch.rowCount)
                for row in entry.rows { mask[row] = true }
                try output.quarantine(QuarantinedRows(rows: try transform.declaredColumns(of: batch.selecting(mask)), rule: rule,
                                                      reasons: entry.reasons))
                output.stats.quarantined[rule, default: 0] += UInt64(entry.rows.count)
            }
            var kept = batch.selecting(keep)
            if deletedIndex != nil, toDelete.contains(true) {
                kept = try Self.appending(kept, try transform.deletions(ofStaged: batch.selecting(toDelete)))
            }
            return kept
        }
    }

    /// The partition's live parent rows as the table a child's expressions join (`orders.total`): the key, then the
    /// columns the join reads.
    static func parentTable(_ spec: TransformSpec.JoinSpec, key: Field, columns: [String], batches: [RecordBatch])
        throws(SluiceError) -> JoinTable
    {
        let wanted = Array(spec.readSchema.fields.dropFirst())
        let positions = [0] + wanted.map { field in 1 + columns.firstIndex(of: field.name)! }
        let schema = Schema([Field(name: key.name, type: key.type, nullable: true)]
                            + wanted.map { Field(name: $0.name, type: $0.type, nullable: true) })
        var picked: [RecordBatch] = []
        for batch in batches {
            picked.append(try RecordBatch(schema: schema, columns: positions.map { batch.columns[$0] }))
        }
        return try JoinTable(name: spec.name, schema: schema, batches: picked, keyColumn: 0)
    }

    /// The deleted flag of each staged row (all false when the table has none).
    static func deletedFlags(_ batch: RecordBatch, table: TableWork) -> [Bool] {
        guard let index = table.deletedColumn, case .boolean(let flags) = batch.columns[index].values else {
            return [Bool](repeating: false, count: batch.rowCount)
        }
        return flags
    }

    static func appending(_ batch: RecordBatch, _ more: RecordBatch) throws(SluiceError) -> RecordBatch {
        guard more.rowCount > 0 else { return batch }
        guard batch.rowCount > 0 else { return more }
        let columns = batch.schema.fields.indices.map { index in
            Column.concatenating([batch.columns[index], more.columns[index]], storage: batch.schema.fields[index].type.storage)
        }
        return try RecordBatch(schema: batch.schema, columns: columns)
    }

    static func grouped(_ keys: [Int32], by rule: (Int32) -> String) -> [(String, [Int32])] {
        var groups: [String: [Int32]] = [:]
        for key in keys { groups[rule(key), default: []].append(key) }
        return groups.sorted { $0.key < $1.key }
    }

    static func text(_ key: RowKey) -> String {
        switch key {
        case .integer(let value): "\(value)"
        case .bytes(let bytes): String(validating: bytes, as: UTF8.self).map { "'\($0)'" } ?? Hex.encode(bytes)
        }
    }
}
