@testable import Parquet
import SluiceCore
import Testing

/// Record assembly from hand-built repetition/definition level streams (parquet-format "Nested Encoding"),
/// without files: each case states the levels a writer produces for some records and the JSON text they
/// must read back as, or the damage that must be rejected naming the leaf.
@Suite struct NestedAssemblerTests {
    // MARK: schemas (depth-first SchemaElements of one top-level field)

    static func group(_ name: String, _ repetition: ParquetRepetition, children: Int32,
                      _ logical: ParquetLogicalType? = nil) -> ParquetSchemaElement {
        ParquetSchemaElement(repetition: repetition, name: name, numChildren: children, logicalType: logical)
    }

    static func int32(_ name: String, _ repetition: ParquetRepetition) -> ParquetSchemaElement {
        ParquetSchemaElement(type: .int32, repetition: repetition, name: name)
    }

    static func string(_ name: String, _ repetition: ParquetRepetition) -> ParquetSchemaElement {
        ParquetSchemaElement(type: .byteArray, repetition: repetition, name: name, logicalType: .string)
    }

    static func column(_ elements: [ParquetSchemaElement]) throws -> ParquetNestedColumn {
        let (node, end) = try NestedSchemaBuilder.tree(elements, at: 0)
        #expect(end == elements.count)
        return try NestedSchemaBuilder.column(node, firstChunk: 0)
    }

    /// `optional group a (LIST) { repeated group list { optional int32 element } }`: max rep 1, max def 3.
    static let optionalList = [group("a", .optional, children: 1, .list), group("list", .repeated, children: 1),
                               int32("element", .optional)]

    // MARK: streams

    /// A leaf stream: (repetition, definition) per entry and the values of the entries at `maxDefinition`.
    static func stream(_ levels: [(Int, Int)], _ values: [Value], type: DataType, maxDefinition: Int)
        -> NestedLeafStream {
        var builder = ColumnBuilder(type: type, capacity: levels.count)
        var next = values.makeIterator()
        for (_, d) in levels {
            guard d == maxDefinition, let value = next.next() else {
                builder.appendNull()
                continue
            }
            switch value {
            case .int(let v): builder.append(Int32(v))
            case .string(let v): builder.append(string: v)
            default: Issue.record("unexpected test value \(value)")
            }
        }
        #expect(next.next() == nil, "more values than entries at the maximum definition level")
        return NestedLeafStream(repetition: levels.map { UInt8($0.0) }, definition: levels.map { UInt8($0.1) },
                                values: builder.finish())
    }

    static func ints(_ levels: [(Int, Int)], _ values: [Int], maxDefinition: Int) -> NestedLeafStream {
        stream(levels, values.map { .int(Int64($0)) }, type: .int32, maxDefinition: maxDefinition)
    }

    static func strings(_ levels: [(Int, Int)], _ values: [String], maxDefinition: Int) -> NestedLeafStream {
        stream(levels, values.map { .string($0) }, type: .string, maxDefinition: maxDefinition)
    }

    static func assemble(_ elements: [ParquetSchemaElement], _ streams: [NestedLeafStream], records: Int) throws
        -> [String?] {
        try NestedAssembler.assemble(try column(elements), streams: streams, records: records)
    }

    static func rejection(_ elements: [ParquetSchemaElement], _ streams: [NestedLeafStream], records: Int)
        throws -> SluiceError {
        try #require(throws: SluiceError.self) { _ = try assemble(elements, streams, records: records) }
    }

    // MARK: values

    @Test func emptyListNullListAndNullElement() throws {
        let leaf = try Self.column(Self.optionalList).leaves[0]
        #expect(leaf.path == "a.list.element")
        #expect(leaf.maxRepetition == 1 && leaf.maxDefinition == 3)
        // NULL list, [], [null], [1,2], [null,3]
        let levels = [(0, 0), (0, 1), (0, 2), (0, 3), (1, 3), (0, 2), (1, 3)]
        let got = try Self.assemble(Self.optionalList, [Self.ints(levels, [1, 2, 3], maxDefinition: 3)], records: 5)
        #expect(got == [nil, "[]", "[null]", "[1,2]", "[null,3]"])
    }

    @Test func listOfListsWithEmptyInnerLists() throws {
        // optional group a (LIST) { repeated group list { optional group element (LIST) {
        //   repeated group list { optional int32 element } } } }: max rep 2, max def 5.
        let schema = [Self.group("a", .optional, children: 1, .list), Self.group("list", .repeated, children: 1),
                      Self.group("element", .optional, children: 1, .list), Self.group("list", .repeated, children: 1),
                      Self.int32("element", .optional)]
        // [[1],[],[2,3]], [[]], [null], [[null]], [[],[]], []
        let levels = [(0, 5), (1, 3), (1, 5), (2, 5), (0, 3), (0, 2), (0, 4), (0, 3), (1, 3), (0, 1)]
        let got = try Self.assemble(schema, [Self.ints(levels, [1, 2, 3], maxDefinition: 5)], records: 6)
        #expect(got == ["[[1],[],[2,3]]", "[[]]", "[null]", "[[null]]", "[[],[]]", "[]"])
    }

