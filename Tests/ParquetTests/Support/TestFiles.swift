import Foundation

/// Paths the tests use: a fresh temporary directory per test, the fixtures and helper scripts beside this
/// file, and the shared parquet-testing corpus beside the repository (../shared/parquet-testing).
enum TestFiles {
    /// Tests/ParquetTests/ (symlinks resolved, so a dev package that links the directory still finds the repository).
    static let testsDirectory: URL = {
        let file = URL(fileURLWithPath: #filePath)
        let resolved = realpath(file.path, nil).map { pointer in
            defer { free(pointer) }
            return URL(fileURLWithPath: String(cString: pointer))
        } ?? file
        return resolved.deletingLastPathComponent().deletingLastPathComponent()
    }()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures")
    static let scripts = fixtures.appendingPathComponent("scripts")
    /// The repository root (…/Tests/ParquetTests/../..).
    static let repository = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    /// ../shared/parquet-testing next to the repository.
    static let parquetTesting = repository.deletingLastPathComponent().appendingPathComponent("shared/parquet-testing")

    /// A new empty directory under the system temporary directory.
    static func temporaryDirectory(_ label: String = "parquet") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
