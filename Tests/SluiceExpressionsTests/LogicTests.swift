import SluiceCore
import SluiceExpressions
import Testing

@Suite struct LogicTests {
    /// Every pair of TRUE, FALSE and NULL, for three-valued logic.
    static let truth = TestBatch.make([
        TestColumn("x", .boolean, ["true", "true", "true", "false", "false", "false", nil, nil, nil]),
        TestColumn("y", .boolean, ["true", "false", nil, "true", "false", nil, "true", "false", nil]),
    ])

    @Test(arguments: [
        ("x AND y", ["true", "false", "NULL", "false", "false", "false", "NULL", "false", "NULL"]),
        ("x OR y", ["true", "true", "true", "true", "false", "NULL", "true", "NULL", "NULL"]),
        ("NOT x", ["false", "false", "false", "true", "true", "true", "NULL", "NULL", "NULL"]),
        ("x IS NULL", ["false", "false", "false", "false", "false", "false", "true", "true", "true"]),
        ("y IS NOT NULL", ["true", "true", "false", "true", "true", "false", "true", "true", "false"]),
        ("x = y", ["true", "false", "NULL", "false", "true", "NULL", "NULL", "NULL", "NULL"]),
        ("x < y", ["false", "false", "NULL", "true", "false", "NULL", "NULL", "NULL", "NULL"]),
        ("NOT (x AND y) = (NOT x OR NOT y)", ["true", "true", "NULL", "true", "true", "true", "NULL", "true", "NULL"]),
        ("x AND NULL", ["NULL", "NULL", "NULL", "false", "false", "false", "NULL", "NULL", "NULL"]),
        ("x OR TRUE", ["true", "true", "true", "true", "true", "true", "true", "true", "true"]),
        ("x IN (TRUE, NULL)", ["true", "true", "true", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"]),
    ])
    func followsThreeValuedLogic(text: String, expected: [String]) throws {
        #expect(try evaluate(text, on: Self.truth) == expected, "\(text)")
    }

    static let values = TestBatch.make([
        TestColumn("i", .int32, ["1", "5", "-3", nil]),
        TestColumn("n", .int64, ["1", "3000000000", "-3", "7"]),
        TestColumn("p", .decimal(precision: 6, scale: 2), ["1.00", "4.99", "-3.50", nil]),
        TestColumn("f", .float64, ["1", "nan", "-0.0", "inf"]),
        TestColumn("s", .string, ["apple", "Äpfel", "", nil]),
        TestColumn("d", .date, ["2024-01-01", "1969-12-31", "0001-01-01", nil]),
        TestColumn("ts", .timestamp, ["2024-01-01 00:00:00", "2024-01-01 00:00:00.000001", "1969-12-31 23:59:59", nil]),
        TestColumn("u", .uuid, ["00000000-0000-0000-0000-000000000001", "ffffffff-ffff-ffff-ffff-ffffffffffff", nil,
                                "00000000-0000-0000-0000-000000000001"]),
        TestColumn("big", .uint64, ["18446744073709551615", "1", "0", nil]),
    ])

    @Test(arguments: [
        ("i = n", ["true", "false", "true", "NULL"]),
        ("i < 3000000000", ["true", "true", "true", "NULL"]),
        ("p = i", ["true", "false", "false", "NULL"]),
        ("p < 5", ["true", "true", "true", "NULL"]),
        ("p >= 4.990", ["false", "true", "false", "NULL"]),
        ("p > -3.5000000000000000000000000000000001", ["true", "true", "true", "NULL"]),
        ("i <> 1", ["false", "true", "true", "NULL"]),
        ("i != 1", ["false", "true", "true", "NULL"]),
        // Floats order as in PostgreSQL: NaN equals NaN and is above everything; -0 equals 0.
        ("f = f", ["true", "true", "true", "true"]),
        ("f > 1e308", ["false", "true", "false", "true"]),
        ("f = 0", ["false", "false", "true", "false"]),
        ("f < i", ["false", "false", "false", "NULL"]),
        // Strings compare byte by byte (UTF-8 order, PostgreSQL's "C" collation).
        ("s < 'b'", ["true", "false", "true", "NULL"]),
        ("s > 'Z'", ["true", "true", "false", "NULL"]),
        ("s = ''", ["false", "false", "true", "NULL"]),
        ("s >= 'apple'", ["true", "true", "false", "NULL"]),
        // Dates and timestamps, with string literals read as the column's type.
        ("d < '2000-01-01'", ["false", "true", "true", "NULL"]),
        ("ts > d", ["false", "true", "true", "NULL"]),
        ("ts >= DATE '2024-01-01'", ["true", "true", "false", "NULL"]),
        ("d = TIMESTAMP '2024-01-01 00:00:00'", ["true", "false", "false", "NULL"]),
        ("u = '00000000-0000-0000-0000-000000000001'", ["true", "false", "NULL", "true"]),
        ("u > '00000000-0000-0000-0000-000000000001'", ["false", "true", "NULL", "false"]),
        ("big > 1", ["true", "false", "false", "NULL"]),
        ("big = 18446744073709551615", ["true", "false", "false", "NULL"]),
        ("big > i", ["true", "false", "true", "NULL"]),
    ])
    func compares(text: String, expected: [String]) throws {
        #expect(try evaluate(text, on: Self.values) == expected, "\(text)")
    }

    @Test(arguments: [
        ("i IN (1, 2, 5)", ["true", "true", "false", "NULL"]),
        ("i NOT IN (1, 2, 5)", ["false", "false", "true", "NULL"]),
        ("i IN (1, NULL)", ["true", "NULL", "NULL", "NULL"]),
        ("i NOT IN (1, NULL)", ["false", "NULL", "NULL", "NULL"]),
        ("i IN (1, 3000000000)", ["true", "false", "false", "NULL"]),
        ("i IN (n, 5)", ["true", "true", "true", "NULL"]),
        ("p IN (1, 4.99, 4.995)", ["true", "true", "false", "NULL"]),
        ("s IN ('apple', '', 'pear')", ["true", "false", "true", "NULL"]),
        ("d IN ('2024-01-01', DATE '0001-01-01')", ["true", "false", "true", "NULL"]),
        ("n IN (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 3000000000)", ["true", "true", "false", "true"]),
        ("f IN (1, 'NaN')", ["true", "true", "false", "false"]),
        ("i BETWEEN -3 AND 1", ["true", "false", "true", "NULL"]),
        ("i NOT BETWEEN -3 AND 1", ["false", "true", "false", "NULL"]),
        ("p BETWEEN 1 AND NULL", ["NULL", "NULL", "false", "NULL"]),
        ("s BETWEEN 'a' AND 'b'", ["true", "false", "false", "NULL"]),
    ])
    func testsMembershipAndRanges(text: String, expected: [String]) throws {
        #expect(try evaluate(text, on: Self.values) == expected, "\(text)")
    }

    static let patterns = TestBatch.make([
        TestColumn("s", .string, ["abc", "a%c", "a_c", "ab\\c", "", "Äbc", "aXbXc", "xabc", nil]),
    ])

    @Test(arguments: [
        ("s LIKE 'abc'", ["true", "false", "false", "false", "false", "false", "false", "false", "NULL"]),
        ("s LIKE 'a%'", ["true", "true", "true", "true", "false", "false", "true", "false", "NULL"]),
        ("s LIKE '%c'", ["true", "true", "true", "true", "false", "true", "true", "true", "NULL"]),
        ("s LIKE '%b%'", ["true", "false", "false", "true", "false", "true", "true", "true", "NULL"]),
        ("s LIKE 'a_c'", ["true", "true", "true", "false", "false", "false", "false", "false", "NULL"]),
        ("s LIKE '_bc'", ["true", "false", "false", "false", "false", "true", "false", "false", "NULL"]),
        ("s LIKE 'a\\%c'", ["false", "true", "false", "false", "false", "false", "false", "false", "NULL"]),
        ("s LIKE 'a\\_c'", ["false", "false", "true", "false", "false", "false", "false", "false", "NULL"]),
        ("s LIKE 'ab\\\\c'", ["false", "false", "false", "true", "false", "false", "false", "false", "NULL"]),
        ("s LIKE '%'", ["true", "true", "true", "true", "true", "true", "true", "true", "NULL"]),
        ("s LIKE ''", ["false", "false", "false", "false", "true", "false", "false", "false", "NULL"]),
        ("s LIKE 'a%X%c'", ["false", "false", "false", "false", "false", "false", "true", "false", "NULL"]),
        ("s LIKE '%a_c'", ["true", "true", "true", "false", "false", "false", "false", "true", "NULL"]),
        ("s LIKE '_%_'", ["true", "true", "true", "true", "false", "true", "true", "true", "NULL"]),
        ("s NOT LIKE 'a%'", ["false", "false", "false", "false", "true", "true", "false", "true", "NULL"]),
        ("s LIKE 'ab%' OR s LIKE 'abc%'", ["true", "false", "false", "true", "false", "false", "false", "false", "NULL"]),
    ])
    func matchesPatterns(text: String, expected: [String]) throws {
        #expect(try evaluate(text, on: Self.patterns) == expected, "\(text)")
    }

    @Test(arguments: [
        ("CASE WHEN i > 2 THEN 'big' WHEN i > 0 THEN 'small' ELSE 'other' END", ["small", "big", "other", "other"]),
        ("CASE WHEN i > 2 THEN 'big' END", ["NULL", "big", "NULL", "NULL"]),
        ("CASE i WHEN 1 THEN 'one' WHEN 5 THEN 'five' ELSE 'many' END", ["one", "five", "many", "many"]),
        ("CASE i WHEN NULL THEN 'null' ELSE 'not' END", ["not", "not", "not", "not"]),
        ("CASE WHEN i > 0 THEN p ELSE 0 END", ["1.00", "4.99", "0.00", "0.00"]),
        ("CASE WHEN i > 0 THEN i ELSE n END", ["1", "5", "-3", "7"]),
        ("CASE WHEN TRUE THEN d ELSE '1999-01-01' END", ["2024-01-01", "1969-12-31", "0001-01-01", "NULL"]),
        ("CASE WHEN i IS NULL THEN ts ELSE d END", ["2024-01-01 00:00:00", "1969-12-31 00:00:00", "0001-01-01 00:00:00", "NULL"]),
        ("CASE WHEN s = 'apple' THEN u END", ["00000000-0000-0000-0000-000000000001", "NULL", "NULL", "NULL"]),
        ("COALESCE(i, n)", ["1", "5", "-3", "7"]),
        ("COALESCE(p, i, 0)", ["1.00", "4.99", "-3.50", "0.00"]),
        ("COALESCE(NULL, s, 'none')", ["apple", "Äpfel", "", "none"]),
        ("COALESCE(i, NULL)", ["1", "5", "-3", "NULL"]),
        ("NULLIF(i, 5)", ["1", "NULL", "-3", "NULL"]),
        ("NULLIF(s, '')", ["apple", "Äpfel", "NULL", "NULL"]),
        ("NULLIF(p, 1)", ["NULL", "4.99", "-3.50", "NULL"]),
        ("NULLIF(1, 1)", ["NULL", "NULL", "NULL", "NULL"]),
    ])
    func choosesValues(text: String, expected: [String]) throws {
        #expect(try evaluate(text, on: Self.values) == expected, "\(text)")
    }

    @Test func selectsRowsWhereTheConditionHolds() throws {
        let filter = try CompiledExpression.compilePredicate("i > 0 AND s <> ''", schema: Self.values.schema)
        let keep = try filter.selection(Self.values, context: EvaluationContext(runStartedAt: 0))
        #expect(keep == [true, true, false, false])
        let kept = Self.values.selecting(keep)
        #expect(kept.rowCount == 2)
        let nullFilter = try CompiledExpression.compilePredicate("NULL", schema: Self.values.schema)
        #expect(try nullFilter.selection(Self.values, context: EvaluationContext(runStartedAt: 0)) == [false, false, false, false])
    }

    @Test func refusesBatchesOfAnotherShape() throws {
        let expression = try CompiledExpression.compile("i + 1", schema: Self.values.schema)
        let other = TestBatch.make([TestColumn("i", .int64, ["1"])])
        #expect(throws: SluiceError.self) { try expression.evaluate(other, context: EvaluationContext(runStartedAt: 0)) }
        let notBoolean = try CompiledExpression.compile("i + 1", schema: Self.values.schema)
        #expect(throws: SluiceError.self) { try notBoolean.selection(Self.values, context: EvaluationContext(runStartedAt: 0)) }
    }

    @Test func evaluatesEmptyBatches() throws {
        let empty = TestBatch.make([TestColumn("i", .int32, []), TestColumn("s", .string, [])])
        #expect(try evaluate("CASE WHEN i > 0 THEN lower(s) ELSE s || 'x' END", on: empty) == [])
        #expect(try evaluate("i / 0", on: empty) == [])
        #expect(try evaluate("COALESCE(i, 1) + 1", on: empty) == [])
    }
}