    /// `optional group m (MAP) { repeated group key_value { required binary key (STRING); optional int32 value } }`
    static let map = [group("m", .optional, children: 1, .map), group("key_value", .repeated, children: 2),
                      string("key", .required), int32("value", .optional)]

    @Test func mapWithNullValues() throws {
        // {"a":1,"b":null}, {}, NULL, {"c":null}
        let keys = Self.strings([(0, 2), (1, 2), (0, 1), (0, 0), (0, 2)], ["a", "b", "c"], maxDefinition: 2)
        let values = Self.ints([(0, 3), (1, 2), (0, 1), (0, 0), (0, 2)], [1], maxDefinition: 3)
        let got = try Self.assemble(Self.map, [keys, values], records: 4)
        #expect(got == ["{\"a\":1,\"b\":null}", "{}", nil, "{\"c\":null}"])
    }

    @Test func mapKeysAreEscapedAndDuplicatesKept() throws {
        let keys = Self.strings([(0, 2), (1, 2)], ["q\"\n", "q\"\n"], maxDefinition: 2)
        let values = Self.ints([(0, 3), (1, 3)], [1, 2], maxDefinition: 3)
        #expect(try Self.assemble(Self.map, [keys, values], records: 1) == ["{\"q\\\"\\n\":1,\"q\\\"\\n\":2}"])
    }

    @Test func optionalStructWithNullFieldsVersusNullStruct() throws {
        // optional group s { optional int32 x; optional binary y (STRING) }: max def 2 for both leaves.
        let schema = [Self.group("s", .optional, children: 2), Self.int32("x", .optional), Self.string("y", .optional)]
        // NULL, {"x":null,"y":null}, {"x":1,"y":"q"}, {"x":null,"y":""}
        let x = Self.ints([(0, 0), (0, 1), (0, 2), (0, 1)], [1], maxDefinition: 2)
        let y = Self.strings([(0, 0), (0, 1), (0, 2), (0, 2)], ["q", ""], maxDefinition: 2)
        let got = try Self.assemble(schema, [x, y], records: 4)
        #expect(got == [nil, "{\"x\":null,\"y\":null}", "{\"x\":1,\"y\":\"q\"}", "{\"x\":null,\"y\":\"\"}"])
    }

    @Test func requiredInsideOptional() throws {
        // optional group s { required int32 x; optional group t { required int32 z } }: x max def 1, z max def 2.
        let schema = [Self.group("s", .optional, children: 2), Self.int32("x", .required),
                      Self.group("t", .optional, children: 1), Self.int32("z", .required)]
        let column = try Self.column(schema)
        #expect(column.leaves.map(\.maxDefinition) == [1, 2])
        // NULL, {"x":5,"t":null}, {"x":6,"t":{"z":7}}
        let x = Self.ints([(0, 0), (0, 1), (0, 1)], [5, 6], maxDefinition: 1)
        let z = Self.ints([(0, 0), (0, 1), (0, 2)], [7], maxDefinition: 2)
        #expect(try Self.assemble(schema, [x, z], records: 3) == [nil, "{\"x\":5,\"t\":null}", "{\"x\":6,\"t\":{\"z\":7}}"])
    }

    @Test func listOfStructsKeepsLeavesInStep() throws {
        // [{"p":1,"q":null},{"p":null,"q":2}], []
        let p = Self.ints([(0, 2), (1, 1), (0, 0)], [1], maxDefinition: 2)
        let q = Self.ints([(0, 1), (1, 2), (0, 0)], [2], maxDefinition: 2)
        #expect(try Self.assemble(Self.listOfStructs, [p, q], records: 2) == ["[{\"p\":1,\"q\":null},{\"p\":null,\"q\":2}]", "[]"])
    }

    // MARK: damage: parquet_corrupt naming the leaf

    /// Damaged levels of `optional group a (LIST) { repeated group list { optional int32 element } }` and the
    /// message each must be rejected with.
    static let damagedLevels: [(levels: [(Int, Int)], records: Int, message: String)] = [
        ([(0, 3), (2, 3)], 1, "repetition level 2 above the maximum 1"),
        ([(0, 3), (1, 4)], 1, "definition level 4 above the maximum 3"),
        ([(1, 3), (0, 3)], 2, "repetition level 1 starts record 0"),
    ]

