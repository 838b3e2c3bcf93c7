// The COPY BINARY fuzz harness, shared by the libFuzzer build (scripts/fuzz-copy.sh compiles this file into
// the decoder's module with -D SLUICE_FUZZ) and the corpus replay test: the first input byte picks a column
// set and the policies, the second the chunk size; the rest is the stream. Every input must end in rows or a
// SluiceError; a crash, hang or runaway allocation is a bug.
import SluiceCore
#if !SLUICE_FUZZ
import PostgresSource
#endif

enum CopyFuzzHarness {
    /// Column sets the first input byte chooses from: every scalar type into strings, native targets, arrays,
    /// and conversions that can fail.
    static let columnSets: [[(SourceColumn, DataType)]] = {
        func c(_ name: String, _ oid: UInt32, _ type: DataType) -> (SourceColumn, DataType) {
            (SourceColumn(name: name, typeOID: oid, typeName: "oid \(oid)"), type)
        }
        let scalars: [UInt32] = [16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 650, 700, 701, 869, 1042, 1043, 1082, 1083, 1114, 1184,
                                 1186, 1700, 2950, 3802]
        return [
            scalars.map { c("s\($0)", $0, .string) },
            [c("i8", 20, .int64), c("n", 1700, .decimal(precision: 38, scale: 10)), c("f8", 701, .float64), c("d", 1082, .date),
             c("ts", 1114, .timestamp), c("tz", 1184, .timestampTZ), c("u", 2950, .uuid), c("jb", 3802, .json), c("b", 17, .binary),
             c("t", 1083, .time), c("bool", 16, .boolean), c("f4", 700, .float32)],
            [1000, 1001, 1002, 1003, 1016, 1005, 1007, 1009, 1028, 199, 651, 1021, 1022, 1041, 1014, 1015, 1182, 1183, 1115, 1185,
             1187, 1231, 2951, 3807].map { c("a\($0)", UInt32($0), .json) },
            [c("n1", 1700, .decimal(precision: 10, scale: 2)), c("n2", 1700, .int32), c("n3", 1700, .float32), c("i2", 21, .uint8),
             c("i4", 23, .decimal(precision: 5, scale: 1)), c("iv", 1186, .json), c("d", 1082, .timestampTZ), c("o", 26, .int16)],
        ]
    }()

    /// Decodes one fuzz input; returns the rows decoded or the error.
    static func replay(_ bytes: [UInt8]) -> Result<Int, SluiceError> {
        guard bytes.count >= 2 else { return .success(0) }
        let set = columnSets[Int(bytes[0]) % columnSets.count]
        let chunk = max(1, Int(bytes[1]))
        let lenient = bytes[0] & 0x80 != 0
        let schema = Schema(set.map { Field(name: $0.0.name, type: $0.1) })
        let options = CopyDecodeOptions(batchRowCount: 3, numericSpecials: lenient ? .null : .reject, infiniteDates: lenient ? .null : .reject,
                                        validateUTF8: lenient,
                                        cursorColumn: set.contains { $0.0.name == "ts" } ? "ts" : nil)
        do {
            var decoder = try CopyBinaryDecoder(columns: set.map(\.0), schema: schema, options: options)
            var rows = 0
            let stream = Array(bytes[2...])
            var offset = 0
            while offset < stream.count {
                let end = min(offset + chunk, stream.count)
                try decoder.feed(Array(stream[offset..<end])) { batch in
                    rows += batch.rowCount
                    for column in 0..<batch.columns.count where batch.rowCount > 0 {
                        _ = batch.value(row: batch.rowCount - 1, column: column).text(as: batch.schema.fields[column].type)
                    }
                }
                offset = end
            }
            if let last = try decoder.finish() { rows += last.rowCount }
            return .success(rows)
        } catch let error as SluiceError {
            return .failure(error)
        } catch {
            return .failure(SluiceError(.internalError, "unexpected error \(error)"))
        }
    }

}
