import ClickHouseSink
import Foundation
import Testing

/// Runs statements in one chdb session (ClickHouse in process, `from chdb import session`), in order, and returns the
/// TabSeparated rows of the ones marked as queries. A statement that fails fails the test, naming it and chdb's error.
enum ChdbSession {
    enum Step {
        case statement(String)
        case query(String)
    }

    private static let program = #"""
    import json, sys
    from chdb import session
    steps = json.load(sys.stdin)
    s = session.Session()
    results = []
    for number, step in enumerate(steps):
        sql = step["sql"]
        try:
            if step["query"]:
                results.append(s.query(sql + "\nFORMAT TabSeparated").data())
            else:
                s.query(sql)
        except Exception as error:
            sys.stderr.write("statement %d failed: %s\n%s\n" % (number, sql, error))
            sys.exit(1)
    s.close()
    json.dump(results, sys.stdout)
    """#

    static func run(_ steps: [Step]) throws -> [[[String?]]] {
        struct Encoded: Encodable {
            var sql: String
            var query: Bool
        }
        let encoded = steps.map { step in
            switch step {
            case .statement(let sql): Encoded(sql: sql, query: false)
            case .query(let sql): Encoded(sql: sql, query: true)
            }
        }
        let output = try runPython(program, input: try JSONEncoder().encode(encoded))
        return try JSONDecoder().decode([String].self, from: output).map(TabSeparated.parse)
    }

    /// `name`, `type` of a table's columns, in order.
    static func columnsQuery(database: String, table: String) -> Step {
        .query("SELECT name, type FROM system.columns WHERE database = \(ClickHouseSQL.stringLiteral(database)) "
            + "AND table = \(ClickHouseSQL.stringLiteral(table)) ORDER BY position")
    }
}