    @Test(arguments: damagedLevels.indices)
    func damagedLevelStream(_ index: Int) throws {
        let (levels, records, message) = Self.damagedLevels[index]
        let values = levels.filter { $0.1 == 3 }.indices.map { $0 }
        let error = try Self.rejection(Self.optionalList, [Self.ints(levels, values, maxDefinition: 3)], records: records)
        #expect(error.code == .parquetCorrupt)
        #expect(error.message.contains(message), "\(error)")
        #expect(error.context.column == "a.list.element")
    }

    @Test func levelsEndingEarlyOrRunningOn() throws {
        let short = try Self.rejection(Self.optionalList, [Self.ints([(0, 3)], [1], maxDefinition: 3)], records: 2)
        #expect(short.code == .parquetCorrupt)
        #expect(short.message.contains("levels end after 1 of the row group's 2 records"), "\(short)")
        #expect(short.context.column == "a.list.element")
        let long = try Self.rejection(Self.optionalList, [Self.ints([(0, 3), (0, 3)], [1, 2], maxDefinition: 3)], records: 1)
        #expect(long.message.contains("1 level entries after the last of 1 records"), "\(long)")
        #expect(long.context.column == "a.list.element")
    }

    @Test func leavesWhoseLevelsDisagree() throws {
        // The struct is NULL in x's levels but present in y's.
        let schema = [Self.group("s", .optional, children: 2), Self.int32("x", .optional), Self.string("y", .optional)]
        let error = try Self.rejection(schema, [Self.ints([(0, 0)], [], maxDefinition: 2),
                                                Self.strings([(0, 2)], ["q"], maxDefinition: 2)], records: 1)
        #expect(error.code == .parquetCorrupt)
        #expect(error.message.contains("disagree"), "\(error)")
        #expect(error.context.column == "s.y")
    }

    /// A list of structs: `required group a (LIST) { repeated group list { required group element {
    /// optional int32 p; optional int32 q } } }`.
    static let listOfStructs = [group("a", .required, children: 1, .list), group("list", .repeated, children: 1),
                                group("element", .required, children: 2), int32("p", .optional), int32("q", .optional)]

    @Test func leavesDisagreeingOnWhereAListElementEnds() throws {
        // p has two elements in the record, q's second entry starts a new record (repetition level 0).
        let p = Self.ints([(0, 2), (1, 1)], [1], maxDefinition: 2)
        let q = Self.ints([(0, 1), (0, 2)], [2], maxDefinition: 2)
        let error = try Self.rejection(Self.listOfStructs, [p, q], records: 2)
        #expect(error.code == .parquetCorrupt)
        #expect(error.message.contains("repetition level 0 disagrees with that of a.list.element.p (1)"), "\(error)")
        #expect(error.context.column == "a.list.element.q")
    }

    @Test func leavesDisagreeingOnWhetherAStructIsNull() throws {
        // x holds a value (so s is present), y's level 0 says s is NULL.
        let schema = [Self.group("s", .optional, children: 2), Self.int32("x", .optional), Self.string("y", .optional)]
        let error = try Self.rejection(schema, [Self.ints([(0, 2)], [1], maxDefinition: 2),
                                                Self.strings([(0, 0)], [], maxDefinition: 2)], records: 1)
        #expect(error.code == .parquetCorrupt)
        #expect(error.message.contains("definition level 0 says an ancestor is NULL or empty"), "\(error)")
        #expect(error.context.column == "s.y")
    }

    @Test func nullMapKey() throws {
        // As in incorrect_map_schema.parquet, the key is OPTIONAL (max def 3): a key at level 2 is NULL.
        let schema = [Self.group("m", .optional, children: 1, .map), Self.group("key_value", .repeated, children: 2),
                      Self.string("key", .optional), Self.int32("value", .optional)]
        let keys = Self.strings([(0, 3), (1, 2)], ["a"], maxDefinition: 3)
        let values = Self.ints([(0, 3), (1, 3)], [1, 2], maxDefinition: 3)
        let error = try Self.rejection(schema, [keys, values], records: 1)
        #expect(error.code == .parquetCorrupt)
        #expect(error.message.contains("map key is NULL"), "\(error)")
        #expect(error.context.column == "m.key_value.key")
        // The same map with the key present is read.
        let present = Self.strings([(0, 3), (1, 3)], ["a", "b"], maxDefinition: 3)
        #expect(try Self.assemble(schema, [present, values], records: 1) == ["{\"a\":1,\"b\":2}"])
    }

    @Test func mismatchedStreamLengths() throws {
        var stream = Self.ints([(0, 3), (1, 3)], [1, 2], maxDefinition: 3)
        stream.repetition.removeLast()
        let error = try Self.rejection(Self.optionalList, [stream], records: 1)
        #expect(error.code == .parquetCorrupt)
        #expect(error.context.column == "a.list.element")
    }
}
