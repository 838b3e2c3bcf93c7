public import SluiceConfig
public import SluiceCore

/// How a table runs this time.
public enum RunMode: String, Sendable, Hashable, Codable {
    /// The table's first run (or a forced one, or the next backfill slice): everything up to now.
    case backfill
    /// Rows whose cursor passed the bookmark (less the lag).
    case incremental
    /// The whole table, loaded into a fresh copy that replaces the target at the end: always for a table without a
    /// cursor, and on request (`--mode full_reload`) for one with a cursor.
    case fullReload = "full_reload"
    /// A past range of the cursor extracted again (`--from`/`--to`); the bookmark does not move.
    case rangeReload = "range_reload"
}

/// A run-wide choice of mode, from `sluice run --mode`.
public enum ModeOverride: String, Sendable, CaseIterable {
    /// Reload everything up to now, whatever the bookmark says.
    case backfill
    /// Only rows past the bookmark; an error for a table that has none yet.
    case incremental
    /// Everything, into a fresh copy of the target swapped in at the end: what catches rows deleted at the source
    /// (hard deletes and TRUNCATE are invisible to a cursor). The bookmark then moves as after a backfill.
    case fullReload = "full_reload"
}

/// A past range of the cursor to extract again (`sluice run --from --to`), bounds as text.
public struct CursorRange: Sendable, Hashable {
    /// Inclusive.
    public var from: String
    /// Exclusive.
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// How a table's bookmark moves once its load succeeded.
public enum BookmarkRule: Sendable, Hashable {
    /// Not at all (no cursor, or a reload of a past range).
    case unchanged
    /// To the largest cursor value extracted (never backwards); the table is then out of backfill.
    case largestExtracted
    /// To the end of this run's backfill slice; the table stays in backfill.
    case sliceEnd(CursorValue)
}

/// What the driver decided about one table before planning its partitions: the mode, the cursor window, where
/// the bookmark stood and how it will move, and what becomes of soft-deleted rows. Pure: ``decide(...)`` reads the
/// configuration, the stored bookmark and the run's options, and asks the source only for cursor bounds.
public struct TableDecision: Sendable, Hashable {
    public var mode: RunMode
    public var window: CursorWindow
    /// The bookmark the run starts from, exact; nil for a table without one.
    public var bookmarkBefore: CursorValue?
    public var rule: BookmarkRule
    public var deletedRows: DeletedRows
    /// The lag applied below the bookmark, in the cursor's units (0 without one).
    public var lag: Int64
    /// What the run's rows replace in the sink.
    public var replacement: Replacement

    public init(mode: RunMode, window: CursorWindow, bookmarkBefore: CursorValue?, rule: BookmarkRule,
                deletedRows: DeletedRows, lag: Int64 = 0) {
        self.mode = mode
        self.window = window
        self.bookmarkBefore = bookmarkBefore
        self.rule = rule
        self.deletedRows = deletedRows
        self.lag = lag
        replacement = mode == .fullReload ? .whole : .nothing
    }

    /// What a run's rows replace in the sink.
    public enum Replacement: Sendable, Hashable {
        /// Nothing: they join the table as newer versions of their keys.
        case nothing
        /// The whole table (a full reload, an append table's backfill).
        case whole
        /// Every row of the days the window covers (an append table's incremental run or range reload); the window
        /// starts and ends at day boundaries.
        case days(CursorWindow)
    }

    /// The days an append table's run replaces, when it replaces days.
    public var replacedDays: CursorWindow? {
        if case .days(let window) = replacement { return window }
        return nil
    }

    /// An append table's decision: a backfill or full reload replaces the table, other runs replace the whole days
    /// their window touches, which the window is widened to; rejected rows are always left out. Re-reading whole days
    /// and replacing them is what keeps a table without a key exact when runs overlap (the lag) or repeat.
    func appending() -> TableDecision {
        var decision = self
        // Nothing is replaced row by row: rows the filter (or a quarantine, or an inner join) rejects are left out.
        // Loaded as deletions they would be rows of their own, since there is no key for them to replace.
        decision.deletedRows = .exclude
        switch mode {
        case .fullReload:
            decision.replacement = .whole
        case .backfill where window.after == nil && window.upTo == nil:
            decision.replacement = .whole
        case .backfill, .incremental, .rangeReload:
            decision.window = window.widenedToWholeDays()
            decision.replacement = .days(decision.window)
        }
        return decision
    }

    /// The run-wide options that change a decision.
    public struct Options: Sendable, Hashable {
        public var mode: ModeOverride?
        public var range: CursorRange?

        public init(mode: ModeOverride? = nil, range: CursorRange? = nil) {
            self.mode = mode
            self.range = range
        }
    }

    /// Decides how `table` runs.
    ///
    /// - Parameters:
    ///   - cursorKind: how the source stores the cursor (nil without one).
    ///   - stored: the table's bookmark, if it has one.
    ///   - unloadedFloor: for a table whose files a ``FileLedger`` tracks, the smallest cursor value of a file not yet
    ///     loaded: a window that continues from the bookmark reaches below it, so a file that landed with an old
    ///     modification time is read.
    ///   - bounds: the smallest and largest cursor value in a window, for backfill slices.
    public static func decide(
        table: TableConfig, cursorKind: CursorKind?, stored: Bookmark?, options: Options, unloadedFloor: Int64? = nil,
        bounds: (CursorWindow) async throws(SluiceError) -> ClosedRange<CursorValue>?
    ) async throws(SluiceError) -> TableDecision {
        let decision = try await decideRows(table: table, cursorKind: cursorKind, stored: stored, options: options,
                                            unloadedFloor: unloadedFloor, bounds: bounds)
        return table.load == .append ? decision.appending() : decision
    }

