import Foundation
import Parquet
import SluiceCore
import Testing

/// Reads a file Sluice wrote with Sluice, pyarrow and chdb, and checks all three see exactly `expected`.
enum CrossCheck {
    enum Engine: String, CaseIterable { case pyarrow, chdb }

    /// Records an issue (with the first differing cell) for every reader that does not see `expected`.
    static func verify(_ path: String, expected: [RecordBatch], schema: Schema,
                       engines: [Engine] = Engine.allCases, label: String = "",
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let want = concatenate(expected, schema: schema)
        let rows = expected.reduce(0) { $0 + $1.rowCount }
        // Sluice itself.
        let reader = try ParquetFileReader(path: path)
        #expect(reader.schema == schema, "\(label): schema read back differs", sourceLocation: sourceLocation)
        #expect(reader.rowCount == rows, "\(label): row count", sourceLocation: sourceLocation)
        var got = Array(repeating: [String?](), count: schema.count)
        var batches = reader.batches()
        while let batch = try batches.next() {
            for (i, column) in Canonical.batch(batch).enumerated() { got[i] += column }
        }
        compare(got, want, schema: schema, reader: "sluice \(label)", sourceLocation: sourceLocation)
        for engine in engines {
            let other = try Python.canonical(engine: engine.rawValue, path: path, fields: schema.fields)
            #expect(other.rows == rows, "\(engine) \(label): \(other.rows) rows, expected \(rows)", sourceLocation: sourceLocation)
            compare(other.columns, want, schema: schema, reader: "\(engine) \(label)", sourceLocation: sourceLocation)
        }
    }

    static func concatenate(_ batches: [RecordBatch], schema: Schema) -> [[String?]] {
        var result = Array(repeating: [String?](), count: schema.count)
        for batch in batches {
            for (i, column) in Canonical.batch(batch).enumerated() { result[i] += column }
        }
        return result
    }

    static func compare(_ got: [[String?]], _ want: [[String?]], schema: Schema, reader: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        guard got.count == want.count else {
            Issue.record("\(reader): \(got.count) columns, expected \(want.count)", sourceLocation: sourceLocation)
            return
        }
        for (i, field) in schema.fields.enumerated() {
            guard got[i].count == want[i].count else {
                Issue.record("\(reader): column \(field.name) has \(got[i].count) values, expected \(want[i].count)",
                             sourceLocation: sourceLocation)
                continue
            }
            if let row = got[i].indices.first(where: { got[i][$0] != want[i][$0] }) {
                Issue.record("\(reader): column \(field.name) (\(field.type)) row \(row): got \(show(got[i][row])), expected \(show(want[i][row]))",
                             sourceLocation: sourceLocation)
            }
        }
    }

    private static func show(_ value: String?) -> String {
        guard let value else { return "NULL" }
        return value.count > 80 ? "\"\(value.prefix(60))…\" (\(value.utf8.count) bytes)" : "\"\(value)\""
    }
}
