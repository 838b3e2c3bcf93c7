import SluiceCore

/// The levels and values of one leaf column chunk: one entry per level (`repetition[k]`, `definition[k]`);
/// `values[k]` is the leaf's value where `definition[k]` is the leaf's maximum, NULL elsewhere.
struct NestedLeafStream {
    var repetition: [UInt8]
    var definition: [UInt8]
    var values: Column

    var count: Int { definition.count }
}

/// Record assembly (Dremel; parquet-format "Nested Encoding"): turns the level streams of a nested column's
/// leaves back into one JSON text per record. Pure: no IO, every step checks the levels it reads, so that
/// damaged data is rejected with the leaf's path instead of being misread or crashing.
///
/// The rules: an optional node is NULL where its first leaf's definition level is below the node's own; a
/// repeated node is empty where it is below the repeated node's level, and takes another element while the
/// first leaf's next repetition level equals the node's; a record starts at repetition level 0. A NULL or
/// empty node leaves exactly one entry, with the same levels, in every leaf under it.
struct NestedAssembler {
    let column: ParquetNestedColumn
    private var streams: [NestedLeafStream]
    private var cursors: [Int]

    init(column: ParquetNestedColumn, streams: [NestedLeafStream]) {
        self.column = column
        self.streams = streams
        cursors = Array(repeating: 0, count: streams.count)
    }

    /// One JSON text per record (nil where the top-level field is NULL), `records` of them.
    static func assemble(_ column: ParquetNestedColumn, streams: [NestedLeafStream], records: Int)
        throws(SluiceError) -> [String?] {
        guard streams.count == column.leaves.count else {
            throw ParquetError.corrupt("\(streams.count) leaf streams for \(column.leaves.count) leaf columns")
        }
        for (index, stream) in streams.enumerated() {
            let leaf = column.leaves[index]
            guard stream.repetition.count == stream.count, stream.values.count == stream.count else {
                throw ParquetError.corrupt("\(stream.repetition.count) repetition levels, \(stream.count) definition levels and \(stream.values.count) values do not match",
                                           column: leaf.path)
            }
            for (what, levels, maximum) in [("repetition", stream.repetition, leaf.maxRepetition),
                                             ("definition", stream.definition, leaf.maxDefinition)] {
                if let k = levels.firstIndex(where: { Int($0) > maximum }) {
                    throw ParquetError.corrupt("\(what) level \(levels[k]) above the maximum \(maximum) (level entry \(k))",
                                               column: leaf.path)
                }
            }
        }
        var assembler = NestedAssembler(column: column, streams: streams)
        return try assembler.run(records: records)
    }

    private mutating func run(records: Int) throws(SluiceError) -> [String?] {
        var result: [String?] = []
        result.reserveCapacity(records)
        let shape = column.shape
        for record in 0..<records {
            for leaf in streams.indices {
                guard cursors[leaf] < streams[leaf].count else {
                    throw corrupt(leaf, "levels end after \(record) of the row group's \(records) records")
                }
                let r = streams[leaf].repetition[cursors[leaf]]
                guard r == 0 else { throw corrupt(leaf, "repetition level \(r) starts record \(record) (a record starts at 0)") }
            }
            if let below = shape.nullBelow, try definition(shape.leaves[0]) < below {
                try skip(shape)
                result.append(nil)
                continue
            }
            var text = ""
            try emit(shape, floor: 0, into: &text)
            result.append(text)
        }
        for leaf in streams.indices where cursors[leaf] != streams[leaf].count {
            throw corrupt(leaf, "\(streams[leaf].count - cursors[leaf]) level entries after the last of \(records) records")
        }
        return result
    }

    private func corrupt(_ leaf: Int, _ message: String) -> SluiceError {
        ParquetError.corrupt(message, column: column.leaves[leaf].path)
    }

    private func definition(_ leaf: Int) throws(SluiceError) -> Int {
        guard cursors[leaf] < streams[leaf].count else { throw corrupt(leaf, "levels end inside a record") }
        return Int(streams[leaf].definition[cursors[leaf]])
    }

    /// Whether the next entries continue the repeated node `shape` at `repetition`: the first leaf's next
    /// repetition level says, and every other leaf under the node must be at the same point.
    private func continues(_ shape: NestedShape, _ repetition: Int) throws(SluiceError) -> Bool {
        func next(_ leaf: Int) -> Int? {
            cursors[leaf] < streams[leaf].count ? Int(streams[leaf].repetition[cursors[leaf]]) : nil
        }
        let first = shape.leaves[0]
        let r = next(first)
        for leaf in shape.leaves.dropFirst() where next(leaf) != r {
            throw corrupt(leaf, "repetition level \(next(leaf).map(String.init) ?? "(end)") disagrees with that of \(column.leaves[first].path) (\(r.map(String.init) ?? "(end)")) after an element of a level-\(repetition) list")
        }
        guard let r else { return false }
        guard r <= repetition else {
            throw corrupt(first, "repetition level \(r) follows a complete element of a level-\(repetition) list")
        }
        return r == repetition && r > 0
    }

