import SluiceCore
import SluiceExpressions
import Testing

@Suite struct TimeFunctionTests {
    // Expected values computed with Python's datetime (a 400-year cycle later for the BC row: the proleptic
    // Gregorian calendar repeats every 146,097 days, a whole number of weeks).
    static let times = TestBatch.make([
        TestColumn("ts", .timestamp, ["2024-01-01 00:00:00", "2023-12-31 23:59:59.999999", "1969-12-31 23:59:59.5",
                                      "1900-02-28 13:45:30.25", "-0001-03-01 00:00:00", nil]),
        TestColumn("tz", .timestampTZ, ["2024-01-01 00:00:00Z", "2023-12-31 23:59:59.999999Z", "1969-12-31 23:59:59.5Z",
                                        "1900-02-28 13:45:30.25Z", "-0001-03-01 00:00:00Z", nil]),
        TestColumn("d", .date, ["2024-01-01", "2023-12-31", "1969-12-31", "1900-02-28", "-0001-03-01", nil]),
        TestColumn("t", .time, ["00:00:00", "23:59:59.999999", "12:30:00.5", "24:00:00", "01:02:03", nil]),
    ])

    @Test(arguments: [
        ("date_trunc('year', ts)", ["2024-01-01 00:00:00", "2023-01-01 00:00:00", "1969-01-01 00:00:00", "1900-01-01 00:00:00",
                                    "-0001-01-01 00:00:00", "NULL"]),
        ("date_trunc('quarter', ts)", ["2024-01-01 00:00:00", "2023-10-01 00:00:00", "1969-10-01 00:00:00", "1900-01-01 00:00:00",
                                       "-0001-01-01 00:00:00", "NULL"]),
        ("date_trunc('month', ts)", ["2024-01-01 00:00:00", "2023-12-01 00:00:00", "1969-12-01 00:00:00", "1900-02-01 00:00:00",
                                     "-0001-03-01 00:00:00", "NULL"]),
        ("date_trunc('week', ts)", ["2024-01-01 00:00:00", "2023-12-25 00:00:00", "1969-12-29 00:00:00", "1900-02-26 00:00:00",
                                    "-0001-03-01 00:00:00", "NULL"]),
        ("date_trunc('day', ts)", ["2024-01-01 00:00:00", "2023-12-31 00:00:00", "1969-12-31 00:00:00", "1900-02-28 00:00:00",
                                   "-0001-03-01 00:00:00", "NULL"]),
        ("date_trunc('hour', ts)", ["2024-01-01 00:00:00", "2023-12-31 23:00:00", "1969-12-31 23:00:00", "1900-02-28 13:00:00",
                                    "-0001-03-01 00:00:00", "NULL"]),
        ("date_trunc('minute', ts)", ["2024-01-01 00:00:00", "2023-12-31 23:59:00", "1969-12-31 23:59:00", "1900-02-28 13:45:00",
                                      "-0001-03-01 00:00:00", "NULL"]),
        ("date_trunc('SECOND', ts)", ["2024-01-01 00:00:00", "2023-12-31 23:59:59", "1969-12-31 23:59:59", "1900-02-28 13:45:30",
                                      "-0001-03-01 00:00:00", "NULL"]),
        ("date_trunc('month', tz)", ["2024-01-01 00:00:00Z", "2023-12-01 00:00:00Z", "1969-12-01 00:00:00Z", "1900-02-01 00:00:00Z",
                                     "-0001-03-01 00:00:00Z", "NULL"]),
        ("date_trunc('week', d)", ["2024-01-01 00:00:00", "2023-12-25 00:00:00", "1969-12-29 00:00:00", "1900-02-26 00:00:00",
                                   "-0001-03-01 00:00:00", "NULL"]),
        ("extract(year FROM ts)", ["2024", "2023", "1969", "1900", "-1", "NULL"]),
        ("extract(quarter FROM ts)", ["1", "4", "4", "1", "1", "NULL"]),
        ("extract(month FROM tz)", ["1", "12", "12", "2", "3", "NULL"]),
        ("extract(day FROM d)", ["1", "31", "31", "28", "1", "NULL"]),
        ("extract(hour FROM ts)", ["0", "23", "23", "13", "0", "NULL"]),
        ("extract(minute FROM ts)", ["0", "59", "59", "45", "0", "NULL"]),
        ("extract(second FROM ts)", ["0.000000", "59.999999", "59.500000", "30.250000", "0.000000", "NULL"]),
        ("extract(dow FROM ts)", ["1", "0", "3", "3", "1", "NULL"]),
        ("extract(dow FROM d)", ["1", "0", "3", "3", "1", "NULL"]),
        ("extract(doy FROM ts)", ["1", "365", "365", "59", "60", "NULL"]),
        ("extract(epoch FROM ts)", ["1704067200.000000", "1704067199.999999", "-0.500000", "-2203928069.750000",
                                    "-62193657600.000000", "NULL"]),
        ("extract(epoch FROM d)", ["1704067200.000000", "1703980800.000000", "-86400.000000", "-2203977600.000000",
                                   "-62193657600.000000", "NULL"]),
        ("extract(hour FROM t)", ["0", "23", "12", "24", "1", "NULL"]),
        ("extract(second FROM t)", ["0.000000", "59.999999", "0.500000", "0.000000", "3.000000", "NULL"]),
        ("extract(epoch FROM t)", ["0.000000", "86399.999999", "45000.500000", "86400.000000", "3723.000000", "NULL"]),
        ("extract(year FROM '2024-06-01 12:00')", ["2024", "2024", "2024", "2024", "2024", "2024"]),
        ("run_started_at()", ["2024-05-17 08:30:00Z", "2024-05-17 08:30:00Z", "2024-05-17 08:30:00Z", "2024-05-17 08:30:00Z",
                              "2024-05-17 08:30:00Z", "2024-05-17 08:30:00Z"]),
        ("ts < run_started_at()", ["true", "true", "true", "true", "true", "NULL"]),
        ("date_trunc('month', run_started_at())", ["2024-05-01 00:00:00Z", "2024-05-01 00:00:00Z", "2024-05-01 00:00:00Z",
                                                   "2024-05-01 00:00:00Z", "2024-05-01 00:00:00Z", "2024-05-01 00:00:00Z"]),
    ])
    func computesCalendarFields(text: String, expected: [String]) throws {
        let actual = try evaluate(text, on: Self.times)
        #expect(actual == expected, "\(text): \(actual)")
    }

