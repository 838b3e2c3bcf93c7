import ArgumentParser
import Foundation
import SluiceCore
import SluiceReport

/// `sluice report run-report.json -o report.html`: the run report as one self-contained HTML page. The page is
/// made by SluiceReport's `RunReportHTML`; docs/report.md describes it.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a run report (sluice run --report FILE) as one self-contained HTML page.",
        discussion: """
            The page has the run's totals, a timeline of attempts with one lane per executor (retries, failures and \
            discarded attempts marked; hover a bar for its task, rows, outcome and error), each table's figures and \
            stage timings, its tasks, and the errors. It loads nothing from the network.
            """)

    @Argument(help: "The run report, as written by --report.")
    var file: String

    @Option(name: .shortAndLong, help: "Where to write the page (default: the report's name with .html; - for stdout).")
    var output: String?

    func run() throws {
        do throws(SluiceError) {
            let page = RunReportHTML(try RunReport.read(fromFile: file)).render()
            let destination = output ?? Self.defaultOutput(for: file)
            if destination == "-" {
                FileHandle.standardOutput.write(Data(page.utf8))
                return
            }
            do {
                try Data(page.utf8).write(to: URL(fileURLWithPath: destination), options: .atomic)
            } catch {
                throw SluiceError(.reportIO, "cannot write the report page to \(destination)", underlying: "\(error)")
            }
            print("wrote \(destination)")
        } catch {
            throw fail(error)
        }
    }

    /// `run-report.json` -> `run-report.html`; any other name gets `.html` added.
    static func defaultOutput(for file: String) -> String {
        file.hasSuffix(".json") ? String(file.dropLast(5)) + ".html" : file + ".html"
    }
}
