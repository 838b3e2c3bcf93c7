import Foundation
import SluiceCore
import SluicePipeline
import SluiceReport
import Testing

/// The JSON `--report` writes: versioned, every documented field present, read back as it was written.
@Suite struct RunReportJSONTests {
    func object(_ report: RunReport) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
    }

    @Test func theReportIsVersionedAndCarriesTotals() throws {
        let json = try object(SampleReports.twoExecutors)
        #expect(json["report_version"] as? Int == 1)
        #expect(json["succeeded"] as? Bool == false)
        #expect(json["finished_at"] as? String == "2024-05-01T10:00:04.500Z")
        #expect(json["error"] == nil, "a run that started has no run-level error")
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["tables"] as? Int == 2)
        #expect(totals["tables_failed"] as? Int == 1)
        #expect(totals["tasks"] as? Int == 4)
        #expect(totals["attempts"] as? Int == 6)
        #expect(totals["retries"] as? Int == 2)
        #expect(totals["attempts_failed"] as? Int == 2)
        #expect(totals["executors"] as? Int == 2)
        #expect(totals["rows_loaded"] as? Int == 300)
    }

    @Test func attemptsCarryTheirTimesRowsBytesAndErrors() throws {
        let json = try object(SampleReports.twoExecutors)
        let table = try #require((json["tables"] as? [[String: Any]])?.first)
        let stages = try #require(table["stage_seconds"] as? [String: Any])
        #expect(stages["planning"] as? Double == 0.25 && stages["extraction"] as? Double == 3.5)
        #expect(stages["commit"] as? Double == 0.3 && stages["finish"] as? Double == 0.5)
        let task = try #require((table["tasks"] as? [[String: Any]])?[1])
        let attempts = try #require(task["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["outcome"] as? String } == ["failed", "committed"])
        #expect(attempts[0]["error"] as? String == "COPY failed: <server> said \"no\" & quit")
        #expect(attempts[0]["executor"] as? String == "x2#2")
        #expect(attempts[1]["start_seconds"] as? Double == 1.6 && attempts[1]["end_seconds"] as? Double == 2.5)
        #expect(attempts[1]["started_at"] as? String != nil && attempts[1]["finished_at"] as? String != nil)
        #expect(attempts[1]["rows_extracted"] as? Int == 100 && attempts[1]["shard_bytes"] as? Int == 1_000)
    }

    @Test func aReportReadsBackAsItWasWritten() throws {
        let report = SampleReports.twoExecutors
        let read = try RunReport.decode(report.json(), origin: "test")
        #expect(read == report)
    }

    @Test func aNewerVersionIsRefusedAndAnOlderReportStillReads() throws {
        var json = try object(SampleReports.twoExecutors)
        json["report_version"] = 2
        let newer = try JSONSerialization.data(withJSONObject: json)
        do {
            _ = try RunReport.decode(newer, origin: "newer.json")
            Issue.record("a newer report was read")
        } catch {
            #expect(error.code == .reportInvalid && error.message.contains("report_version 2"), "\(error)")
        }

        // A report from before the version field, the stage timings and the attempt times.
        let old = """
            {"run_id": "r", "pipeline": "p", "started_at": "2024-05-01T10:00:00Z", "seconds": 1.5, "succeeded": true,
             "tables": [{"table": "items", "mode": "backfill", "status": "succeeded", "attempts": 1, "seconds": 1,
                         "rows_extracted": 5, "rows_loaded": 5,
                         "tasks": [{"task": 1, "partition": 0, "summary": "all", "status": "committed", "rows_loaded": 5,
                                    "attempts": [{"attempt": 1, "executor": "x1", "outcome": "committed", "rows_extracted": 5}]}]}]}
            """
        let read = try RunReport.decode(Data(old.utf8), origin: "old.json")
        #expect(read.reportVersion == 0)
        #expect(read.tables[0].rowsLoaded == 5 && read.tables[0].tasks[0].attempts[0].startSeconds == nil)
        #expect(read.succeeded)
    }

    @Test func somethingElseIsNamedAsNotAReport() throws {
        do {
            _ = try RunReport.decode(Data(#"{"run_id": "r", "tables": 3}"#.utf8), origin: "x.json")
            Issue.record("decoded")
        } catch {
            #expect(error.code == .reportInvalid)
            #expect(error.message.contains("x.json is not a Sluice run report"), "\(error)")
        }
    }

    @Test func aRunThatCouldNotStartSaysWhyForTheRunAndEachTable() throws {
        let error = SluiceError(SluiceError.Code("postgres_connection"), "cannot connect to PostgreSQL at 127.0.0.1:1")
        let started = Date(timeIntervalSince1970: 1_714_557_600)
        let report = RunReport.notStarted(runID: "r1", pipeline: "p", tables: ["a", "b"], error: error, startedAt: started,
                                          finishedAt: started.addingTimeInterval(2))
        #expect(!report.succeeded)
        #expect(report.seconds == 2)
        #expect(report.startedAt == "2024-05-01T10:00:00Z" && report.finishedAt == "2024-05-01T10:00:02.000Z")
        let json = try object(report)
        #expect(json["error_code"] as? String == "postgres_connection")
        #expect((json["error"] as? String)?.contains("cannot connect to PostgreSQL") == true)
        let tables = try #require(json["tables"] as? [[String: Any]])
        #expect(tables.map { $0["status"] as? String } == ["failed", "failed"])
        #expect(tables.allSatisfy { ($0["error"] as? String)?.contains("cannot connect") == true })
        #expect(report.text.contains("the run could not start: cannot connect to PostgreSQL at 127.0.0.1:1 [postgres_connection]"), "\(report.text)")
    }

    @Test func writingToADirectoryThatDoesNotExistNamesThePath() {
        do {
            try SampleReports.twoExecutors.write(toFile: "/nonexistent-dir/report.json")
            Issue.record("wrote")
        } catch {
            #expect(error.code == .reportIO && error.message.contains("/nonexistent-dir/report.json"))
        }
    }
}
