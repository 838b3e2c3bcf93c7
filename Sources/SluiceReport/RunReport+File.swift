public import Foundation
public import SluiceCore

extension RunReport {
    /// Pretty-printed JSON with sorted keys.
    public func json() throws(SluiceError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return try encoder.encode(self)
        } catch {
            throw SluiceError(.reportIO, "cannot encode the run report of run \(runID)", underlying: "\(error)")
        }
    }

    /// Writes ``json()`` to `path`, replacing what is there.
    public func write(toFile path: String) throws(SluiceError) {
        let data = try json()
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SluiceError(.reportIO, "cannot write the run report to \(path)", underlying: "\(error)")
        }
    }

    /// A report as ``json()`` wrote it. Versions above ``currentVersion`` are refused: this build cannot know what
    /// their fields mean.
    public static func decode(_ data: Data, origin: String) throws(SluiceError) -> RunReport {
        let report: RunReport
        do {
            report = try JSONDecoder().decode(RunReport.self, from: data)
        } catch let error as DecodingError {
            throw SluiceError(.reportInvalid, "\(origin) is not a Sluice run report: \(Self.describe(error))")
        } catch {
            throw SluiceError(.reportInvalid, "\(origin) is not a Sluice run report", underlying: "\(error)")
        }
        guard report.reportVersion <= currentVersion else {
            throw SluiceError(.reportInvalid, "\(origin) has report_version \(report.reportVersion); this sluice reads versions up to \(currentVersion)")
        }
        return report
    }

    /// Reads and decodes the report at `path`.
    public static func read(fromFile path: String) throws(SluiceError) -> RunReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SluiceError(.reportIO, "cannot read the run report \(path)", underlying: "\(error)")
        }
        return try decode(data, origin: path)
    }

    /// `tables[0].tasks[2].attempts: expected an array`: where the JSON differs from a report.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the top level" : text)
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

extension SluiceError.Code {
    /// The run report could not be written or read.
    public static let reportIO = Self("report_io", retryable: false)
    /// A file given as a run report is not one (or is from a newer Sluice).
    public static let reportInvalid = Self("report_invalid")
}
