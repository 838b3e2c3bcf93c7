import Synchronization
import SluiceConfig
import SluiceCore
import SluicePipeline

/// The small tables of a run's broadcast joins, read once per executor and kept for every task of the run.
final class JoinTables: Sendable {
    private let tables = Mutex<[String: JoinTable]>([:])

    /// `join`'s table for `table`, read through `reader` the first time it is asked for (on the calling thread:
    /// blocking). Two tasks asking at once may both read it; one copy is kept.
    /// `options` name the join (`orders.customers`) for messages.
    func table(for join: TransformSpec.JoinSpec, of table: String, reader: any SourceReader, options: ReadOptions)
        throws(SluiceError) -> JoinTable {
        let key = "\(table)/\(join.name)"
        if let cached = tables.withLock({ $0[key] }) { return cached }
        var batches: [RecordBatch] = []
        var rows = 0
        _ = try reader.read(join.read, schema: join.readSchema, options: options) { batch throws(SluiceError) in
            rows += batch.rowCount
            guard rows <= join.maxRows else {
                throw SluiceError(.configInvalid,
                                  "join \(join.name) has more than max_rows \(join.maxRows) rows now; a broadcast join holds its table in memory on every executor: raise max_rows if that is fine",
                                  context: ErrorContext(table: table))
            }
            batches.append(batch)
        }
        // The joined columns by their declared names (the read names them as the source does).
        let prefix = join.name + "."
        let fields = [join.readSchema.fields[0]] + zip(join.readSchema.fields.dropFirst(), join.fields).map { read, joined in
            Field(name: String(joined.name.dropFirst(prefix.count)), type: read.type, nullable: read.nullable)
        }
        let schema = Schema(fields)
        let renamed = try batches.map { batch throws(SluiceError) in try RecordBatch(schema: schema, columns: batch.columns) }
        let built = try JoinTable(name: join.name, schema: schema, batches: renamed, keyColumn: 0)
        return tables.withLock { cache in
            if let existing = cache[key] { return existing }
            cache[key] = built
            return built
        }
    }
}
