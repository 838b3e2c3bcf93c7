import Foundation
import Parquet
import SluiceConfig
import SluiceCore
import SluiceDriver
import SluicePipeline
import SluiceReport
import SluiceTestKit
import Testing

/// Transforms through a whole run over the fake connectors: the filter, derived columns, quarantine and fail rules,
/// `max_rejected_ratio`, and rows that stop passing the filter in a later run.
@Suite(.serialized) struct TransformRunTests {
    let world = FakeWorld()

    init() {
        world.setTable("items", .init(columns: ["id", "name", "updated_at", "gone"], rows: items(1...10)))
    }

    /// items with a filter (drops id 4 and any row named 'skip'), a derived label, and a quarantine rule that
    /// sets aside odd ids from 8 up (only 9).
    func table(rule: String = "id < 8 OR id % 2 = 0", action: String = "quarantine", extra: String = "") -> String {
        """
          - name: items
            primary_key: [id]
            cursor: updated_at
            lag: 0
            partition: {count: 3}
            filter: "id <> 4 AND name <> 'skip'"
        \(extra)
            columns:
              - {name: id, type: int64, nullable: false}
              - {name: label, type: string, nullable: false, expression: "upper(name) || '#' || CAST(id AS string)"}
              - {name: updated_at, type: timestamptz, nullable: false}
            validations:
              - {name: small_or_even, rule: "\(rule)", action: \(action)}
        """
    }

    /// Committed rows by id: (label, deleted flag); the newest version last.
    func committed() -> [Int64: [(String?, Bool)]] {
        var rows: [Int64: [(String?, Bool)]] = [:]
        for row in world.committed("items") {
            guard case .int(let id) = row[0] else { continue }
            let label: String? = if case .string(let text) = row[1] { text } else { nil }
            let deleted = row.count > 3 && row[3] == .boolean(true)
            rows[id, default: []].append((label, deleted))
        }
        return rows
    }

    @Test func filterDerivedColumnsAndQuarantineInOneRun() async throws {
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(table()))
        #expect(report.succeeded, "\(report.text)")
        let items = try #require(report.tables.first)
        #expect(items.rowsExtracted == 10)
        #expect(items.rowsFiltered == 1)
        #expect(items.quarantined == ["small_or_even": 1])
        #expect(items.rowsLoaded == 8)
        // The first backfill: rejected rows are left out, not loaded as deletions.
        #expect(items.rowsDeleted == 0)
        let rows = committed()
        #expect(rows.keys.sorted() == [1, 2, 3, 5, 6, 7, 8, 10])
        #expect(rows[1]?.first?.0 == "ITEM 1#1" && rows[10]?.first?.0 == "ITEM 10#10")
        #expect(report.text.contains("items: validation small_or_even quarantined 1 row"))

