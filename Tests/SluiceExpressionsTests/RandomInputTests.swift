import SluiceCore
import SluiceExpressions
import Testing

/// Expressions come from configuration files users write: random token soup and random bytes must only ever give
/// a SluiceError with a position inside the text, never a crash, a hang or an error without a place.
@Suite struct RandomInputTests {
    static let tokens = ["a", "b", "s", "d", "ts", "price", "(", ")", ",", "+", "-", "*", "/", "%", "||", "=", "<>", "<", ">=",
                         "AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN", "ELSE", "END",
                         "CAST", "AS", "int32", "decimal(5,2)", "string", "::", "1", "0", "2147483648", "1.5", "1e3", "'x'",
                         "'%a_'", "''", "\"a\"", "TRUE", "lower", "upper", "substring", "coalesce", "nullif", "date_trunc",
                         "'month'", "extract", "year", "FROM", "run_started_at", "regexp_replace", "'(['", "length", "c.d",
                         "DATE", "'2024-02-30'", "--", "\n", "é", "🦀", "\u{0}", "\\", "'"]
    static let schema = Schema([
        Field(name: "a", type: .int32, nullable: true), Field(name: "b", type: .int64, nullable: true),
        Field(name: "s", type: .string, nullable: true), Field(name: "d", type: .date, nullable: true),
        Field(name: "ts", type: .timestampTZ, nullable: true), Field(name: "price", type: .decimal(precision: 12, scale: 2), nullable: true),
        Field(name: "c.d", type: .string, nullable: true),
    ])

    /// Compiles `text` both ways and, when it compiles, evaluates it over a small batch; every failure must be a
    /// SluiceError of the expression codes.
    static func exercise(_ text: String) {
        let batch = TestBatch.make([
            TestColumn("a", .int32, ["1", nil, "-2147483648"]), TestColumn("b", .int64, ["0", "9223372036854775807", nil]),
            TestColumn("s", .string, ["", "ß🦀", nil]), TestColumn("d", .date, ["1969-12-31", nil, "2024-02-29"]),
            TestColumn("ts", .timestampTZ, [nil, "1900-01-01 00:00:00", "2200-12-31 23:59:59.999999"]),
            TestColumn("price", .decimal(precision: 12, scale: 2), ["9999999999.99", "-0.01", nil]),
            TestColumn("c.d", .string, ["x", nil, "y"]),
        ])
        for predicate in [false, true] {
            do {
                let compiled = predicate
                    ? try CompiledExpression.compilePredicate(text, schema: schema)
                    : try CompiledExpression.compile(text, schema: schema)
                _ = try compiled.evaluate(batch, context: EvaluationContext(runStartedAt: 0))
            } catch {
                let codes: Set<SluiceError.Code> = [.expressionSyntax, .expressionType, .expressionOverflow, .expressionDivisionByZero,
                                                    .expressionInvalidValue]
                #expect(codes.contains(error.code), "\(text.debugDescription): \(error)")
                if error.code == .expressionSyntax || error.code == .expressionType {
                    #expect(error.context.position != nil, "no position for \(text.debugDescription): \(error)")
                }
            }
        }
    }

    @Test func randomTokenSoupOnlyEverGivesPlacedErrors() {
        var random = SplitMix64(seed: 0x5EED_0009)
        for _ in 0..<4_000 {
            let count = Int.random(in: 1...12, using: &random)
            let text = (0..<count).map { _ in Self.tokens.randomElement(using: &random)! }.joined(separator: " ")
            Self.exercise(text)
        }
    }

    @Test func randomBytesOnlyEverGivePlacedErrors() {
        var random = SplitMix64(seed: 0xB17E5)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            Self.exercise(String(decoding: bytes, as: UTF8.self))
        }
    }
}
