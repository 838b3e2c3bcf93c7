import SluiceCore

/// A top-level nested column (a LIST, MAP or STRUCT group, or a repeated field) read as JSON text: the leaf
/// columns under it and the shape that turns their repetition and definition levels back into values
/// (Dremel record assembly; parquet-format README "Nested Encoding" and LogicalTypes.md "Nested Types").
///
/// The JSON convention (docs/parquet.md, "Nested columns"), compact with no spaces:
/// - lists (3-level, legacy 2-level, unannotated repeated fields) are arrays; structs are objects with every
///   field in schema order; maps with a primitive key are objects keyed by the key's `Value.text(as:)`, in file
///   order with duplicates kept; maps with a group key are arrays of `{"key":..,"value":..}`; a map without a
///   value field is the array of its keys; NULL at any level is `null` (a NULL top-level value is a NULL row).
/// - leaves render as in `sluice parquet cat --format jsonl` (``ParquetCat``): booleans, integers and finite
///   floats as JSON literals/numbers (shortest round-trip text), NaN/inf and every other type (decimals,
///   binary as hex, UUIDs, dates, times, timestamps) as JSON strings of their text.
public struct ParquetNestedColumn: Sendable, Hashable {
    /// The leaf columns under the top-level field, in file order.
    public var leaves: [ParquetNestedLeaf]
    /// How one record's value is assembled and rendered.
    var shape: NestedShape
    /// The schema tree as text, one line per element (for `sluice parquet schema`).
    public var outline: [String]
}

/// One leaf column under a nested column: how its values are decoded and its maximum levels.
public struct ParquetNestedLeaf: Sendable, Hashable {
    /// The dotted path from the top-level field (`a.list.element`): what errors name.
    public var path: String
    /// The leaf's values as a flat column (name = ``path``).
    public var descriptor: ParquetColumnDescriptor
    public var maxRepetition: Int
    public var maxDefinition: Int
    /// The index of its chunk in `RowGroup.columns`.
    public var chunkIndex: Int
}

/// How one instance of a schema node is assembled from the leaves' level streams and rendered as JSON.
///
/// `nullBelow`: an optional node is NULL where the definition level of its first leaf is below it.
struct NestedShape: Sendable, Hashable {
    indirect enum Kind: Sendable, Hashable {
        /// A primitive value: leaf `leaf` (an index into ``ParquetNestedColumn/leaves``).
        case value(leaf: Int, type: DataType)
        /// A group rendered as a JSON object with these field names, in schema order.
        case object(names: [String], fields: [NestedShape])
        /// A repeated node: elements follow while the first leaf's repetition level equals `repetition`;
        /// the list is empty where the definition level is below `definition`.
        case list(element: NestedShape, repetition: Int, definition: Int)
        /// A MAP's repeated key_value group: a JSON object keyed by the keys' text when the key is primitive,
        /// else an array of `{"key":..,"value":..}` objects.
        case map(key: NestedShape, value: NestedShape, repetition: Int, definition: Int)
    }

    var kind: Kind
    var nullBelow: Int?
    /// The leaves under this node (indices into ``ParquetNestedColumn/leaves``), in order.
    var leaves: [Int]
}

/// Builds ``ParquetNestedColumn``s from the flattened schema (depth-first `SchemaElement`s).
struct NestedSchemaBuilder {
    /// A schema element with its children, as a tree.
    struct Node {
        var element: ParquetSchemaElement
        var children: [Node]
        var isLeaf: Bool { children.isEmpty && element.type != nil }
    }

    /// The subtree at `position`, and the position after it.
    static func tree(_ elements: [ParquetSchemaElement], at position: Int, depth: Int = 0) throws(SluiceError)
        -> (Node, Int) {
        guard depth < 64 else { throw ParquetError.corrupt("schema is nested too deeply") }
        let element = elements[position]
        let count = Int(element.numChildren ?? 0)
        if element.type != nil && count == 0 { return (Node(element: element, children: []), position + 1) }
        guard count > 0, count < elements.count - position else {
            throw ParquetError.corrupt("schema group '\(element.name)' claims \(count) children past the end of the schema",
                                       column: element.name)
        }
        var children: [Node] = []
        var next = position + 1
        for _ in 0..<count {
            guard next < elements.count else {
                throw ParquetError.corrupt("schema ends inside group '\(element.name)'", column: element.name)
            }
            let (child, end) = try tree(elements, at: next, depth: depth + 1)
            children.append(child)
            next = end
        }
        return (Node(element: element, children: children), next)
    }

    private(set) var leaves: [ParquetNestedLeaf] = []
    private(set) var outline: [String] = []
    /// The chunk index of the next leaf.
    var nextChunk: Int

    /// The nested column for top-level field `node`.
    static func column(_ node: Node, firstChunk: Int) throws(SluiceError) -> ParquetNestedColumn {
        var builder = NestedSchemaBuilder(nextChunk: firstChunk)
        builder.describe(node, indent: 0)
        let shape = try builder.field(node, path: node.element.name, definition: 0, repetition: 0)
        return ParquetNestedColumn(leaves: builder.leaves, shape: shape, outline: builder.outline)
    }