    @Test(arguments: [
        ("to_date('2024-02-29')", "2024-02-29"), ("to_date(' 2024-01-02 ')", "2024-01-02"), ("to_date('-0044-03-15')", "-0044-03-15"),
        ("to_date('02.01.2024', 'DD.MM.YYYY')", "2024-01-02"), ("to_date('20240102', 'YYYYMMDD')", "2024-01-02"),
        ("to_date('2024', 'YYYY')", "2024-01-01"),
        ("to_timestamp('2024-01-02T03:04:05Z')", "2024-01-02 03:04:05Z"),
        ("to_timestamp('2024-01-02 03:04:05+02')", "2024-01-02 01:04:05Z"),
        ("to_timestamp('2024-01-02 03:04')", "2024-01-02 03:04:00Z"),
        ("to_timestamp('02/01/2024 13:45:30.123', 'DD/MM/YYYY HH24:MI:SS.MS')", "2024-01-02 13:45:30.123000Z"),
        ("to_timestamp('2024-01-02 03:04:05.000001', 'YYYY-MM-DD HH24:MI:SS.US')", "2024-01-02 03:04:05.000001Z"),
        ("to_timestamp('2024-01-02T03:04', 'YYYY-MM-DD\"T\"HH24:MI')", "2024-01-02 03:04:00Z"),
        ("to_timestamp(1700000000)", "2023-11-14 22:13:20Z"), ("to_timestamp(-0.5)", "1969-12-31 23:59:59.500000Z"),
        ("to_timestamp(1.0000005)", "1970-01-01 00:00:01.000001Z"), ("to_timestamp(NULL)", "NULL"),
    ])
    func readsDatesAndTimestamps(text: String, expected: String) throws {
        #expect(try value(text) == expected, "\(text)")
    }

