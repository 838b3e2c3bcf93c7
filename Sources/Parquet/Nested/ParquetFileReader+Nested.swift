import SluiceCore

extension ParquetFileReader {
    /// Reads the leaves of a nested column and assembles one JSON text per record (see ``NestedAssembler``).
    func readNested(_ nested: ParquetNestedColumn, group: ParquetRowGroup, rows: Int, buffer: inout [UInt8])
        throws(SluiceError) -> Column {
        var streams: [NestedLeafStream] = []
        for leaf in nested.leaves {
            streams.append(try readLeaf(leaf, group: group, buffer: &buffer))
        }
        let texts = try NestedAssembler.assemble(nested, streams: streams, records: rows)
        var builder = ColumnBuilder(type: .string, capacity: rows)
        for text in texts {
            if let text { builder.append(string: text) } else { builder.appendNull() }
        }
        return builder.finish()
    }

    /// One leaf's chunk in `group`: its levels, and its values with one slot per level entry (NULL where the
    /// definition level is below the leaf's maximum). Errors name the leaf's path.
    func readLeaf(_ leaf: ParquetNestedLeaf, group: ParquetRowGroup, buffer: inout [UInt8]) throws(SluiceError)
        -> NestedLeafStream {
        do throws(SluiceError) {
            guard leaf.chunkIndex < group.columns.count else {
                throw ParquetError.corrupt("row group has \(group.columns.count) column chunks, leaf \(leaf.chunkIndex) is missing")
            }
            let chunk = group.columns[leaf.chunkIndex]
            guard let meta = chunk.metaData else { throw ParquetError.corrupt("column chunk has no metadata") }
            guard meta.numValues >= 0 else { throw ParquetError.corrupt("column chunk declares \(meta.numValues) values") }
            guard meta.numValues <= Int64(options.maxRowGroupRows) else {
                throw SluiceError(.parquetLimit, "column chunk has \(meta.numValues) level entries, over the reader limit of \(options.maxRowGroupRows)")
            }
            var levels = LeafLevels()
            let values = try readChunk(chunk, descriptor: leaf.descriptor, rows: Int(meta.numValues), buffer: &buffer,
                                       levels: (leaf.maxRepetition, leaf.maxDefinition), collected: &levels)
            return NestedLeafStream(repetition: levels.repetition, definition: levels.definition, values: values)
        } catch {
            throw error.adding(ErrorContext(column: leaf.path))
        }
    }
}
