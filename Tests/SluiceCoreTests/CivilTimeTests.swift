import SluiceCore
import Testing

@Suite struct CivilTimeTests {
    // Expected day numbers come from the Fliegel-Van Flandern Julian Day formula (JDN - 2440588),
    // an independent algorithm.
    @Test(arguments: [
        ("1970-01-01", Int64(0)), ("1969-12-31", -1), ("2000-02-29", 11_016), ("1900-01-01", -25_567),
        ("0001-01-01", -719_162), ("-0044-03-15", -735_525), ("9999-12-31", 2_932_896), ("+294276-12-31", 106_762_939),
    ])
    func datesRoundTrip(text: String, days: Int64) {
        #expect(CivilTime.parseDate(text) == days)
        #expect(CivilTime.formatDate(days: days) == text)
    }

    @Test func everyDayOfFourCenturiesRoundTrips() {
        var previous: (Int64, Int, Int)?
        for days in Int64(-146_097)...Int64(146_097) {
            let (y, m, d) = CivilTime.civil(days: days)
            #expect(CivilTime.days(year: y, month: m, day: d) == days)
            if let (py, pm, pd) = previous {
                // Consecutive days: next day, or first of next month/year.
                #expect((y == py && m == pm && d == pd + 1) || (d == 1 && (m == pm + 1 || (m == 1 && y == py + 1))))
            }
            previous = (y, m, d)
        }
    }

    @Test func rejectsImpossibleDates() {
        for text in ["2023-02-29", "2023-13-01", "2023-00-10", "2023-1-01", "abcd-01-01", "1900-02-29", ""] {
            #expect(CivilTime.parseDate(text) == nil, "\(text)")
        }
        #expect(CivilTime.parseDate("2000-02-29") != nil)
    }

    @Test func timestampsWithZonesAndFractions() throws {
        #expect(CivilTime.parseTimestamp("1970-01-01 00:00:00")?.microseconds == 0)
        #expect(CivilTime.parseTimestamp("1969-12-31 23:59:59.999999")?.microseconds == -1)
        #expect(CivilTime.parseTimestamp("2024-03-10T12:00:00Z")?.hasZone == true)
        #expect(CivilTime.parseTimestamp("2024-03-10 14:30:00+02:30")?.microseconds
            == CivilTime.parseTimestamp("2024-03-10 12:00:00")?.microseconds)
        #expect(CivilTime.parseTimestamp("2024-03-10 12:00:00.5")?.microseconds
            == CivilTime.parseTimestamp("2024-03-10 12:00:00")!.microseconds + 500_000)
        #expect(CivilTime.parseTimestamp("2024-03-10 25:00:00") == nil)
        #expect(CivilTime.parseTimestamp("2024-03-10 12:00:00.1234567") == nil)
        #expect(CivilTime.formatTimestamp(microseconds: -1) == "1969-12-31 23:59:59.999999")
        #expect(CivilTime.formatTimestamp(microseconds: 1_700_000_000_123_456) == "2023-11-14 22:13:20.123456")
    }
}

@Suite struct DecimalTextTests {
    @Test(arguments: [
        ("0", 0, Int128(0), "0"), ("-12.30", 2, -1230, "-12.30"), ("0.05", 2, 5, "0.05"), ("7", 0, 7, "7"),
        ("-0.000001", 6, -1, "-0.000001"), ("1.5e2", 1, 1500, "150.0"),
        ("99999999999999999999999999999999999999", 0, Int128("99999999999999999999999999999999999999")!,
         "99999999999999999999999999999999999999"),
    ])
    func parsesAndFormats(text: String, scale: Int, unscaled: Int128, formatted: String) {
        #expect(DecimalText.parse(text, precision: 38, scale: scale) == unscaled)
        #expect(DecimalText.format(unscaled: unscaled, scale: scale) == formatted)
    }

    @Test func rejectsWhatDoesNotFit() {
        #expect(DecimalText.parse("1.234", precision: 10, scale: 2) == nil)
        #expect(DecimalText.parse("1.230", precision: 10, scale: 2) == 123)
        #expect(DecimalText.parse("123456", precision: 5, scale: 0) == nil)
        #expect(DecimalText.parse("12.3.4", precision: 10, scale: 2) == nil)
        #expect(DecimalText.parse("", precision: 10, scale: 2) == nil)
        #expect(DecimalText.parse("NaN", precision: 10, scale: 2) == nil)
    }
}

@Suite struct ColumnBuilderTests {
    @Test func buildsDenseColumnsWithValidity() throws {
        var ints = ColumnBuilder(type: .int64)
        ints.append(Int64(5)); ints.appendNull(); ints.append(Int64(-7))
        var text = ColumnBuilder(type: .string)
        text.append(string: "zoë"); text.append(string: ""); text.appendNull()
        let schema = Schema([Field(name: "id", type: .int64), Field(name: "name", type: .string)])
        let batch = try RecordBatch(schema: schema, columns: [ints.finish(), text.finish()])
        #expect(batch.rowCount == 3)
        #expect(batch.value(row: 1, column: 0) == .null)
        #expect(batch.value(row: 0, column: 1) == .string("zoë"))
        #expect(batch.value(row: 1, column: 1) == .string(""))
        #expect(batch.value(row: 2, column: 1) == .null)
        #expect(batch.columns[0].values == .int64([5, 0, -7]))
    }

    @Test func rejectsMismatchedBatches() {
        var a = ColumnBuilder(type: .int32); a.append(Int32(1))
        var b = ColumnBuilder(type: .int32)
        let schema = Schema([Field(name: "a", type: .int32), Field(name: "b", type: .int32)])
        #expect(throws: SluiceError.self) { try RecordBatch(schema: schema, columns: [a.finish(), b.finish()]) }
        var c = ColumnBuilder(type: .int32); c.appendNull()
        let strict = Schema([Field(name: "c", type: .int32, nullable: false)])
        #expect(throws: SluiceError.self) { try RecordBatch(schema: strict, columns: [c.finish()]) }
    }

    @Test func dataTypeNamesRoundTrip() {
        let all: [DataType] = [.boolean, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32,
                               .float64, .decimal(precision: 38, scale: 10), .string, .json, .binary, .uuid, .date, .time,
                               .timestamp, .timestampTZ]
        for type in all { #expect(DataType(parsing: type.description) == type) }
        #expect(DataType(parsing: "numeric(12, 2)") == .decimal(precision: 12, scale: 2))
        #expect(DataType(parsing: "decimal(39,2)") == nil)
        #expect(DataType(parsing: "decimal(5,6)") == nil)
        #expect(DataType(parsing: "varchar2") == nil)
    }
}
