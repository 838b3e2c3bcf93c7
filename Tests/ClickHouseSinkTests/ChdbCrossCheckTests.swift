import ClickHouseSink
import Foundation
import SluiceCore
import Testing

/// An independent reader: chdb (embedded ClickHouse 26) reads the encoder's Native blocks from a file.
@Suite struct ChdbCrossCheckTests {
    @Test func chdbReadsEveryTypeBack() throws {
        let fixture = try AllTypesFixture(count: 600)
        let block = try ClickHouseNativeEncoder(schema: AllTypesFixture.schema).encode(fixture.batch)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chsink-\(UUID()).native").path
        try Data(block).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let program = """
        import chdb, sys
        sys.stdout.write(chdb.query("SELECT \(AllTypesFixture.selectList.replacingOccurrences(of: "`", with: "")) FROM file('" + sys.argv[1] + "', Native) FORMAT TabSeparated").data())
        """
        let output = String(decoding: try runPython(program, arguments: [path]), as: UTF8.self)
        let rows = TabSeparated.parse(output)
        try #require(rows.count == fixture.rows.count)
        var mismatches: [String] = []
        for (rowIndex, (row, expected)) in zip(rows, fixture.rows).enumerated() {
            for (index, field) in AllTypesFixture.schema.fields.enumerated()
                where !AllTypesFixture.matches(row[index], expected[index], field, zeroDatePrintsAsZeros: false) {
                mismatches.append("row \(rowIndex) \(field.name): got \(row[index] ?? "NULL"), sent \(expected[index])")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
}
