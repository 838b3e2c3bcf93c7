import SluiceCore
import SluiceExpressions
import Testing

@Suite struct ArithmeticTests {
    static let numbers = TestBatch.make([
        TestColumn("a", .int32, ["7", "-7", "0", nil]),
        TestColumn("b", .int32, ["2", "2", "-3", "1"]),
        TestColumn("s", .int16, ["32767", "-32768", "1", "2"]),
        TestColumn("big", .int64, ["9223372036854775806", "-9223372036854775807", "0", nil]),
        TestColumn("u", .uint64, ["18446744073709551615", "0", "1", nil]),
        TestColumn("p", .decimal(precision: 12, scale: 2), ["12.50", "-0.05", "0.00", nil]),
        TestColumn("q", .decimal(precision: 5, scale: 4), ["0.3333", "1.0000", "-2.5000", "0.0001"]),
        TestColumn("f", .float64, ["1.5", "-0.0", "2.5", nil]),
        TestColumn("g", .float32, ["0.5", "1", "-2", "3"]),
    ])

    @Test(arguments: [
        // Integers: truncating division, remainder with the dividend's sign (as PostgreSQL).
        ("a + b", ["9", "-5", "-3", "NULL"]),
        ("a - b", ["5", "-9", "3", "NULL"]),
        ("a * b", ["14", "-14", "0", "NULL"]),
        ("a / b", ["3", "-3", "0", "NULL"]),
        ("a % b", ["1", "-1", "0", "NULL"]),
        ("-a", ["-7", "7", "0", "NULL"]),
        ("big - a", ["9223372036854775799", "-9223372036854775800", "0", "NULL"]),
        ("big + 1", ["9223372036854775807", "-9223372036854775806", "1", "NULL"]),
        ("s + s", ["65534", "-65536", "2", "4"]),
        ("u + 1", ["18446744073709551616", "1", "2", "NULL"]),
        ("u * 2 - u", ["18446744073709551615", "0", "1", "NULL"]),
        ("10 / 4 + -10 / 4", ["0", "0", "0", "0"]),
        ("-10 % 4", ["-2", "-2", "-2", "-2"]),
        ("10 % -4", ["2", "2", "2", "2"]),
        // Decimals: exact, scale rules, rounding half away from zero where the scale is reduced.
        ("p + q", ["12.8333", "0.9500", "-2.5000", "NULL"]),
        ("p - q", ["12.1667", "-1.0500", "2.5000", "NULL"]),
        ("p * q", ["4.166250", "-0.050000", "0.000000", "NULL"]),
        ("p / q", ["37.50375038", "-0.05000000", "0.00000000", "NULL"]),
        ("p % q", ["0.1679", "-0.0500", "0.0000", "NULL"]),
        ("a + p", ["19.50", "-7.05", "0.00", "NULL"]),
        ("p * 2", ["25.00", "-0.10", "0.00", "NULL"]),
        ("a / 2.0", ["3.500000", "-3.500000", "0.000000", "NULL"]),
        ("-p", ["-12.50", "0.05", "0.00", "NULL"]),
        ("q / 3", ["0.111100", "0.333333", "-0.833333", "0.000033"]),
        ("q / -3", ["-0.111100", "-0.333333", "0.833333", "-0.000033"]),
        // Floats.
        ("f * 2", ["3.0", "-0.0", "5.0", "NULL"]),
        ("f / 2 + a", ["7.75", "-7.0", "1.25", "NULL"]),
        ("g + 1", ["1.5", "2.0", "-1.0", "4.0"]),
        ("-f", ["-1.5", "0.0", "-2.5", "NULL"]),
        // A typed NULL stays NULL through the implicit widenings.
        ("CAST(NULL AS int16) + big", ["NULL", "NULL", "NULL", "NULL"]),
        ("p + CAST(NULL AS int32)", ["NULL", "NULL", "NULL", "NULL"]),
        ("COALESCE(CAST(NULL AS int32), a, big)", ["7", "-7", "0", "NULL"]),
    ])
    func computes(text: String, expected: [String]) throws {
        #expect(try evaluate(text, on: Self.numbers) == expected, "\(text)")
    }

    @Test(arguments: [
        ("2 / 3.0", "0.666667"), ("-2 / 3.0", "-0.666667"), ("1 / 3.0", "0.333333"), ("0.5 * 0.5", "0.25"),
        ("1.005 * 1", "1.005"), ("12.50 + 0.5", "13.00"),
        ("99999999999999999999999999999999999999 + 0", "99999999999999999999999999999999999999"),
        ("99999999999999999999999999999999999999 - 99999999999999999999999999999999999999", "0"),
        ("0.00000000000000000000000000000000000001 * 1", "0.00000000000000000000000000000000000001"),
        // Scale 38 results: rounding at the last digit, half away from zero.
        ("0.00000000000000000000000000000000000002 / 3", "0.00000000000000000000000000000000000001"),
        ("0.00000000000000000000000000000000000001 / 3", "0.00000000000000000000000000000000000000"),
        ("-0.00000000000000000000000000000000000002 / 3", "-0.00000000000000000000000000000000000001"),
        ("0.99999999999999999999999999999999999999 / 1", "0.99999999999999999999999999999999999999"),
        ("CAST(0.12345678901234567890123456789012345675 AS decimal(38,37))", "0.1234567890123456789012345678901234568"),
        ("CAST(-0.12345678901234567890123456789012345675 AS decimal(38,37))", "-0.1234567890123456789012345678901234568"),
        ("CAST(-0.12345678901234567890123456789012345674 AS decimal(38,37))", "-0.1234567890123456789012345678901234567"),
        // Division of the widest values needs 256 bits on the way.
        ("99999999999999999999999999999999999999 / 9999999999999999999999999999999999999.9", "10.000000"),
        ("99999999999999999999999999999.999999999 / 0.000000001", "ERROR"),
        ("-2147483648 / -1", "ERROR"),
        ("CAST(-2147483648 AS int64) / -1", "2147483648"),
        ("-9223372036854775808 % -1", "0"),
        ("-2147483648", "-2147483648"),
    ])
    func computesLiterals(text: String, expected: String) throws {
        if expected == "ERROR" {
            #expect(failure(text, on: oneRow)?.code == .expressionOverflow, "\(text)")
        } else {
            #expect(try value(text) == expected, "\(text)")
        }
    }