        // The quarantine file holds row 9 with the rule and why, readable as Parquet.
        #expect(items.quarantineFiles.count == 1)
        let file = try #require(items.quarantineFiles.first)
        #expect(file.hasSuffix(".parquet") && (file as NSString).lastPathComponent.hasPrefix("quarantine-part-"))
        let batch = try ParquetFileReader(path: file).readRowGroup(0)
        #expect(batch.schema.fields.map(\.name) == ["id", "label", "updated_at", "_sluice_rule", "_sluice_reason"])
        #expect(batch.rowCount == 1)
        #expect(batch.value(row: 0, column: 0) == .int(9))
        #expect(batch.value(row: 0, column: 3) == .string("small_or_even"))
        #expect(batch.value(row: 0, column: 4) == .string("id < 8 OR id % 2 = 0 does not hold (id = 9)"))
    }

    @Test func aRowThatStopsPassingTheFilterIsLoadedAsADeletion() async throws {
        let run = InProcessRun(world: world)
        let pipeline = try run.pipeline(table())
        _ = try await run.run(pipeline)
        world.updateTable("items") { table in
            table.rows[1][1] = .string("skip")          // id 2 now fails the filter
            table.rows[1][2] = .int(20_000_000)
            table.rows[2][1] = .string("renamed")       // id 3 still passes, with a new label
            table.rows[2][2] = .int(21_000_000)
        }
        let report = try await run.run(pipeline)
        let items = try #require(report.tables.first)
        #expect(items.mode == .incremental)
        #expect(items.rowsExtracted == 2 && items.rowsFiltered == 1)
        #expect(items.rowsLoaded == 2 && items.rowsDeleted == 1)
        let rows = committed()
        // Row 2's loaded version is replaced by a deletion (its key kept), so the sink stops counting it.
        #expect(rows[2]?.map(\.1) == [false, true])
        #expect(rows[3]?.last?.0 == "RENAMED#3" && rows[3]?.last?.1 == false)
    }

    @Test func aFailRuleFailsTheTableNamingRuleKeyAndValuesAndLoadsNothing() async throws {
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(table(action: "fail")))
        #expect(!report.succeeded)
        let error = try #require(report.tables.first?.error)
        #expect(error.contains("validation small_or_even failed: id < 8 OR id % 2 = 0 does not hold (id = 9) (key id = 9)"), "\(error)")
        #expect(world.committed("items").isEmpty, "nothing of a table that failed a rule is loaded")
        #expect(world.bookmark("items") == nil)
        // Bad data fails the same way every time: no retry.
        #expect(report.tables[0].attempts == 3)
    }

    @Test func eachRunLeavesOneRecordPerTableInTheHistoryAndStatusShowsThem() async throws {
        let run = InProcessRun(world: world)
        let failed = try await run.run(try run.pipeline(table(action: "fail")))
        let pipeline = try run.pipeline(table())
        let succeeded = try await run.run(pipeline)
        #expect(!failed.succeeded && succeeded.succeeded)
        let history = try await FakeBookmarkStore(world: world).history(table: "items", limit: 10)
        try #require(history.count == 2)
        // Newest first: the run that quarantined row 9, then the one that failed on it.
        let (newest, oldest) = (history[0], history[1])
        #expect(newest.runID == succeeded.runID && newest.status == "succeeded" && newest.mode == "backfill")
        #expect(newest.rowsExtracted == succeeded.tables[0].rowsExtracted && newest.rowsLoaded == succeeded.tables[0].rowsLoaded)
        #expect(newest.rowsQuarantined == 1 && newest.error.isEmpty && newest.bookmark == world.bookmark("items")?.value)
        #expect(oldest.runID == failed.runID && oldest.status == "failed" && oldest.rowsLoaded == 0)
        #expect(oldest.error.contains("validation small_or_even failed"), "\(oldest.error)")

        let status = try await run.driver(pipeline) { _ in }.status(runs: 1)
        let items = try #require(status.tables.first)
        #expect(items.nextMode == "incremental" && items.bookmark == world.bookmark("items")?.value)
        #expect(items.runs.map(\.runID) == [succeeded.runID])
        #expect(status.text.contains("items: incremental; the next run reads updated_at >"), "\(status.text)")
        #expect(status.text.contains(succeeded.runID))
    }

    @Test func operatorsSetAndResetBookmarksAndTheHistorySaysWho() async throws {
        let run = InProcessRun(world: world)
        let pipeline = try run.pipeline(table())
        _ = try await run.run(pipeline)
        let driver = run.driver(pipeline) { _ in }
        let set = try await driver.setBookmark(table: "items", value: "1970-01-01 00:00:07", by: "alice@host")
        #expect(set.before?.value == "1970-01-01 00:00:10.000000Z")
        #expect(world.bookmark("items")?.value == "1970-01-01 00:00:07.000000Z" && world.bookmark("items")?.backfill == false)
        let incremental = try await run.run(pipeline)
        #expect(incremental.tables[0].mode == .incremental && incremental.tables[0].rowsExtracted == 3)  // 8, 9, 10 (no lag)

        _ = try await driver.resetBookmark(table: "items", by: "bob@host")
        let backfill = try await run.run(pipeline)
        // Everything again, and since the table was loaded before, rejected rows (4 filtered, 9 quarantined) arrive
        // as deletions rather than being left out.
        #expect(backfill.tables[0].mode == .backfill && backfill.tables[0].rowsExtracted == 10)
        #expect(backfill.tables[0].rowsDeleted == 2)

        let history = try await FakeBookmarkStore(world: world).history(table: "items", limit: 10)
        #expect(history.map(\.mode) == ["backfill", "bookmark_reset", "incremental", "bookmark_set", "backfill"])
        #expect(history[1].note == "bookmark_reset by bob@host: 1970-01-01 00:00:10.000000Z -> none (backfill)")
        #expect(history[3].note.hasPrefix("bookmark_set by alice@host"))

        await #expect(throws: SluiceError.self) { _ = try await driver.setBookmark(table: "items", value: "yesterday", by: "x") }
        await #expect(throws: SluiceError.self) { _ = try await driver.resetBookmark(table: "nope", by: "x") }
    }

    @Test func tooManyQuarantinedRowsFailTheTableAndLoadNothing() async throws {
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(table(extra: "    max_rejected_ratio: 0.05")))
        #expect(!report.succeeded)
        let error = try #require(report.tables.first?.error)
        #expect(error.contains("1 of 10 rows were quarantined (0.1, small_or_even: 1), more than max_rejected_ratio 0.05 allows"), "\(error)")
        #expect(world.committed("items").isEmpty)

        let allowed = try await run.run(try run.pipeline(table(extra: "    max_rejected_ratio: 0.1")))
        #expect(allowed.succeeded && allowed.tables[0].rowsLoaded == 8)
    }

    @Test func anExpressionTypoFailsValidateWithFileLineAndColumn() async throws {
        let run = InProcessRun(world: world)
        let pipeline = try run.pipeline(table(rule: "idd < 8"))
        let report = await run.driver(pipeline) { _ in }.validate()
        #expect(!report.succeeded)
        #expect(report.text.contains("in-process.yaml:"), "\(report.text)")
        #expect(report.text.contains("unknown column 'idd'") && report.text.contains("did you mean 'id'"), "\(report.text)")
        #expect(world.events.allSatisfy { !$0.hasPrefix("stage") })
    }

    @Test func planShowsWhereTheFilterRunsAndTheDerivedColumns() async throws {
        let run = InProcessRun(world: world)
        let plan = try await run.driver(try run.pipeline(table())) { _ in }.plan()
        #expect(plan.text.contains("filter on executors: id <> 4"), "\(plan.text)")
        #expect(plan.text.contains("filter on executors: name <> 'skip'"))
        #expect(plan.text.contains("column label = upper(name) || '#' || CAST(id AS string)"))
        #expect(plan.text.contains("validation small_or_even (quarantine): id < 8 OR id % 2 = 0"))
    }
}

