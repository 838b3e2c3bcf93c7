import SluiceCore
import SluiceExpressions
import Testing

@Suite("Source types into declared types") struct ColumnCastTests {
    static func column(_ type: DataType, _ values: [Value]) -> Column {
        var builder = ColumnBuilder(type: type, capacity: values.count)
        for value in values { builder.append(value) }
        return builder.finish()
    }

    static func texts(_ column: Column, _ type: DataType) -> [String?] {
        (0..<column.count).map { Value(of: column, type: type, at: $0).text(as: type) }
    }

    @Test("widening keeps NULLs NULL and values exact")
    func wideningKeepsNulls() throws {
        let input = Self.column(.int16, [.int(-32_768), .null, .int(0), .null, .int(32_767)])
        let wide = try ColumnCast.cast(input, from: .int16, to: .int64)
        #expect(Self.texts(wide, .int64) == ["-32768", nil, "0", nil, "32767"])
        let decimal = try ColumnCast.cast(Self.column(.decimal(precision: 10, scale: 2), [.decimal(-12345, scale: 2), .null]),
                                          from: .decimal(precision: 10, scale: 2), to: .decimal(precision: 38, scale: 9))
        #expect(Self.texts(decimal, .decimal(precision: 38, scale: 9)) == ["-123.450000000", nil])
        let midnight = try ColumnCast.cast(Self.column(.date, [.int(-1), .null]), from: .date, to: .timestampTZ)
        #expect(Self.texts(midnight, .timestampTZ) == ["1969-12-31 00:00:00.000000Z", nil])
    }

    @Test("narrowing checks each value and names the row")
    func narrowingChecks() throws {
        let input = Self.column(.int64, [.int(1), .null, .int(40_000)])
        let error = try #require(throws: SluiceError.self) { try ColumnCast.cast(input, from: .int64, to: .int16) }
        #expect(error.code == .invalidValue)
        #expect(error.context.row == 2)
    }

    @Test("lossy pairs are refused before reading", arguments: [
        (DataType.float64, DataType.int64), (.decimal(precision: 12, scale: 4), .decimal(precision: 12, scale: 2)),
        (.string, .int32), (.binary, .string), (.timestamp, .date), (.float64, .float32),
    ])
    func lossyRefused(pair: (DataType, DataType)) {
        #expect(!ColumnCast.canLoad(from: pair.0, into: pair.1))
    }

    @Test("partition folder texts parse as the declared type; a bad one is named")
    func partitionTexts() throws {
        let dates = try ColumnCast.parse(["2026-11-01", nil], as: .date)
        #expect(Self.texts(dates, .date) == ["2026-11-01", nil])
        let error = try #require(throws: SluiceError.self) { try ColumnCast.parse(["12", "x1"], as: .int32) }
        #expect(error.message.contains("'x1'"))
    }
}
