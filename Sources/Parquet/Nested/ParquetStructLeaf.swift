public import SluiceCore

/// A leaf column under top-level structs only (no repeated field, LIST or MAP above it), read as an ordinary
/// flat column instead of inside its top-level column's JSON text: what a table file's `flatten:` option
/// reads. Its values are NULL where the leaf or any struct above it is NULL (definition level below the
/// leaf's maximum; parquet-format "Nested Encoding").
public struct ParquetStructLeaf: Sendable, Hashable {
    /// The dotted path from the top-level field (`a.b.c`); also the field's name.
    public var path: String { leaf.path }
    /// Named ``path``, with the leaf's Sluice type; nullable unless the leaf and every struct above it are
    /// REQUIRED.
    public var field: Field { Field(name: leaf.path, type: leaf.descriptor.dataType, nullable: leaf.maxDefinition > 0) }
    let leaf: ParquetNestedLeaf
}

extension ParquetFileReader {
    /// The leaf at dotted `path` (`a.b.c`) under top-level structs. A `parquet_usage` error names the path
    /// when no such leaf exists, when it is a group, or when a list or map lies above it (those are read as
    /// their top-level column's JSON text).
    public func structLeaf(_ path: String) throws(SluiceError) -> ParquetStructLeaf {
        let top = String(path.prefix { $0 != "." })
        do throws(SluiceError) {
            guard let nested = fileSchema.columns.first(where: { $0.name == top })?.nested else {
                if let unsupported = fileSchema.unsupported.first(where: { $0.name == top }) {
                    throw ParquetError.unsupported(unsupported.reason, column: path)
                }
                throw ParquetError.usage("no nested column '\(top)' in the file", column: path)
            }
            guard let leaf = nested.leaves.first(where: { $0.path == path }) else {
                let known = nested.leaves.filter { $0.maxRepetition == 0 }.map(\.path)
                throw ParquetError.usage("no leaf '\(path)' under '\(top)' (leaves under structs only: \(known.isEmpty ? "none" : known.joined(separator: ", ")))",
                                         column: path)
            }
            guard leaf.maxRepetition == 0 else {
                throw ParquetError.usage("'\(path)' is inside a list or map; only leaves under structs alone can be read as flat columns",
                                         column: path)
            }
            return ParquetStructLeaf(leaf: leaf)
        } catch {
            throw error.adding(ErrorContext(file: input.name))
        }
    }

    /// Reads `leaves` from row group `index` as a batch with one column per leaf (fields ``ParquetStructLeaf/field``).
    public func readStructLeaves(_ leaves: [ParquetStructLeaf], rowGroup index: Int) throws(SluiceError) -> RecordBatch {
        do throws(SluiceError) {
            let group = try rowGroup(index)
            var buffer: [UInt8] = []
            var columns: [Column] = []
            for leaf in leaves {
                // No repeated ancestor: one level entry per row, so the leaf's values are the flat column.
                let stream = try readLeaf(leaf.leaf, group: group, buffer: &buffer)
                guard stream.count == Int(group.numRows) else {
                    throw ParquetError.corrupt("row group \(index): leaf has \(stream.count) level entries for \(group.numRows) rows",
                                               column: leaf.path)
                }
                columns.append(stream.values)
            }
            var batch = try RecordBatch(schema: Schema(leaves.map(\.field)), columns: columns)
            batch.rowCount = Int(group.numRows)
            return batch
        } catch {
            throw error.adding(ErrorContext(file: input.name))
        }
    }
}