    @Test(arguments: [
        ("to_date(s)", "invalid value in 'to_date(s)': '2024-13-01' is not a valid date (expected YYYY-MM-DD)", 1),
        ("to_date(s, 'YYYY-MM-DD')", "invalid value in 'to_date(s, 'YYYY-MM-DD')': '2024-13-01' is not a valid date (expected 'YYYY-MM-DD')", 1),
        ("to_timestamp(s)", "invalid value in 'to_timestamp(s)': '2024-13-01' is not a valid timestamp (expected an ISO 8601 timestamp)", 1),
        ("to_timestamp(s, 'YYYY-MM-DD HH24')", "invalid value in 'to_timestamp(s, 'YYYY-MM-DD HH24')': '2024-01-01' is not a valid timestamp "
            + "(expected 'YYYY-MM-DD HH24')", 0),
        ("to_timestamp(n)", "invalid value in 'to_timestamp(n)': 9223372036854775807 seconds is out of range for a timestamp", 2),
        ("date_trunc('day', d)", "invalid value in 'date_trunc('day', d)': date -5000000-01-01 is out of range for a timestamp", 2),
    ])
    func failsOnImpossibleValues(text: String, message: String, row: Int) {
        let batch = TestBatch.make([
            TestColumn("s", .string, ["2024-01-01", "2024-13-01", "2024-02-30", nil]),
            TestColumn("n", .int64, ["0", "1", "9223372036854775807", nil]),
            TestColumn("d", .date, ["2024-01-01", "1970-01-01", "-5000000-01-01", nil]),
        ])
        let error = failure(text, on: batch, rowOffset: 50)
        #expect(error?.code == .expressionInvalidValue, "\(text)")
        #expect(error?.message == message)
        #expect(error?.context.row == 50 + row)
    }
}

@Suite struct TimeLimitTests {
    @Test func textBeyondTheRepresentableRangeIsAnInvalidValueNotACrash() throws {
        let batch = TestBatch.make([TestColumn("s", .string, ["99999999999999999999-01-01", "300000-01-01", "9223372036854775807-01-01"])])
        for text in ["CAST(s AS date)", "CAST(s AS timestamp)", "to_date(s)", "to_timestamp(s)"] {
            let error = failure(text, on: batch)
            #expect(error?.code == .expressionInvalidValue, "\(text)")
            #expect(error?.context.row == 0, "\(text)")
        }
        #expect(try evaluate("CAST(substring(s, 1, 12) AS date)", on: TestBatch.make([TestColumn("s", .string, ["300000-01-01"])]))
            == ["+300000-01-01"])
        #expect(failure("CAST(s AS timestamp)", on: TestBatch.make([TestColumn("s", .string, ["300000-01-01"])]))?.message
            == "cannot cast to timestamp in 'CAST(s AS timestamp)': '300000-01-01' is not a valid timestamp")
        #expect(failure("DATE '99999999999-01-01' IS NULL", on: oneRow)?.code == .expressionSyntax)
    }

    @Test func truncatingTheEarliestTimestampFails() throws {
        let schema = Schema([Field(name: "ts", type: .timestamp)])
        let batch = try RecordBatch(schema: schema, columns: [Column(values: .int64([0, Int64.min]))])
        let expression = try CompiledExpression.compile("date_trunc('year', ts)", schema: schema)
        do {
            _ = try expression.evaluate(batch, context: EvaluationContext(runStartedAt: 0))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .expressionInvalidValue)
            #expect(error.context.row == 1)
            #expect(error.message.hasSuffix("starts before the earliest timestamp"))
        }
        let seconds = try CompiledExpression.compile("date_trunc('second', ts)", schema: schema)
        #expect(throws: SluiceError.self) { try seconds.evaluate(batch, context: EvaluationContext(runStartedAt: 0)) }
    }
}