    private mutating func describe(_ node: Node, indent: Int) {
        let e = node.element
        var line = String(repeating: "  ", count: indent) + "\(e.repetition ?? .required) "
        if node.isLeaf {
            line += "\(e.type!)" + (e.typeLength.map { "(\($0))" } ?? "") + " \(e.name)"
        } else {
            line += "group \(e.name)"
        }
        if let logical = e.logicalType { line += " \(logical)" }
        if let converted = e.convertedType { line += " [\(converted)]" }
        outline.append(line)
        for child in node.children { describe(child, indent: indent + 1) }
    }

    /// A field as its parent sees it: repeated fields become lists, optional ones may be NULL.
    private mutating func field(_ node: Node, path: String, definition: Int, repetition: Int) throws(SluiceError)
        -> NestedShape {
        switch node.element.repetition ?? .required {
        case .repeated:
            let (d, r) = (definition + 1, repetition + 1)
            let element = try instance(node, path: path, definition: d, repetition: r)
            return NestedShape(kind: .list(element: element, repetition: r, definition: d), nullBelow: nil,
                               leaves: element.leaves)
        case .optional:
            var shape = try instance(node, path: path, definition: definition + 1, repetition: repetition)
            shape.nullBelow = definition + 1
            return shape
        case .required:
            return try instance(node, path: path, definition: definition, repetition: repetition)
        }
    }

    /// One non-NULL instance of `node` whose own levels are `definition` and `repetition`.
    private mutating func instance(_ node: Node, path: String, definition: Int, repetition: Int) throws(SluiceError)
        -> NestedShape {
        let element = node.element
        if node.isLeaf {
            var descriptor = try ParquetColumnDescriptor(reading: element)
            descriptor.name = path
            let index = leaves.count
            leaves.append(ParquetNestedLeaf(path: path, descriptor: descriptor, maxRepetition: repetition,
                                            maxDefinition: definition, chunkIndex: nextChunk))
            nextChunk += 1
            return NestedShape(kind: .value(leaf: index, type: descriptor.dataType), nullBelow: nil, leaves: [index])
        }
        guard element.type == nil else {
            throw ParquetError.corrupt("schema element '\(path)' has both a physical type and children", column: path)
        }
        let isList = element.logicalType == .list || (element.logicalType == nil && element.convertedType == .list)
        let isMap = element.logicalType == .map || (element.logicalType == nil
            && (element.convertedType == .map || element.convertedType == .mapKeyValue))
        if isList, node.children.count == 1, node.children[0].element.repetition == .repeated {
            return try list(node, path: path, definition: definition, repetition: repetition)
        }
        if isMap, node.children.count == 1, node.children[0].element.repetition == .repeated,
           !node.children[0].isLeaf, (1...2).contains(node.children[0].children.count) {
            return try map(node, path: path, definition: definition, repetition: repetition)
        }
        var names: [String] = []
        var fields: [NestedShape] = []
        for child in node.children {
            names.append(child.element.name)
            fields.append(try field(child, path: path + "." + child.element.name, definition: definition,
                                    repetition: repetition))
        }
        return NestedShape(kind: .object(names: names, fields: fields), nullBelow: nil, leaves: fields.flatMap(\.leaves))
    }

    /// A LIST group, with the backward-compatibility rules of LogicalTypes.md ("Lists"): the repeated field is
    /// the element itself when it is primitive, has several fields, or is named `array` or `<list>_tuple`;
    /// otherwise its one field is the element (the standard 3-level form).
    private mutating func list(_ node: Node, path: String, definition: Int, repetition: Int) throws(SluiceError)
        -> NestedShape {
        let repeated = node.children[0]
        let name = repeated.element.name
        let (d, r) = (definition + 1, repetition + 1)
        let repeatedPath = path + "." + name
        let element: NestedShape
        if repeated.isLeaf || repeated.children.count > 1 || name == "array" || name == node.element.name + "_tuple" {
            element = try instance(repeated, path: repeatedPath, definition: d, repetition: r)
        } else {
            let child = repeated.children[0]
            element = try field(child, path: repeatedPath + "." + child.element.name, definition: d, repetition: r)
        }
        return NestedShape(kind: .list(element: element, repetition: r, definition: d), nullBelow: nil,
                           leaves: element.leaves)
    }

    /// A MAP (or legacy MAP_KEY_VALUE) group: a repeated key_value group of a key and an optional value. A map
    /// without a value field is read as the list of its keys (as Arrow does).
    private mutating func map(_ node: Node, path: String, definition: Int, repetition: Int) throws(SluiceError)
        -> NestedShape {
        let pairs = node.children[0]
        let (d, r) = (definition + 1, repetition + 1)
        let pairsPath = path + "." + pairs.element.name
        let keyNode = pairs.children[0]
        let key = try field(keyNode, path: pairsPath + "." + keyNode.element.name, definition: d, repetition: r)
        guard pairs.children.count == 2 else {
            return NestedShape(kind: .list(element: key, repetition: r, definition: d), nullBelow: nil, leaves: key.leaves)
        }
        let valueNode = pairs.children[1]
        let value = try field(valueNode, path: pairsPath + "." + valueNode.element.name, definition: d, repetition: r)
        return NestedShape(kind: .map(key: key, value: value, repetition: r, definition: d),
                           nullBelow: nil, leaves: key.leaves + value.leaves)
    }
}
