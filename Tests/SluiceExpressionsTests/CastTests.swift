import SluiceCore
import SluiceExpressions
import Testing

@Suite struct CastTests {
    @Test(arguments: [
        // Integers: range-checked; decimals and floats round (decimals half away from zero, floats half to even).
        ("CAST(127 AS int8)", "127"), ("CAST(-32768 AS int16)", "-32768"), ("CAST(4294967295 AS uint32)", "4294967295"),
        ("CAST('18446744073709551615' AS uint64)", "18446744073709551615"), ("CAST(2.5 AS int32)", "3"), ("CAST(-2.5 AS int32)", "-3"),
        ("CAST(2.4999 AS int64)", "2"), ("CAST(2.5e0 AS int32)", "2"), ("CAST(3.5e0 AS int32)", "4"), ("CAST(-0.5e0 AS int32)", "0"),
        ("CAST(TRUE AS int32)", "1"), ("CAST(' 42 ' AS int32)", "42"), ("CAST('-9223372036854775808' AS int64)", "-9223372036854775808"),
        ("CAST(7 AS boolean)", "true"), ("CAST(0 AS boolean)", "false"),
        // Decimals: rescaled with rounding half away from zero, within the precision.
        ("CAST(12.345 AS decimal(5,2))", "12.35"), ("CAST(-12.345 AS decimal(5,2))", "-12.35"), ("CAST(12.344 AS decimal(5,2))", "12.34"),
        ("CAST(12 AS decimal(4,2))", "12.00"), ("CAST('1.005' AS decimal(5,2))", "1.01"), ("CAST('  -0.5e1 ' AS decimal(3,1))", "-5.0"),
        ("CAST('123.456e-2' AS decimal(6,4))", "1.2346"), ("CAST(0.1e0 AS decimal(10,2))", "0.10"), ("CAST(1e-7 AS decimal(10,6))", "0.000000"),
        ("CAST(-1.5e-6 AS decimal(10,5))", "0.00000"), ("CAST(-1.5e-5 AS decimal(10,5))", "-0.00002"), ("CAST(2.675e0 AS decimal(4,2))", "2.68"),
        ("CAST(18446744073709551615 AS decimal(20,0))", "18446744073709551615"),
        // Floats.
        ("CAST(0.1 AS float64)", "0.1"), ("CAST(12.50 AS float32)", "12.5"), ("CAST('NaN' AS float64)", "NaN"), ("CAST('-inf' AS float64)", "-inf"),
        ("CAST(99999999999999999999999999999999999999 AS float64)", "1e+38"), ("CAST(1 AS float64) / 3", "0.3333333333333333"),
        // Text out: PostgreSQL's forms in a UTC session.
        ("CAST(12.50 AS string)", "12.50"), ("CAST(-7 AS string)", "-7"), ("CAST(TRUE AS string)", "true"), ("CAST(1.5e0 AS string)", "1.5"),
        ("CAST(100e0 AS string)", "100"), ("CAST(1e20 AS string)", "1e+20"), ("CAST('inf' AS float64)::string", "Infinity"),
        ("CAST(DATE '2024-01-02' AS string)", "2024-01-02"), ("CAST(DATE '-0044-03-15' AS string)", "-0044-03-15"),
        ("CAST(TIMESTAMP '2024-01-02 03:04:05.120' AS string)", "2024-01-02 03:04:05.12"),
        ("CAST(TIMESTAMP '2024-01-02 03:04:05' AS string)", "2024-01-02 03:04:05"),
        ("CAST(TIMESTAMPTZ '2024-01-02 03:04:05+02' AS string)", "2024-01-02 01:04:05+00"),
        ("CAST(CAST('10:30:00.5' AS time) AS string)", "10:30:00.5"),
        ("CAST(CAST('ab' AS binary) AS string)", "\\x6162"),
        ("CAST(CAST('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' AS uuid) AS string)", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        // Text in.
        ("CAST('yes' AS boolean)", "true"), ("CAST(' Off ' AS boolean)", "false"), ("CAST('t' AS boolean)", "true"),
        ("CAST('2024-02-29' AS date)", "2024-02-29"), ("CAST('2024-01-02T03:04:05.5' AS timestamp)", "2024-01-02 03:04:05.500000"),
        ("CAST('2024-01-02 03:04:05+01:30' AS timestamptz)", "2024-01-02 01:34:05Z"), ("CAST('2024-01-02' AS timestamptz)", "2024-01-02 00:00:00Z"),
        ("CAST('{\"a\": 1}' AS json)", "{\"a\": 1}"),
        // Dates and timestamps.
        ("CAST(DATE '1969-12-31' AS timestamp)", "1969-12-31 00:00:00"), ("CAST(TIMESTAMP '1969-12-31 23:59:59.9' AS date)", "1969-12-31"),
        ("CAST(TIMESTAMP '1900-06-01 12:00:00' AS timestamptz)", "1900-06-01 12:00:00Z"),
        ("CAST(TIMESTAMP '1969-12-31 23:59:59.9' AS time)", "23:59:59.900000"),
        ("CAST(NULL AS int32) + 1", "NULL"),
    ])
    func converts(text: String, expected: String) throws {
        #expect(try value(text) == expected, "\(text)")
    }

    static let inputs = TestBatch.make([
        TestColumn("s", .string, ["12", "12x", "", nil, "300"]),
        TestColumn("n", .int64, ["1", "2", "3", "2147483648", "-1"]),
        TestColumn("p", .decimal(precision: 10, scale: 3), ["1.500", "-2.500", "99999.999", "0.001", nil]),
        TestColumn("f", .float64, ["1.5", "nan", "inf", "1e300", nil]),
        TestColumn("d", .date, ["2024-01-01", nil, "-5000000-01-01", "1970-01-01", "1970-01-01"]),
    ])

    @Test(arguments: [
        ("CAST(s AS int32)", "cannot cast to int32 in 'CAST(s AS int32)': '12x' is not a valid int32", 1),
        ("CAST(n AS int32)", "cannot cast to int32 in 'CAST(n AS int32)': 2147483648 is out of range for int32", 3),
        ("CAST(n AS uint8)", "cannot cast to uint8 in 'CAST(n AS uint8)': 2147483648 is out of range for uint8", 3),
        ("CAST(n - 2 AS uint16)", "cannot cast to uint16 in 'CAST(n - 2 AS uint16)': -1 is out of range for uint16", 0),
        ("CAST(p AS decimal(5,1))", "cannot cast to decimal(5,1) in 'CAST(p AS decimal(5,1))': 99999.999 is out of range for decimal(5,1)", 2),
        ("CAST(p * 100000 AS int32)", "cannot cast to int32 in 'CAST(p * 100000 AS int32)': 9999999900.000 is out of range for int32", 2),
        ("CAST(f AS int64)", "cannot cast to int64 in 'CAST(f AS int64)': NaN is out of range for int64", 1),
        ("CAST(f AS decimal(10,2))", "cannot cast to decimal(10,2) in 'CAST(f AS decimal(10,2))': NaN is out of range for decimal(10,2)", 1),
        ("CAST(f AS float32)", "cannot cast to float32 in 'CAST(f AS float32)': 1e+300 is out of range for float32", 3),
        ("CAST(d AS timestamp)", "cannot cast to timestamp in 'CAST(d AS timestamp)': -5000000-01-01 is out of range for timestamp", 2),
        ("CAST(s AS uint8)", "cannot cast to uint8 in 'CAST(s AS uint8)': '12x' is not a valid uint8", 1),
        ("CAST(s || '-01-01' AS date)", "cannot cast to date in 'CAST(s || '-01-01' AS date)': '12-01-01' is not a valid date", 0),
        ("CAST(CAST(s AS string) AS boolean)", "cannot cast to boolean in 'CAST(CAST(s AS string) AS boolean)': '12' is not a valid boolean", 0),
    ])
    func failsOnValuesThatDoNotConvert(text: String, message: String, row: Int) {
        let error = failure(text, on: Self.inputs, rowOffset: 10)
        #expect(error?.code == .expressionInvalidValue, "\(text)")
        #expect(error?.message == message)
        #expect(error?.context.row == 10 + row)
    }

    @Test func rejectsTimestampsWithAZone() {
        let error = failure("CAST(s AS timestamp)", on: TestBatch.make([TestColumn("s", .string, ["2024-01-01 10:00:00+02"])]))
        #expect(error?.message == "cannot cast to timestamp in 'CAST(s AS timestamp)': '2024-01-01 10:00:00+02' is not a valid timestamp "
            + "(it has a time zone; cast to timestamptz)")
    }

    @Test func castsOnlyTheRowsItNeeds() throws {
        #expect(try evaluate("CASE WHEN s = '12' THEN CAST(s AS int32) END", on: Self.inputs) == ["12", "NULL", "NULL", "NULL", "NULL"])
        #expect(try evaluate("COALESCE(CAST(NULLIF(s, '12x') AS int16), -1)", on: TestBatch.make([TestColumn("s", .string, ["12x", "7"])]))
            == ["-1", "7"])
    }
}
