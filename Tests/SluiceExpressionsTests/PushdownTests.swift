import SluiceCore
import SluiceExpressions
import Testing

@Suite struct PushdownTests {
    static let schema = Schema([
        Field(name: "id", type: .int64), Field(name: "qty", type: .int32), Field(name: "small", type: .int16),
        Field(name: "total", type: .decimal(precision: 12, scale: 2)), Field(name: "name", type: .string), Field(name: "f", type: .float64),
        Field(name: "d", type: .date), Field(name: "ts", type: .timestamp), Field(name: "tz", type: .timestampTZ), Field(name: "t", type: .time),
        Field(name: "ok", type: .boolean), Field(name: "uid", type: .uuid), Field(name: "doc", type: .json),
        Field(name: "derived", type: .int32),
    ])

    /// Every column but `derived` comes from the source, `name` from a column named `Customer "Name"`.
    static let sourceColumns = [
        "id": "id", "qty": "qty", "small": "small", "total": "total", "name": "Customer \"Name\"", "f": "f", "d": "d", "ts": "ts",
        "tz": "tz", "t": "t", "ok": "ok", "uid": "uid", "doc": "doc",
    ]

    @Test(arguments: [
        ("qty > 5", "(\"qty\" > 5)"),
        ("qty >= -5 AND id <> 3000000000", "((\"qty\" >= (-5)) AND (\"id\" <> 3000000000))"),
        ("NOT ok OR qty IS NULL", "((NOT \"ok\") OR (\"qty\" IS NULL))"),
        ("ok", "\"ok\""),
        ("qty IS NOT NULL", "(\"qty\" IS NOT NULL)"),
        ("total > 12.50", "(\"total\" > 12.50)"),
        ("total = qty", "(\"total\" = \"qty\")"),
        ("total < -0.5", "(\"total\" < (-0.5))"),
        ("qty + 1 > id * 2", "((\"qty\" + 1) > (\"id\" * 2))"),
        ("qty / 2 = 3 AND qty % 2 = 1", "(((\"qty\" / 2) = 3) AND ((\"qty\" % 2) = 1))"),
        ("-qty < 0", "((-\"qty\") < 0)"),
        ("name = 'O''Brien'", "(\"Customer \"\"Name\"\"\" = 'O''Brien')"),
        ("name < 'b'", "(\"Customer \"\"Name\"\"\" COLLATE \"C\" < 'b')"),
        ("name BETWEEN 'a' AND 'c'", "((\"Customer \"\"Name\"\"\" COLLATE \"C\" >= 'a') AND (\"Customer \"\"Name\"\"\" COLLATE \"C\" <= 'c'))"),
        ("qty NOT BETWEEN 1 AND 10", "(NOT ((\"qty\" >= 1) AND (\"qty\" <= 10)))"),
        ("name LIKE 'a\\_%'", "(\"Customer \"\"Name\"\"\" LIKE 'a\\_%' ESCAPE '\\')"),
        ("name NOT LIKE '%x'", "(NOT (\"Customer \"\"Name\"\"\" LIKE '%x' ESCAPE '\\'))"),
        ("qty IN (3, 1, 2)", "(\"qty\" IN (1, 2, 3))"),
        ("qty NOT IN (1, NULL)", "(NOT (\"qty\" IN (1, NULL)))"),
        ("name IN ('b', 'a')", "(\"Customer \"\"Name\"\"\" IN ('a', 'b'))"),
        ("total IN (1, 2.5)", "(\"total\" IN (1.00, 2.50))"),
        ("d >= '2024-01-01'", "(\"d\" >= DATE '2024-01-01')"),
        ("d < DATE '-0043-03-15'", "(\"d\" < DATE '0044-03-15 BC')"),
        ("ts >= TIMESTAMP '2024-01-02 03:04:05.5'", "(\"ts\" >= TIMESTAMP '2024-01-02 03:04:05.5')"),
        ("tz < TIMESTAMPTZ '2024-01-02 03:04:05+02'", "(\"tz\" < TIMESTAMPTZ '2024-01-02 01:04:05+00')"),
        ("ts > d", "(\"ts\" > \"d\")"),
        ("t < '12:00'", "(\"t\" < TIME '12:00:00')"),
        ("uid = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "(\"uid\" = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid)"),
        ("qty = NULL", "(\"qty\" = NULL)"),
        ("TRUE", "TRUE"),
    ])
    func rendersWhatMeansTheSameInPostgres(text: String, sql: String) throws {
        let predicate = try CompiledExpression.compilePredicate(text, schema: Self.schema)
        #expect(PostgresPushdown.render(predicate, sourceColumns: Self.sourceColumns) == sql)
    }

    @Test(arguments: [
        "f > 1.5e0",                                  // floats stay in Sluice
        "small + 1 > 3",                              // smallint arithmetic overflows earlier in PostgreSQL
        "total * 2 > 1",                              // decimal arithmetic: PostgreSQL's scale rules differ
        "qty + f > 1",
        "derived > 1",                                // not a source column
        "lower(name) = 'x'",                          // functions
        "COALESCE(qty, 0) > 1",
        "CASE WHEN ok THEN TRUE ELSE FALSE END",
        "CAST(name AS int32) = 1",                    // explicit casts
        "name || 'x' = 'ax'",
        "ts < run_started_at()",
        "qty > 1 AND derived > 1",                    // one part is enough to keep the whole predicate here
        "name = 'nul\u{0}'",                          // PostgreSQL text cannot hold NUL
        "CAST(doc AS string) = '{}'",
    ])
    func keepsEverythingElseInSluice(text: String) throws {
        let predicate = try CompiledExpression.compilePredicate(text, schema: Self.schema)
        #expect(PostgresPushdown.render(predicate, sourceColumns: Self.sourceColumns) == nil, "\(text)")
    }

    @Test func rendersOnlyConditions() throws {
        let expression = try CompiledExpression.compile("qty + 1", schema: Self.schema)
        #expect(PostgresPushdown.render(expression, sourceColumns: Self.sourceColumns) == nil)
    }
}