/// Broadcast joins over the fake connectors.
@Suite(.serialized) struct JoinRunTests {
    let world = FakeWorld()

    init() {
        world.setTable("items", .init(columns: ["id", "name", "updated_at", "gone"], rows: items(1...10)))
        // Customers 1...6; customer 6 has no tier.
        world.setTable("customers", .init(columns: ["cid", "tier", "region"], rows: (1...6).map { id in
            [.int(Int64(id)), id == 6 ? .null : .string(id % 2 == 0 ? "gold" : "basic"), .string("r\(id)")]
        }))
    }

    func table(kind: String, maxRows: Int = 100) -> String {
        """
          - name: items
            primary_key: [id]
            cursor: updated_at
            lag: 0
            partition: {count: 3}
            joins:
              - {name: c, source: customers, on: {id: cid}, type: \(kind), max_rows: \(maxRows),
                 columns: [{name: tier, type: string}, {name: place, source: region, type: string}]}
            columns:
              - {name: id, type: int64, nullable: false}
              - {name: tier, type: string, nullable: false, expression: "coalesce(c.tier, 'none')"}
              - {name: place, type: string, expression: "c.place"}
              - {name: updated_at, type: timestamptz, nullable: false}
        """
    }

    func loaded() -> [Int64: [Value]] {
        var rows: [Int64: [Value]] = [:]
        for row in world.committed("items") { if case .int(let id) = row[0] { rows[id] = row } }
        return rows
    }

