import Foundation
import Parquet
import SluiceCore
import Testing

/// Random schemas, values and writer options (seeded, so failures reproduce): what is written is what is
/// read back, by Sluice always and by pyarrow for a sample of cases.
@Suite struct RoundTripPropertyTests {
    @Test(arguments: 0..<60)
    func randomTableRoundTrips(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 0x5851_F42D_4C95_7F2D &+ 17)
        let schema = RandomTables.schema(&rng)
        let options = RandomTables.options(&rng)
        let batches = try (0..<Int.random(in: 1...3, using: &rng)).map { _ in
            try RandomTables.batch(schema, rows: [0, 1, 7, 200, 1500].randomElement(using: &rng)!, &rng)
        }
        let path = TestFiles.temporaryDirectory("prop").appendingPathComponent("r\(seed).parquet").path
        let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
        for batch in batches { try writer.write(batch) }
        let summary = try writer.close()
        let rows = batches.reduce(0) { $0 + $1.rowCount }
        #expect(summary.rows == rows, "seed \(seed)")
        // Every fifth case is also read by pyarrow (BC dates and far timestamps are in range for it).
        try CrossCheck.verify(path, expected: batches, schema: schema, engines: seed % 5 == 0 ? [.pyarrow] : [],
                              label: "seed \(seed) \(options.compression) \(options.dataPageVersion)")
        // Projection of the columns in reverse order reads the same values.
        let reader = try ParquetFileReader(path: path)
        let names = schema.fields.map(\.name).reversed()
        var projected = Array(repeating: [String?](), count: schema.count)
        var iterator = reader.batches(columns: Array(names))
        while let batch = try iterator.next() {
            for (i, column) in Canonical.batch(batch).enumerated() { projected[schema.count - 1 - i] += column }
        }
        #expect(projected == CrossCheck.concatenate(batches, schema: schema), "seed \(seed): projection")
    }
}
