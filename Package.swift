// swift-tools-version:6.0
import PackageDescription

/// One list of settings for every Swift target: Swift 6 language mode (strict concurrency) plus
/// upcoming features that make the code say what it means.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")

let package = Package(
    name: "sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "Parquet", targets: ["Parquet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // C libraries from Debian, through pkg-config.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlidec", providers: [.apt(["libbrotli-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMalloc"),

        // Pure modules: no sockets, no C clients.
        .target(name: "SluiceCore", swiftSettings: strictSettings),
        .target(
            name: "SluiceConfig",
            dependencies: ["SluiceCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Parquet",
            dependencies: ["SluiceCore", "CSnappy", "CZstd", "CZlib", "CLZ4", "CBrotli"],
            swiftSettings: strictSettings + [
                // Release builds skip the dynamic exclusivity checks on class properties (about a fifth of the
                // writer's CPU in the encoders' per-value loops). Those checks catch programming errors, not bad
                // input: bounds and overflow checks, which guard against corrupt files, stay on.
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
            ]
        ),
        .target(
            name: "SluiceWire",
            dependencies: ["SluiceCore", nioCore, .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SluiceWireNIO",
            dependencies: ["SluiceCore", "SluiceWire", nioCore, nioPosix, logging, .product(name: "NIOSSL", package: "swift-nio-ssl")],
            swiftSettings: strictSettings
        ),
        .target(name: "SluiceScheduler", dependencies: ["SluiceCore"], swiftSettings: strictSettings),
        /// The expression language of per-table transforms, filters and validation rules: parser, type checker,
        /// vectorised evaluator, PostgreSQL pushdown. Pure.
        .target(name: "SluiceExpressions", dependencies: ["SluiceCore"], swiftSettings: strictSettings),
        /// The upper floor's contracts: Source, Stage and Sink, the bookmark model, the run plan. Pure.
        .target(name: "SluicePipeline", dependencies: ["SluiceCore", "SluiceConfig", "SluiceExpressions", logging], swiftSettings: strictSettings),
        /// The run report: its JSON (`--report`), its text summary and its HTML page (`sluice report`). Pure.
        .target(name: "SluiceReport", dependencies: ["SluiceCore", "SluicePipeline"], swiftSettings: strictSettings),

        // Connectors: each implements SluicePipeline's protocols; none imports another.
        .target(
            name: "PostgresSource",
            dependencies: ["SluiceCore", "SluiceConfig", "SluiceExpressions", "SluicePipeline", "CLibPQ", logging],
            swiftSettings: strictSettings
        ),
        /// Parquet files in a local directory (and, with the S3 module, in a bucket): listing, footers, row-group
        /// tasks, projection, Hive partition folders, newest-file selection.
        .target(
            name: "ParquetSource",
            dependencies: ["SluiceCore", "SluiceConfig", "SluiceExpressions", "SluicePipeline", "Parquet", "S3", "SluiceStorage", logging],
            swiftSettings: strictSettings
        ),
        /// Where shards and manifests live: a local directory or an S3 prefix.
        .target(
            name: "SluiceStorage",
            dependencies: ["SluiceCore", "SluiceConfig", "Parquet", "S3", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        /// A results folder of Parquet files (Hive partition folders), with its bookmarks beside it.
        .target(
            name: "ParquetSink",
            dependencies: ["SluiceCore", "SluiceConfig", "SluicePipeline", "Parquet", "SluiceStorage", logging],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ClickHouseSink",
            dependencies: ["SluiceCore", "SluiceConfig", "SluicePipeline", "HTTPTransport", "CLZ4", "CZstd", logging],
            swiftSettings: strictSettings
        ),
        .target(name: "HTTPTransport", dependencies: ["SluiceCore", "CCurl"], swiftSettings: strictSettings),
        /// S3 and S3-compatible stores: SigV4 signing, addressing and response parsing (pure), and `S3Client` over
        /// HTTPTransport (libcurl) with retries, multipart uploads and the AWS credential chain.
        .target(
            name: "S3",
            dependencies: ["SluiceCore", "SluiceConfig", "HTTPTransport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),

        /// `/metrics`, `/healthz` and `/readyz` over HTTP/1.1 for the driver and the executors (NIOHTTP1), the
        /// process's own figures from /proc, and counters that follow a snapshot (swift-prometheus).
        .target(
            name: "SluiceMetrics",
            dependencies: ["SluiceCore", nioCore, nioPosix, .product(name: "NIOHTTP1", package: "swift-nio"), prometheus, logging,
                           serviceLifecycle],
            swiftSettings: strictSettings
        ),

        // The two roles and the CLI.
        .target(
            name: "SluiceDriver",
            dependencies: [
                "SluiceCore", "SluiceConfig", "SluicePipeline", "SluiceReport", "SluiceWire", "SluiceWireNIO", "SluiceScheduler",
                "SluiceMetrics", "SluiceStorage", prometheus, logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SluiceExecutor",
            dependencies: [
                "SluiceCore", "SluiceConfig", "SluicePipeline", "SluiceExpressions", "SluiceWire", "SluiceWireNIO", "Parquet",
                "SluiceMetrics", "SluiceStorage", prometheus, logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceCore", "SluiceConfig", "SluicePipeline", "SluiceReport", "SluiceDriver", "SluiceExecutor", "SluiceWire", "SluiceWireNIO", "Parquet",
                "PostgresSource", "ParquetSource", "ParquetSink", "ClickHouseSink", "SluiceMetrics", "CMalloc", "S3", "SluiceStorage", logging,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // In-memory fakes of every part (source, sink, bookmark store) for driver and executor tests.
        .target(name: "SluiceTestKit", dependencies: ["SluiceCore", "SluiceConfig", "SluicePipeline"], swiftSettings: strictSettings),

        // Benchmarks: `bench/NAME` scripts run `sluice-bench NAME` (release build) beside a baseline.
        .executableTarget(
            name: "sluice-bench",
            dependencies: ["SluiceCore", "SluiceConfig", "SluicePipeline", "Parquet", "PostgresSource", "ClickHouseSink",
                           "ParquetSource", "S3", "SluiceExecutor", "SluiceDriver", "SluiceReport", "SluiceWire", logging],
            path: "Sources/SluiceBench",
            swiftSettings: strictSettings
        ),

        // Tests mirror Sources/.
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore"], swiftSettings: strictSettings),
        .testTarget(name: "SluiceConfigTests", dependencies: ["SluiceConfig"], swiftSettings: strictSettings),
        .testTarget(
            name: "ParquetTests",
            dependencies: ["Parquet", "SluiceCore", "CZlib"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SluiceWireTests",
            dependencies: ["SluiceWire", "SluiceWireNIO", "SluiceCore", nioCore, nioPosix, logging,
                           .product(name: "NIOEmbedded", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "NIOTestUtils", package: "swift-nio")],
            exclude: ["FuzzCorpus", "Interop"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "SluiceMetricsTests", dependencies: ["SluiceMetrics", "SluiceCore", nioCore, nioPosix, prometheus],
                    swiftSettings: strictSettings),
        .testTarget(name: "SluiceSchedulerTests", dependencies: ["SluiceScheduler"], swiftSettings: strictSettings),
        .testTarget(name: "SluiceExpressionsTests", dependencies: ["SluiceExpressions", "SluiceCore"], swiftSettings: strictSettings),
        .testTarget(name: "PostgresSourceTests", dependencies: ["PostgresSource", "SluiceCore", "SluiceConfig", "SluicePipeline", logging],
                    exclude: ["Fixtures"],
                    swiftSettings: strictSettings),
        .testTarget(name: "ParquetSourceTests",
                    dependencies: ["ParquetSource", "Parquet", "SluiceCore", "SluiceConfig", "SluicePipeline", "SluiceExpressions", logging],
                    swiftSettings: strictSettings),
        .testTarget(name: "S3Tests", dependencies: ["S3", "HTTPTransport", "SluiceCore"], exclude: ["Fixtures"], swiftSettings: strictSettings),
        .testTarget(
            name: "S3IntegrationTests",
            // Against moto_server and OpenStack Swift's s3api from scripts/services.sh; Python helpers in Tools/.
            dependencies: ["S3", "HTTPTransport", "SluiceCore", "Parquet", "ParquetSource", "SluiceStorage", "SluiceDriver", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Tools"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "HTTPTransportTests", dependencies: ["HTTPTransport", "SluiceCore"], swiftSettings: strictSettings),
        .testTarget(name: "ClickHouseSinkTests",
                    dependencies: ["ClickHouseSink", "HTTPTransport", "SluiceCore", "SluiceConfig", "SluicePipeline", logging],
                    swiftSettings: strictSettings),
        .testTarget(name: "SluicePipelineTests", dependencies: ["SluicePipeline", "SluiceConfig", "SluiceCore", "SluiceExpressions"],
                    swiftSettings: strictSettings),
        .testTarget(name: "SluiceDriverTests",
                    dependencies: ["SluiceDriver", "SluiceReport", "SluiceExecutor", "SluiceTestKit", "SluicePipeline", "SluiceConfig", "SluiceCore",
                                   "SluiceScheduler", "SluiceWire", "SluiceWireNIO", "SluiceMetrics", "SluiceStorage", "Parquet", prometheus, logging],
                    swiftSettings: strictSettings),
        .testTarget(name: "SluiceReportTests", dependencies: ["SluiceReport", "SluicePipeline", "SluiceCore"], swiftSettings: strictSettings),
        .testTarget(name: "SluiceExecutorTests",
                    dependencies: ["SluiceExecutor", "SluiceTestKit", "SluicePipeline", "SluiceConfig", "SluiceCore", "SluiceMetrics", "Parquet", logging],
                    swiftSettings: strictSettings),
        .testTarget(
            name: "IntegrationTests",
            // Runs the built `sluice` binary and talks to the servers with psql and curl: no module of its own.
            dependencies: [],
            exclude: ["Tools"],
            swiftSettings: strictSettings
        ),
    ]
)
