import ArgumentParser

/// `sluice`: a distributed batch ETL engine. The commands only parse options and call the library modules.
@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Move tables from PostgreSQL through Parquet shards into ClickHouse, with a driver and executors.",
        discussion: """
            Quick start:
              sluice init --config pipeline.yaml              write table files from the source's catalogue
              sluice validate --config pipeline.yaml          check the file and the connections
              sluice plan --config pipeline.yaml              show the partition tasks of a run
              sluice run --config pipeline.yaml --local 2     run it with two local executor processes
              sluice report run-report.json -o report.html    a run's --report as an HTML page (timeline, tables, errors)

            On Kubernetes, one driver per run and a Deployment of executors:
              sluice driver --config pipeline.yaml --listen 0.0.0.0:7077
              sluice executor --connect sluice-driver:7077

            Executors authenticate with a shared token from SLUICE_TOKEN or --token-file.
            Docs: README.md and docs/ in the repository.
            """,
        subcommands: [RunCommand.self, DriverCommand.self, ExecutorCommand.self, PlanCommand.self, ValidateCommand.self, InitCommand.self, StatusCommand.self, BookmarkCommand.self,
                      ParquetCommand.self, ReportCommand.self]
    )
}
