import CZlib
import Foundation
import Parquet
import SluiceCore
import Testing

/// large_string_map.brotli.parquet: 2 rows, each a MAP<STRING, INT32> of one entry whose key is 2^30 times
/// "a" (a 1 GiB dictionary page, 2 GiB of values). Refused by default (the corpus test checks the message);
/// read with a raised page limit and compared with pyarrow. That takes minutes and about 7 GB of memory on
/// each side, so it runs only when SLUICE_LARGE_PARQUET=1.
@Suite struct LargeNestedValueTests {
    static let enabled = ProcessInfo.processInfo.environment["SLUICE_LARGE_PARQUET"] == "1"

    /// A JSON text's UTF-8 length, CRC-32, first and last 64 characters.
    struct Digest: Equatable {
        var length: Int, crc: Int, head: String, tail: String

        init(_ text: String) {
            var text = text
            length = text.utf8.count
            crc = text.withUTF8 { Int(crc32(0, $0.baseAddress, uInt($0.count))) }
            head = String(text.prefix(64))
            tail = String(text.suffix(64))
        }

        init?(_ json: Any) {
            guard let fields = json as? [Any], fields.count == 4, let length = (fields[0] as? NSNumber)?.intValue,
                  let crc = (fields[1] as? NSNumber)?.intValue, let head = fields[2] as? String,
                  let tail = fields[3] as? String else { return nil }
            (self.length, self.crc, self.head, self.tail) = (length, crc, head, tail)
        }
    }

    @Test(.enabled(if: enabled, "set SLUICE_LARGE_PARQUET=1: reads 2 GiB of map keys"))
    func largeStringMapWithARaisedPageLimit() throws {
        let path = TestFiles.parquetTesting.appendingPathComponent("large_string_map.brotli.parquet").path
        let reader = try ParquetFileReader(path: path, options: ParquetReaderOptions(maxPageBytes: 1 << 31))
        let batch = try reader.readRowGroup(0)
        let got: [Digest?] = (0..<batch.rowCount).map { row in
            guard case .string(let text) = batch.value(row: row, column: 0) else { return nil }
            return Digest(text)
        }
        #expect(got.count == 2)
        #expect(got.first??.length == (1 << 30) + 6, "{\"<key>\":1}")
        let data = try Python.run("nested_digest.py", [path, "arr"])
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let want = try #require(object?["rows"] as? [Any]).map { $0 is NSNull ? nil : Digest($0) }
        #expect(want.count == got.count, "pyarrow rows")
        for (row, (mine, theirs)) in zip(got, want).enumerated() {
            #expect(mine == theirs, "row \(row): length, crc32, head, tail")
        }
    }
}
