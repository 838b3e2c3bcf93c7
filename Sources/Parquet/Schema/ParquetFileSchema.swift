public import SluiceCore

/// A column of a file that Sluice cannot read, and why (nested groups, repeated fields).
public struct ParquetUnsupportedColumn: Sendable, Hashable {
    public var name: String
    public var reason: String
}

/// The columns of a Parquet file as Sluice sees them: the flat top-level columns it reads, where their
/// chunks are in each row group, and the top-level columns it cannot read.
public struct ParquetFileSchema: Sendable, Hashable {
    /// The readable top-level columns, in file order.
    public var columns: [ParquetColumnDescriptor]
    /// For each entry of ``columns``, the index of its chunk in `RowGroup.columns`.
    public var chunkIndices: [Int]
    /// Top-level columns that are nested or repeated, in file order.
    public var unsupported: [ParquetUnsupportedColumn]
    /// How many leaf columns (column chunks per row group) the file has.
    public var leafCount: Int

    /// The Sluice schema of the readable columns.
    public var schema: Schema { Schema(columns.map(\.field)) }
}

extension ParquetFileSchema {
    /// Walks the flattened schema tree of `metadata`. A stored Sluice schema (key `sluice.schema`) refines
    /// the types where Parquet cannot tell them apart (`json` written by another tool as plain STRING, ...).
    init(metadata: ParquetFileMetaData) throws(SluiceError) {
        let elements = metadata.schema
        guard let root = elements.first else { throw ParquetError.corrupt("schema is empty") }
        guard root.type == nil else {
            throw ParquetError.corrupt("schema root '\(root.name)' is a leaf, not a group")
        }
        let childCount = Int(root.numChildren ?? 0)
        guard childCount >= 0, childCount < elements.count else {
            throw ParquetError.corrupt("schema root claims \(childCount) children but the schema has \(elements.count - 1) more elements")
        }
        var columns: [ParquetColumnDescriptor] = []
        var chunkIndices: [Int] = []
        var unsupported: [ParquetUnsupportedColumn] = []
        var position = 1
        var leaf = 0
        for _ in 0..<childCount {
            guard position < elements.count else {
                throw ParquetError.corrupt("schema ends before all of the root's \(childCount) children")
            }
            let element = elements[position]
            if element.type == nil || (element.numChildren ?? 0) > 0 || element.repetition == .repeated {
                let (node, end) = try NestedSchemaBuilder.tree(elements, at: position)
                do throws(SluiceError) {
                    let nested = try NestedSchemaBuilder.column(node, firstChunk: leaf)
                    var descriptor = ParquetColumnDescriptor(
                        name: element.name, physicalType: .byteArray, typeLength: 0,
                        repetition: element.repetition == .optional ? .optional : .required, logicalType: nil,
                        convertedType: nil, dataType: .string, conversion: .identity)
                    descriptor.nested = nested
                    columns.append(descriptor)
                    chunkIndices.append(leaf)
                } catch {
                    unsupported.append(ParquetUnsupportedColumn(
                        name: element.name, reason: "nested column: " + error.message))
                }
                position = end
                leaf += Self.leafCount(node)
                continue
            }
            columns.append(try ParquetColumnDescriptor(reading: element))
            chunkIndices.append(leaf)
            position += 1
            leaf += 1
        }
        guard position == elements.count else {
            throw ParquetError.corrupt("schema has \(elements.count - position) elements after the root's children")
        }
        if let text = metadata.value(forKey: SluiceSchemaMetadata.key), let stored = SluiceSchemaMetadata.decode(text),
           stored.count == columns.count + unsupported.count {
            for index in columns.indices {
                guard let declared = stored.fields.first(where: { $0.name == columns[index].name }) else { continue }
                if Self.refines(columns[index].dataType, to: declared.type) { columns[index].dataType = declared.type }
            }
        }
        self.init(columns: columns, chunkIndices: chunkIndices, unsupported: unsupported, leafCount: leaf)
    }

    /// Whether a stored Sluice type may replace the type read from Parquet annotations: only between types
    /// with the same bytes and meaning up to interpretation (string, json, binary).
    private static func refines(_ read: DataType, to declared: DataType) -> Bool {
        let byteTypes: Set<DataType> = [.string, .json, .binary]
        return read == declared || (byteTypes.contains(read) && byteTypes.contains(declared))
    }

    private static func leafCount(_ node: NestedSchemaBuilder.Node) -> Int {
        node.isLeaf ? 1 : node.children.reduce(0) { $0 + leafCount($1) }
    }
}