    static let edges = TestBatch.make([
        TestColumn("i", .int32, ["1", "-7", "2147483647", nil]),
        TestColumn("z", .int32, ["0", "0", "0", "0"]),
        TestColumn("n", .int64, ["10", "9223372036854775807", "-9223372036854775808", nil]),
        TestColumn("big", .decimal(precision: 38, scale: 0),
                   ["1", "99999999999999999999999999999999999999", "-99999999999999999999999999999999999999", nil]),
        TestColumn("p", .decimal(precision: 12, scale: 2), ["12.50", "1.00", "0.00", nil]),
        TestColumn("f", .float64, ["1e308", "1", "0", nil]),
    ])

    @Test(arguments: [
        ("i + 1", SluiceError.Code.expressionOverflow, "integer overflow in 'i + 1': 2147483647 + 1 does not fit int32", 2),
        ("i * 2", .expressionOverflow, "integer overflow in 'i * 2': 2147483647 * 2 does not fit int32", 2),
        ("n * 2", .expressionOverflow, "integer overflow in 'n * 2': 9223372036854775807 * 2 does not fit int64", 1),
        ("n - 1", .expressionOverflow, "integer overflow in 'n - 1': -9223372036854775808 - 1 does not fit int64", 2),
        ("-n", .expressionOverflow, "integer overflow in '-n': -(-9223372036854775808) does not fit int64", 2),
        ("n / -1", .expressionOverflow, "integer overflow in 'n / -1': -9223372036854775808 / -1 does not fit int64", 2),
        ("i / z", .expressionDivisionByZero, "division by zero in 'i / z': 1 / 0", 0),
        ("i % z", .expressionDivisionByZero, "division by zero in 'i % z': 1 % 0", 0),
        ("p / z", .expressionDivisionByZero, "division by zero in 'p / z': 12.50 / 0", 0),
        ("p % 0.0", .expressionDivisionByZero, "division by zero in 'p % 0.0': 12.50 % 0.0", 0),
        ("f / z", .expressionDivisionByZero, "division by zero in 'f / z': 1e+308 / 0.0", 0),
        ("f * 10", .expressionOverflow, "float overflow in 'f * 10': 1e+308 * 10.0 does not fit float64", 0),
        ("big + 1", .expressionOverflow,
         "decimal overflow in 'big + 1': 99999999999999999999999999999999999999 + 1 does not fit decimal(38,0)", 1),
        ("big - 1", .expressionOverflow,
         "decimal overflow in 'big - 1': -99999999999999999999999999999999999999 - 1 does not fit decimal(38,0)", 2),
        ("big * p", .expressionOverflow,
         "decimal overflow in 'big * p': 99999999999999999999999999999999999999 * 1.00 does not fit decimal(38,2)", 1),
        ("big / 0.5", .expressionOverflow,
         "decimal overflow in 'big / 0.5': 99999999999999999999999999999999999999 / 0.5 does not fit decimal(38,6)", 1),
        ("COALESCE(i, 1 / z)", .expressionDivisionByZero, "division by zero in '1 / z': 1 / 0", 3),
    ])
    func failsNamingTheRowAndValues(text: String, code: SluiceError.Code, message: String, row: Int) {
        let error = failure(text, on: Self.edges, rowOffset: 1000)
        #expect(error?.code == code, "\(text)")
        #expect(error?.message == message)
        #expect(error?.context.row == 1000 + row)
    }

    @Test(arguments: [
        "CASE WHEN z <> 0 THEN i / z ELSE -1 END",
        "z <> 0 AND i / z > 1",
        "z = 0 OR i / z > 1",
        "COALESCE(n, 1 / z) > 0 OR TRUE",
        "CASE WHEN i IS NULL THEN 1 / z END",
        "CASE WHEN FALSE THEN 1 / 0 END",
    ])
    func evaluatesOnlyWhatIsNeeded(text: String) {
        // Row 3 (i NULL) is the only one the fourth expression's COALESCE computes 1 / z for; every row's
        // COALESCE(n, ...) with n NULL at row 3 would divide by zero, so that one is expected to fail.
        let error = failure(text, on: Self.edges)
        if text.hasPrefix("COALESCE") || text.hasPrefix("CASE WHEN i IS NULL") {
            #expect(error?.code == .expressionDivisionByZero)
            #expect(error?.context.row == 3)
        } else {
            #expect(error == nil, "\(text): \(String(describing: error))")
        }
    }
}
