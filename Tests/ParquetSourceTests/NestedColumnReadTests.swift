import Foundation
import Logging
@testable import ParquetSource
import SluiceConfig
import SluiceCore
import SluicePipeline
import Testing

/// A lake table over a file with nested columns: they load as their JSON text (docs/parquet.md, "Nested
/// columns") into a column declared `string` or `json`, beside the flat ones.
@Suite struct NestedColumnReadTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/parquet-testing").path

    @Test("nested columns load as JSON text into string and json columns")
    func nestedColumnsLoadAsJSONText() throws {
        let store = LocalFileStore(root: Self.corpus)
        let stored = try #require(try store.list(under: "").first { $0.key == "nullable.impala.parquet" })
        let spec = ParquetReadSpec(parts: [.init(file: DatasetFile(file: stored, partitions: []), rowGroups: [0], rows: 7)],
                                   cursorColumn: nil, window: CursorWindow())
        let schema = Schema([Field(name: "id", type: .int64), Field(name: "int_map", type: .json),
                             Field(name: "int_array_Array", type: .string)])
        let reader = try ParquetPartitionReader(settings: ParquetSourceSettings(root: Self.corpus), store: store,
                                            logger: Logger(label: "test"))
        var rows: [[String?]] = []
        let stats = try reader.read(try spec.payload, schema: schema,
                                    options: ReadOptions(batchRows: 100, specialValues: .fail, table: "t")) { batch in
            for row in 0..<batch.rowCount {
                rows.append((0..<3).map { batch.value(row: row, column: $0).text(as: schema.fields[$0].type) })
            }
        }
        #expect(stats.rows == 7)
        #expect(rows.map { $0[1] } == [#"{"k1":1,"k2":100}"#, #"{"k1":2,"k2":null}"#, "{}", "{}", "{}", nil,
                                       #"{"k1":null,"k3":null}"#])
        #expect(rows[1][2] == "[[null,1,2,null],[3,null,4],[],null]")
        #expect(rows.map { $0[0] } == (1...7).map { String($0) })
    }
}