    private static func decideRows(
        table: TableConfig, cursorKind: CursorKind?, stored: Bookmark?, options: Options, unloadedFloor: Int64?,
        bounds: (CursorWindow) async throws(SluiceError) -> ClosedRange<CursorValue>?
    ) async throws(SluiceError) -> TableDecision {
        let context = ErrorContext(table: table.name, column: table.cursor)
        guard let kind = cursorKind else {
            if options.range != nil {
                throw SluiceError(.configInvalid, "--from/--to need a cursor column; table \(table.name) has none",
                                  context: ErrorContext(table: table.name))
            }
            return TableDecision(mode: .fullReload, window: .everything, bookmarkBefore: nil, rule: .unchanged,
                                 deletedRows: .exclude)
        }
        let bookmark = try stored?.cursor(kind: kind)

        if let range = options.range {
            guard let from = CursorValue(text: range.from, kind: kind), let to = CursorValue(text: range.to, kind: kind),
                  from < to
            else {
                throw SluiceError(.configInvalid, "--from \(range.from) --to \(range.to) is not a range of \(kind.rawValue) values",
                                  context: context)
            }
            return TableDecision(mode: .rangeReload, window: CursorWindow(after: from.moved(by: -1), upTo: to.moved(by: -1)),
                                 bookmarkBefore: bookmark, rule: .unchanged, deletedRows: .flag)
        }

        if options.mode == .fullReload {
            return TableDecision(mode: .fullReload, window: .everything, bookmarkBefore: bookmark, rule: .largestExtracted,
                                 deletedRows: .exclude)
        }
        let incremental: Bool
        switch options.mode {
        case .fullReload?:
            incremental = false
        case .backfill?:
            incremental = false
        case .incremental?:
            guard bookmark != nil else {
                throw SluiceError(.bookmarkInvalid, "no bookmark yet: the first run of a table is a backfill", context: context)
            }
            incremental = true
        case nil:
            incremental = bookmark != nil && !(stored?.backfill ?? true)
        }
        let lag = kind.units(ofMicroseconds: table.effectiveLag.microseconds) ?? 0
        /// Rows after the bookmark less the lag, and every row of a file not loaded yet.
        func continuing(from bookmark: CursorValue) -> CursorWindow {
            var after = bookmark.moved(by: -lag)
            if let unloadedFloor, unloadedFloor <= after.value { after = CursorValue(kind: kind, value: unloadedFloor).moved(by: -1) }
            return CursorWindow(after: after)
        }
        if incremental, let bookmark {
            return TableDecision(mode: .incremental, window: continuing(from: bookmark),
                                 bookmarkBefore: bookmark, rule: .largestExtracted, deletedRows: .flag, lag: lag)
        }

        // A backfill: everything, or the next slice when the table backfills in windows.
        let resume = options.mode == .backfill ? nil : bookmark
        var window = resume.map(continuing(from:)) ?? .everything
        // Soft-deleted rows can be left out only where the target cannot hold an earlier version of them: a table
        // with any stored bookmark (a reset one too, whose value is gone) was loaded before.
        let deletedRows: DeletedRows = stored == nil ? .exclude : .flag
        let whole = TableDecision(mode: .backfill, window: window, bookmarkBefore: bookmark, rule: .largestExtracted,
                                  deletedRows: deletedRows, lag: resume == nil ? 0 : lag)
        guard let width = table.backfillWindowUnits, let range = try await bounds(window) else { return whole }
        let start = resume ?? range.lowerBound
        let (end, overflow) = start.value.addingReportingOverflow(width)
        if overflow || end >= range.upperBound.value { return whole }
        let sliceEnd = CursorValue(kind: kind, value: end)
        window.upTo = sliceEnd
        return TableDecision(mode: .backfill, window: window, bookmarkBefore: bookmark, rule: .sliceEnd(sliceEnd),
                             deletedRows: deletedRows, lag: whole.lag)
    }

    /// The bookmark to save once the table's load succeeded, given the largest cursor value each task extracted;
    /// nil when the bookmark does not move.
    public func bookmarkAfter(extracted: [CursorValue]) -> (value: CursorValue?, backfill: Bool)? {
        switch rule {
        case .unchanged:
            return nil
        case .sliceEnd(let end):
            return (end, true)
        case .largestExtracted:
            // Never backwards: an overlapping window (the lag) finds values before the bookmark.
            let newest = ([bookmarkBefore].compactMap { $0 } + extracted).max()
            return (newest, false)
        }
    }
}

extension TableDecision {
    /// The decision as text that equal decisions share: a resumed run reuses an earlier run's shards of the table
    /// only when it decides the same (``ShardManifest/decision``).
    public var resumeKey: String {
        "\(mode.rawValue) window=\(window) bookmark=\(bookmarkBefore?.text ?? "none") rule=\(rule) deleted=\(deletedRows) lag=\(lag) replaces=\(replacement)"
    }
}
