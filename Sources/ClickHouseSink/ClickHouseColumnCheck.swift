public import SluiceCore

/// The one rule for whether a ClickHouse table can take Sluice's rows: every column Sluice sends exists with
/// the type Sluice sends it as (a `DateTime`'s display zone may differ: the stored seconds are the same). For
/// a table Sluice manages (`exact`), the table also has no other columns and keeps them in the same order, so
/// that attaching staged parts and swapping reloads see identical structures.
public struct ClickHouseColumnCheck: Sendable {
    public struct Expected: Sendable {
        public var name: String
        public var type: ClickHouseType
        public var field: Field?

        public init(field: Field, type: ClickHouseType) {
            name = field.name
            self.type = type
            self.field = field
        }

        public init(name: String, type: ClickHouseType) {
            self.name = name
            self.type = type
        }
    }

    /// Every difference, in words; empty when the table fits.
    public let problems: [String]
    /// The first column with a problem, for the error's context.
    public let firstColumn: String?

    public init(expected: [Expected], actual: [(name: String, type: String)], exact: Bool) {
        var problems: [String] = []
        var first: String?
        var actualTypes: [String: String] = [:]
        for column in actual { actualTypes[column.name] = column.type }
        for column in expected {
            let sent = column.field.map { " (from \($0.type)\($0.nullable ? "" : " not null"))" } ?? ""
            if let tableType = actualTypes[column.name] {
                guard !column.type.isWireCompatible(withTableType: tableType) else { continue }
                problems.append("column \(column.name) is \(tableType) in the table but Sluice sends \(column.type)\(sent)")
            } else {
                problems.append("column \(column.name) does not exist in the table")
            }
            first = first ?? column.name
        }
        if exact {
            let names = Set(expected.map(\.name))
            for column in actual where !names.contains(column.name) {
                problems.append("the table has a column \(column.name) that the declared schema does not")
                first = first ?? column.name
            }
            if problems.isEmpty, actual.map(\.name) != expected.map(\.name) {
                problems.append("the columns are in another order (\(actual.map(\.name).joined(separator: ", ")))")
            }
        }
        self.problems = problems
        firstColumn = first
    }
}