    /// Consumes the one entry every leaf under a NULL or empty node holds; they must agree.
    private mutating func skip(_ shape: NestedShape) throws(SluiceError) {
        let first = shape.leaves[0]
        let d = streams[first].definition[cursors[first]], r = streams[first].repetition[cursors[first]]
        for leaf in shape.leaves {
            guard cursors[leaf] < streams[leaf].count else { throw corrupt(leaf, "levels end inside a record") }
            let k = cursors[leaf]
            guard streams[leaf].definition[k] == d, streams[leaf].repetition[k] == r else {
                throw corrupt(leaf, "levels (\(streams[leaf].repetition[k]), \(streams[leaf].definition[k])) disagree with those of \(column.leaves[first].path) (\(r), \(d))")
            }
            cursors[leaf] = k + 1
        }
    }

    /// Renders one instance of `shape`. `floor`: the definition level the enclosing value is defined at; every
    /// leaf under it must be at least there (else the leaves disagree on whether an ancestor is NULL or empty).
    private mutating func emit(_ shape: NestedShape, floor: Int, into out: inout String) throws(SluiceError) {
        let first = shape.leaves[0]
        let d = try definition(first)
        guard d >= floor else {
            throw corrupt(first, "definition level \(d) says an ancestor is NULL or empty where other leaves hold it (level \(floor))")
        }
        var floor = floor
        if let below = shape.nullBelow {
            guard d >= below else {
                try skip(shape)
                out += "null"
                return
            }
            floor = below
        }
        switch shape.kind {
        case .value(let leaf, let type):
            let k = cursors[leaf]
            let maximum = column.leaves[leaf].maxDefinition
            guard Int(streams[leaf].definition[k]) == maximum else {
                throw corrupt(leaf, "definition level \(streams[leaf].definition[k]) where a required value (level \(maximum)) must be")
            }
            ParquetCat.jsonValue(Value(of: streams[leaf].values, type: type, at: k), type: type, into: &out)
            cursors[leaf] = k + 1
        case .object(let names, let fields):
            out += "{"
            for (index, field) in fields.enumerated() {
                if index > 0 { out += "," }
                TextEscaping.jsonString(names[index], into: &out)
                out += ":"
                try emit(field, floor: floor, into: &out)
            }
            out += "}"
        case .list(let element, let repetition, let level):
            guard d >= level else {
                try skip(shape)
                out += "[]"
                return
            }
            out += "["
            var more = true
            var index = 0
            while more {
                if index > 0 { out += "," }
                try emit(element, floor: level, into: &out)
                index += 1
                more = try continues(shape, repetition)
            }
            out += "]"
        case .map(let key, let value, let repetition, let level):
            // Primitive keys: a JSON object keyed by the key's text; other keys: [{"key":..,"value":..},..].
            let keyLeaf: (leaf: Int, type: DataType)?
            if case .value(let leaf, let type) = key.kind { keyLeaf = (leaf, type) } else { keyLeaf = nil }
            guard d >= level else {
                try skip(shape)
                out += keyLeaf != nil ? "{}" : "[]"
                return
            }
            out += keyLeaf != nil ? "{" : "["
            var more = true
            var index = 0
            while more {
                if index > 0 { out += "," }
                if let keyLeaf {
                    try emitKey(keyLeaf.leaf, type: keyLeaf.type, into: &out)
                    out += ":"
                    try emit(value, floor: level, into: &out)
                } else {
                    out += "{\"key\":"
                    try emit(key, floor: level, into: &out)
                    out += ",\"value\":"
                    try emit(value, floor: level, into: &out)
                    out += "}"
                }
                index += 1
                more = try continues(shape, repetition)
            }
            out += keyLeaf != nil ? "}" : "]"
        }
    }

    /// A primitive map key as a JSON object key: its flat text (`Value.text(as:)`) as a JSON string.
    private mutating func emitKey(_ leaf: Int, type: DataType, into out: inout String) throws(SluiceError) {
        let k = cursors[leaf]
        guard k < streams[leaf].count else { throw corrupt(leaf, "levels end inside a record") }
        guard let text = Value(of: streams[leaf].values, type: type, at: k).text(as: type),
              Int(streams[leaf].definition[k]) == column.leaves[leaf].maxDefinition else {
            throw corrupt(leaf, "map key is NULL")
        }
        TextEscaping.jsonString(text, into: &out)
        cursors[leaf] = k + 1
    }
}
