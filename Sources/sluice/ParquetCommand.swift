import ArgumentParser
import Foundation
import Parquet
import S3
import SluiceConfig
import SluiceCore
import SluiceStorage

/// `sluice parquet schema|meta|cat FILE`: inspect Parquet files (staging shards, data-lake inputs)
/// without Python. FILE may be `s3://bucket/key`, read by ranged GETs with credentials from the environment. The formatting lives in the Parquet module (ParquetSchemaText, ParquetMetaText,
/// ParquetCat); output formats are specified in docs/parquet.md.
struct ParquetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Inspect Parquet files: schema, footer metadata and statistics, rows as CSV or JSON lines.",
        subcommands: [Schema.self, Meta.self, Cat.self]
    )

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the columns with their Sluice types, nullability and Parquet annotations.")

        @Argument(help: "The Parquet file (a path, or s3://bucket/key).") var file: String
        @OptionGroup var s3: S3Options

        func run() throws {
            try ParquetCommand.reporting { () throws(SluiceError) in
                print(ParquetSchemaText.render(try s3.open(file)), terminator: "")
            }
        }
    }

    struct Meta: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the footer: row groups, column chunks, encodings, codecs, sizes and statistics.")

        @Argument(help: "The Parquet file (a path, or s3://bucket/key).") var file: String
        @OptionGroup var s3: S3Options

        func run() throws {
            try ParquetCommand.reporting { () throws(SluiceError) in
                print(ParquetMetaText.render(try s3.open(file)), terminator: "")
            }
        }
    }

    struct Cat: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print rows as CSV (with a header) or JSON lines.",
            discussion: "CSV: NULL is an empty unquoted field, the empty string is \"\". See docs/parquet.md.")

        @Argument(help: "The Parquet file (a path, or s3://bucket/key).") var file: String
        @OptionGroup var s3: S3Options
        @Option(help: "Comma-separated column names to print, in this order (default: all).") var columns: String?
        @Option(help: "Print at most this many rows.") var limit: Int?
        @Option(help: "Output format: csv or jsonl.") var format: String = "csv"
        @Option(help: "Largest uncompressed page to read, in MiB (default 512): a larger page is refused.")
        var maxPageMib: Int?

        func validate() throws {
            guard ParquetCatFormat(rawValue: format) != nil else {
                throw ValidationError("--format must be csv or jsonl")
            }
            if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
            if let maxPageMib, !(1...(1 << 20)).contains(maxPageMib) {
                throw ValidationError("--max-page-mib must be between 1 and 1048576")
            }
        }

        func run() throws {
            let names = columns.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            try ParquetCommand.reporting { () throws(SluiceError) in
                var options = ParquetReaderOptions()
                if let maxPageMib { options.maxPageBytes = maxPageMib << 20 }
                let reader = try s3.open(file, options: options)
                if names == nil && !reader.unsupportedColumns.isEmpty {
                    let skipped = reader.unsupportedColumns.map(\.name).joined(separator: ", ")
                    FileHandle.standardError.write(Data("sluice parquet: skipping unsupported nested columns: \(skipped)\n".utf8))
                }
                try ParquetCat.write(reader, columns: names, limit: limit, format: ParquetCatFormat(rawValue: format)!) {
                    FileHandle.standardOutput.write(Data($0.utf8))
                }
            }
        }
    }

    /// Where an `s3://` file is: the same `endpoint`, `region` and `addressing` as a pipeline's `s3:` settings.
    struct S3Options: ParsableArguments {
        @Option(name: .customLong("s3-endpoint"), help: "For s3:// files: the store's http(s)://host[:port] (default AWS's).")
        var endpoint: String?
        @Option(name: .customLong("s3-region"), help: "For s3:// files: the region (default AWS_REGION, then us-east-1).")
        var region: String?
        @Option(name: .customLong("s3-addressing"), help: "For s3:// files: auto, path or virtual (default auto).")
        var addressing: String?

        /// A reader of `file`: a local path, or an object read by ranged GETs.
        func open(_ file: String, options: ParquetReaderOptions = .init()) throws(SluiceError) -> ParquetFileReader {
            guard let url = S3URL(file) else { return try ParquetFileReader(path: file, options: options) }
            guard !url.key.isEmpty else {
                throw SluiceError(.configInvalid, "\(file) names a bucket, not an object: give s3://bucket/key")
            }
            if let addressing, S3Endpoint.Addressing(rawValue: addressing) == nil {
                throw SluiceError(.configInvalid, "--s3-addressing must be auto, path or virtual, not \(addressing)")
            }
            let client = try S3EndpointSettings(endpoint: endpoint, region: region, addressing: addressing).client()
            let info = try Blocking.wait { () async throws(SluiceError) in try await client.head(bucket: url.bucket, key: url.key) }
            let input = S3ObjectInput(client: client, bucket: url.bucket, key: url.key, size: Int(info.size))
            return try ParquetFileReader(input: input, options: options)
        }
    }

    /// Runs `body`; a Sluice error is printed to stderr (with file and column) and exits with status 1.
    static func reporting(_ body: () throws(SluiceError) -> Void) throws {
        do throws(SluiceError) {
            try body()
        } catch {
            FileHandle.standardError.write(Data("sluice parquet: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