    @Test func aLeftJoinKeepsEveryRowWithNullsWhereNothingMatches() async throws {
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(table(kind: "left")))
        #expect(report.succeeded, "\(report.text)")
        let rows = loaded()
        #expect(rows.keys.sorted() == Array(1...10))
        #expect(rows[2]?[1] == .string("gold") && rows[3]?[1] == .string("basic"))
        #expect(rows[6]?[1] == .string("none") && rows[6]?[2] == .string("r6"))
        #expect(rows[9]?[1] == .string("none") && rows[9]?[2] == .null)
    }

    @Test func anInnerJoinDropsRowsWithoutAMatchAsFiltered() async throws {
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(table(kind: "inner")))
        #expect(report.succeeded, "\(report.text)")
        #expect(report.tables[0].rowsFiltered == 4)
        #expect(loaded().keys.sorted() == Array(1...6))
    }

    @Test func aJoinTableLargerThanMaxRowsFailsThePlan() async throws {
        let run = InProcessRun(world: world)
        let plan = try await run.driver(try run.pipeline(table(kind: "left", maxRows: 5))) { _ in }.plan()
        #expect(plan.text.contains("join c: customers has 6 rows, more than max_rows 5"), "\(plan.text)")
    }

    @Test func aDuplicateKeyInTheJoinedTableFailsTheTable() async throws {
        world.updateTable("customers") { $0.rows.append([.int(3), .string("dup"), .string("x")]) }
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(table(kind: "left")))
        #expect(!report.succeeded)
        #expect(report.tables[0].error?.contains("key 3 appears twice in c: a broadcast join needs a unique key") == true,
                "\(report.tables[0].error ?? "")")
        #expect(world.committed("items").isEmpty)
    }
}

/// Co-partitioned parent and child tables with a reconciliation, over the fake connectors.
@Suite(.serialized) struct ReconciliationRunTests {
    let world = FakeWorld()

    /// Orders 1...10, each with two items; the items of orders 3, 5 and 7 do not add up to the order's total.
    init() {
        world.setTable("orders", .init(columns: ["id", "total", "updated_at"], rows: (1...10).map { id in
            [.int(Int64(id)), .decimal(Int128(id * 300), scale: 2), .int(Int64(id) * 1_000_000)]
        }))
        world.setTable("items", .init(columns: ["item_id", "order_id", "amount"], rows: (1...10).flatMap { id -> [[Value]] in
            let off: Int = [3, 5, 7].contains(id) ? 1 : 0
            return [[.int(Int64(id * 10 + 1)), .int(Int64(id)), .decimal(Int128(id * 100), scale: 2)],
                    [.int(Int64(id * 10 + 2)), .int(Int64(id)), .decimal(Int128(id * 200 + off), scale: 2)]]
        }))
    }

    func tables(action: String = "quarantine") -> String {
        """
          - name: orders
            primary_key: [id]
            cursor: updated_at
            lag: 0
            partition: {count: 3}
            columns:
              - {name: id, type: int64, nullable: false}
              - {name: total, type: "decimal(12,2)", nullable: false}
              - {name: updated_at, type: timestamptz, nullable: false}
            validations:
              - name: items_add_up
                reconcile: {child: items, aggregate: "sum(amount)", equals: total, tolerance: 0}
                action: \(action)
          - name: items
            primary_key: [item_id]
            parent: {table: orders, on: {order_id: id}}
            columns:
              - {name: item_id, type: int64, nullable: false}
              - {name: order_id, type: int64, nullable: false}
              - {name: amount, type: "decimal(12,2)", nullable: false}
        """
    }

