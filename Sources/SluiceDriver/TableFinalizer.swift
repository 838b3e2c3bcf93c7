import PostgresSource
import SluiceConfig
public import SluiceCore
import SluiceRuntime

/// What the driver does when all of a table's tasks succeeded: swap a full reload in, then move the
/// bookmark to the largest cursor value actually extracted.
struct TableFinalizer: Sendable {
    let plans: [String: TablePlan]
    let bookmarks: any BookmarkStoring
    let sink: SinkPreparation
    let runID: String

    /// Returns the bookmark after the run (exact text), or nil for tables without a cursor.
    func finish(table name: String, results: [TaskResult], report: TableReport) async throws(SluiceError) -> String? {
        guard let plan = plans[name] else { return nil }
        if plan.mode == .fullReload {
            try await sink.swapIn(plan: plan)
            return nil
        }
        guard let cursor = plan.table.cursor, let kind = plan.cursorKind else { return nil }
        switch plan.bookmarkRule {
        case .unchanged:
            return plan.bookmarkBefore?.text
        case .sliceEnd(let end):
            try await bookmarks.save(table: name, value: end.text, epochSeconds: end.epochSeconds ?? 0, backfill: true,
                                     runID: runID)
            return end.text
        case .largestExtracted:
            break
        }
        var newest = plan.bookmarkBefore
        for result in results {
            guard let text = result.maxCursor else { continue }
            guard let value = CursorBookmark(text: text, kind: kind) else {
                throw SluiceError(.bookmarkInvalid, "an executor reported cursor '\(text)', which is not a \(kind.rawValue) value",
                                  context: ErrorContext(table: name, column: cursor))
            }
            // Never backwards: an overlapping window (lag) can find values before the bookmark.
            if newest.map({ value.value > $0.value }) ?? true { newest = value }
        }
        try await bookmarks.save(table: name, value: newest?.text, epochSeconds: newest?.epochSeconds ?? 0,
                                 backfill: false, runID: runID)
        return newest?.text
    }
}
