import Foundation
import Parquet
import SluiceCore
import Testing

/// Files written by pyarrow (Fixtures/scripts/nested_fixture.py: structs in structs, lists of structs of lists,
/// maps of lists, integer-keyed maps of structs, lists of lists; every leaf type with NULLs at every level;
/// data page v1 with dictionaries and v2 without; several row groups, small pages) read by Sluice and compared
/// with pyarrow value by value: nested columns as JSON text, and struct leaves read as flat columns.
@Suite struct NestedFixtureTests {
    static let files = ["nested_v1.parquet", "nested_v2.parquet"]

    /// The fixture files, written once per test process.
    static let directory: Result<URL, Python.Failure> = {
        let directory = TestFiles.temporaryDirectory("nested")
        do {
            _ = try Python.run("nested_fixture.py", [directory.path])
            return .success(directory)
        } catch let failure as Python.Failure {
            return .failure(failure)
        } catch {
            return .failure(Python.Failure(status: -1, stderr: "\(error)"))
        }
    }()

    static func path(_ name: String) throws -> String { try directory.get().appendingPathComponent(name).path }

    static func read(_ reader: ParquetFileReader, leaves: [ParquetStructLeaf]) throws -> [[String?]] {
        var got = Array(repeating: [String?](), count: leaves.count)
        for group in 0..<reader.rowGroupCount {
            let batch = try reader.readStructLeaves(leaves, rowGroup: group)
            #expect(batch.rowCount == Int(reader.metadata.rowGroups[group].numRows))
            for (i, column) in Canonical.batch(batch).enumerated() { got[i] += column }
        }
        return got
    }

    @Test(arguments: files)
    func nestedColumnsEqualPyarrows(_ name: String) throws {
        let path = try Self.path(name)
        let reader = try ParquetFileReader(path: path)
        #expect(reader.rowCount == 600 && reader.rowGroupCount == 3)
        #expect(reader.fileSchema.columns.filter { $0.nested != nil }.map(\.name) == ["s", "l", "m", "mi", "ll"])
        let got = try ParquetTestingCorpusTests.readAll(reader, columns: nil)
        let other = try Python.canonical(engine: "pyarrow", path: path, fields: reader.schema.fields)
        #expect(other.rows == 600)
        CrossCheck.compare(got, other.columns, schema: reader.schema, reader: "pyarrow vs sluice \(name)")
    }

    /// Every leaf under structs alone of the fixtures and of parquet-testing files with structs.
    @Test(arguments: files + ["nullable.impala.parquet", "nested_structs.rust.parquet", "nulls.snappy.parquet"])
    func structLeavesAsFlatColumnsEqualPyarrows(_ name: String) throws {
        let path = Self.files.contains(name) ? try Self.path(name)
            : TestFiles.parquetTesting.appendingPathComponent(name).path
        let reader = try ParquetFileReader(path: path)
        let paths = reader.fileSchema.columns.compactMap(\.nested).flatMap(\.leaves)
            .filter { $0.maxRepetition == 0 }.map(\.path)
        #expect(!paths.isEmpty)
        if Self.files.contains(name) {
            #expect(paths == ["s.a", "s.b.x", "s.b.y", "s.b.t", "s.b.d", "s.b.dec", "s.b.f", "s.b.bin", "s.b.flag",
                              "s.b.tm", "s.b.u64", "s.b.ts", "s.req"])
        }
        let leaves = try paths.map { try reader.structLeaf($0) }
        let fields = leaves.map(\.field)
        let got = try Self.read(reader, leaves: leaves)
        let other = try Python.canonical(engine: "pyarrow", path: path, fields: fields)
        #expect(got.allSatisfy { $0.count == reader.rowCount })
        CrossCheck.compare(got, other.columns, schema: Schema(fields), reader: "pyarrow vs sluice \(name) (flattened)")
    }

    @Test func structLeafTypesAndNullability() throws {
        let reader = try ParquetFileReader(path: try Self.path("nested_v1.parquet"))
        #expect(try reader.structLeaf("s.req").field == Field(name: "s.req", type: .int32, nullable: true))
        #expect(try reader.structLeaf("s.b.dec").field == Field(name: "s.b.dec", type: .decimal(precision: 10, scale: 2)))
        #expect(try reader.structLeaf("s.b.t").field.type == .timestampTZ)
        let impala = try ParquetFileReader(path: TestFiles.parquetTesting.appendingPathComponent("nested_structs.rust.parquet").path)
        #expect(try impala.structLeaf("roll_num.count").field == Field(name: "roll_num.count", type: .uint64, nullable: false))
    }

    @Test(arguments: [
        ("l.list.element.p", "'l.list.element.p' is inside a list or map"),
        ("s.b", "no leaf 's.b' under 's' (leaves under structs only: s.a, s.b.x"),
        ("s.nope", "no leaf 's.nope' under 's'"),
        ("id", "no nested column 'id' in the file"),
        ("nope.x", "no nested column 'nope' in the file"),
    ])
    func structLeafUsageErrors(_ path: String, _ message: String) throws {
        let file = try Self.path("nested_v1.parquet")
        let reader = try ParquetFileReader(path: file)
        let error = try #require(throws: SluiceError.self) { _ = try reader.structLeaf(path) }
        #expect(error.code == .parquetUsage)
        #expect(error.message.contains(message), "\(error)")
        #expect(error.context.column == path)
        #expect(error.context.file == file)
    }
}