    func ids(_ table: String, deleted: Bool = false) -> [Int64] {
        world.committed(table).compactMap { row -> Int64? in
            guard case .int(let id) = row[0] else { return nil }
            let flagged = row.contains(.boolean(true))
            return flagged == deleted ? id : nil
        }.sorted()
    }

    @Test func exactlyTheOrdersThatDoNotAddUpAreQuarantinedWithTheirItems() async throws {
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(tables()))
        #expect(report.succeeded, "\(report.text)")
        let orders = try #require(report.tables.first { $0.table == "orders" })
        let items = try #require(report.tables.first { $0.table == "items" })
        #expect(orders.quarantined == ["items_add_up": 3] && orders.rowsLoaded == 7)
        #expect(items.quarantined == ["items_add_up": 6] && items.rowsLoaded == 14 && items.rowsExtracted == 20)
        #expect(ids("orders") == [1, 2, 4, 6, 8, 9, 10])
        #expect(ids("items") == [11, 12, 21, 22, 41, 42, 61, 62, 81, 82, 91, 92, 101, 102])

        // The quarantine files say why, per row.
        var reasons: [String] = []
        for file in orders.quarantineFiles + items.quarantineFiles {
            let reader = try ParquetFileReader(path: file)
            for group in 0..<reader.rowGroupCount {
                let batch = try reader.readRowGroup(group)
                let reason = try #require(batch.schema.index(of: "_sluice_reason"))
                for row in 0..<batch.rowCount {
                    if case .string(let text) = batch.value(row: row, column: reason) { reasons.append(text) }
                }
            }
        }
        #expect(reasons.contains("sum(amount) over items is 9.01 but total is 9.00"), "\(reasons)")
        #expect(reasons.contains("its parent (orders id = 5) was quarantined by items_add_up"), "\(reasons)")
        #expect(reasons.count == 9)
        // The child's rows carry their parent's version (its cursor value) after the declared columns.
        let item = try #require(world.committed("items").first { $0[0] == .int(41) })
        #expect(item.count == 4 && item[3] == .int(4_000_000))
        #expect(report.text.contains("items"))
    }

    @Test func aFailingReconciliationWithFailFailsBothTablesAndLoadsNothing() async throws {
        let run = InProcessRun(world: world)
        let report = try await run.run(try run.pipeline(tables(action: "fail")))
        #expect(!report.succeeded)
        let error = try #require(report.tables.first { $0.table == "orders" }?.error)
        #expect(error.contains("validation items_add_up failed: sum(amount) over items is"), "\(error)")
        #expect(report.tables.first { $0.table == "items" }?.status == .failed)
        #expect(world.committed("orders").isEmpty && world.committed("items").isEmpty)
    }

    @Test func aLaterRunReplacesAnOrderThatStopsAddingUpAndItsItemsWithDeletions() async throws {
        let run = InProcessRun(world: world)
        let pipeline = try run.pipeline(tables())
        _ = try await run.run(pipeline)
        // Order 3 is fixed; order 8's items stop adding up. Both orders change.
        world.updateTable("items") { table in
            table.rows[5][2] = .decimal(600, scale: 2)
            table.rows[15][2] = .decimal(1_700, scale: 2)
        }
        world.updateTable("orders") { table in
            table.rows[2][2] = .int(30_000_000)
            table.rows[7][2] = .int(31_000_000)
        }
        let report = try await run.run(pipeline)
        #expect(report.succeeded, "\(report.text)")
        let orders = try #require(report.tables.first { $0.table == "orders" })
        #expect(orders.mode == .incremental && orders.rowsExtracted == 2)
        #expect(orders.quarantined == ["items_add_up": 1])
        #expect(ids("orders").contains(3))
        // Order 8 and its items were loaded before; now each is replaced by a deletion.
        #expect(ids("orders", deleted: true) == [8])
        #expect(ids("items", deleted: true) == [81, 82])
        #expect(Set(ids("items")).isSuperset(of: [31, 32]))
    }
}
