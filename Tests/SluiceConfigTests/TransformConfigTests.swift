import Foundation
import SluiceConfig
import SluiceCore
import Testing

/// The transform keys as the loader reads and checks them: expressions keep their position, child tables and
/// reconciliations are checked against each other, and each mistake names its key and line.
@Suite struct TransformConfigTests {
    func load(_ tables: String) throws -> PipelineConfig {
        try PipelineLoader(environment: ["PG_PASSWORD": "x"]).parse(baseConfig + "\n" + tables, file: "p.yaml")
    }

    static let family = """
    tables:
      - name: orders
        primary_key: [id]
        cursor: updated_at
        filter: |
          status <> 'test'
            AND total >= 0
        columns:
          - {name: id, type: int64, nullable: false}
          - {name: total, type: "decimal(12,2)"}
          - {name: updated_at, type: timestamptz}
        validations:
          - {name: adds_up, reconcile: {child: items, aggregate: "sum(amount)", equals: total, tolerance: 0.01}, action: quarantine}
          - {name: positive, rule: "total > 0"}
      - name: items
        primary_key: [item_id]
        parent: {table: orders, on: {order_id: id}}
        columns:
          - {name: item_id, type: int64, nullable: false}
          - {name: order_id, type: int64, nullable: false}
          - {name: amount, type: "decimal(12,2)"}
    """

    @Test func theTransformsExampleIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/transforms/pipeline.yaml").path
        let config = try PipelineLoader(environment: ["PGPASSWORD": "x", "SLUICE_CH_PASSWORD": "y"]).load(path: path)
        #expect(config.tables.map(\.name) == ["transactions", "transaction_items"])
        #expect(config.tables[1].parent?.table == "transactions")
        #expect(config.tables[0].joins.map(\.name) == ["customer"])
    }

    @Test func readsFiltersChildrenAndReconciliationsWithTheirPositions() throws {
        let config = try load(Self.family)
        let orders = try #require(config.table(named: "orders"))
        let filter = try #require(orders.filter)
        #expect(filter.text == "status <> 'test'\n  AND total >= 0\n")
        // The block starts on the line after `filter: |`, indented 6.
        let lines = (baseConfig + "\n" + Self.family).split(separator: "\n", omittingEmptySubsequences: false)
        let first = try #require(lines.firstIndex { $0.contains("status <> 'test'") })
        #expect(filter.line == first + 1)
        #expect(filter.column == 7 && filter.continuationColumn == 7)
        #expect(filter.file == "p.yaml")
        #expect(orders.validations.map(\.name) == ["adds_up", "positive"])
        #expect(orders.validations[0].reconcile?.tolerance == "0.01")
        #expect(orders.validations[0].action == .quarantine && orders.validations[1].action == .fail)
        let items = try #require(config.table(named: "items"))
        #expect(items.parent?.table == "orders" && items.parent?.childKey == "order_id" && items.parent?.parentKey == "id")
    }

    @Test(arguments: [
        // A child has no cursor of its own.
        (Self.family.replacingOccurrences(of: "    parent: {table: orders", with: "    cursor: item_id\n    parent: {table: orders"),
         "tables.[1].cursor", "items is read with its parent orders"),
        // The parent's key must be its primary key.
        (Self.family.replacingOccurrences(of: "on: {order_id: id}", with: "on: {order_id: total}"),
         "tables.[1].parent.on", "'total' must be orders's primary key"),
        (Self.family.replacingOccurrences(of: "parent: {table: orders,", with: "parent: {table: customers,")
            .replacingOccurrences(of: "      - {name: adds_up, reconcile: {child: items, aggregate: \"sum(amount)\", equals: total, tolerance: 0.01}, action: quarantine}\n", with: ""),
         "tables.[1].parent.table", "parent table 'customers' is not a table of the pipeline"),
        // A reconciliation needs a child of this table.
        (Self.family.replacingOccurrences(of: "child: items", with: "child: orders"),
         "tables.[0].validations.[0].reconcile.child", "orders is not a child of orders"),
        (Self.family.replacingOccurrences(of: "{name: positive, rule: \"total > 0\"}", with: "{name: positive}"),
         "tables.[0].validations.[1].rule", "either a rule or a reconcile"),
        (Self.family.replacingOccurrences(of: "    cursor: updated_at\n    filter", with: "    cursor: total2\n    filter")
            .replacingOccurrences(of: "      - {name: updated_at, type: timestamptz}\n    validations",
                                  with: "      - {name: updated_at, type: timestamptz}\n      - {name: total2, type: int64, expression: \"id\"}\n    validations"),
         "tables.[0].cursor", "derived by an expression"),
    ])
    func mistakesNameTheirKey(_ tables: String, _ key: String, _ message: String) {
        let error = expectConfigError { _ = try load(tables) }
        #expect(error?.code == .configInvalid)
        #expect(error?.context.key == key, "\(error.map { "\($0)" } ?? "")")
        #expect(error?.message.contains(message) == true, "\(error.map { "\($0)" } ?? "")")
    }
}
