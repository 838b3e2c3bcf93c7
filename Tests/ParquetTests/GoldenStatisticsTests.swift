import Foundation
import Parquet
import SluiceCore
import Testing

/// The column chunk statistics of the golden files (pyarrow's and Spark's), as Sluice decodes them, against the
/// values in each row group: NULL counts equal, min and max exact bounds (each is a value of the row group and no
/// value lies outside) in the order row-group pruning uses, never NaN. Statistics may be missing only where
/// Parquet gives them no order or meaning: INT96, unannotated FIXED_LEN_BYTE_ARRAY, a chunk without non-NULL
/// non-NaN values, or a writer's NaN min/max (parquet-mr writes NaN as the max; the format says to ignore it).
@Suite struct GoldenStatisticsTests {
    @Test(arguments: GoldenFileTests.names())
    func statisticsBoundTheValues(_ name: String) throws {
        let reader = try ParquetFileReader(path: GoldenFileTests.directory.appendingPathComponent(name + ".parquet").path)
        let rawNaN = try nanExtremes(reader)
        for group in 0..<reader.rowGroupCount {
            let batch = try reader.readRowGroup(group)
            for (index, field) in reader.schema.fields.enumerated() {
                let place = "\(name): row group \(group), column \(field.name)"
                let stats = reader.statistics(rowGroup: group, column: field.name)
                let values = (0..<batch.rowCount).map { batch.value(row: $0, column: index) }
                let nulls = values.filter { $0 == .null }.count
                if let count = stats?.nullCount { #expect(count == nulls, "\(place): null count") }
                let ordered = values.filter { $0 != .null && !$0.isNaN }
                guard let min = stats?.min, let max = stats?.max else {
                    let descriptor = try #require(reader.fileSchema.columns.first { $0.name == field.name })
                    let unordered = descriptor.physicalType == .int96
                        || (descriptor.physicalType == .fixedLenByteArray && descriptor.logicalType == nil)
                    let exempt = unordered || ordered.isEmpty || rawNaN.contains([group, index])
                    #expect(exempt, "\(place): no usable min/max")
                    continue
                }
                #expect(!min.isNaN && !max.isNaN, "\(place): NaN min \(min) or max \(max)")
                for value in ordered {
                    let low = ValueOrder.compare(min, value, type: field.type)
                    let high = ValueOrder.compare(max, value, type: field.type)
                    #expect(low != nil && low! <= 0, "\(place): min \(min) above the value \(value)")
                    #expect(high != nil && high! >= 0, "\(place): max \(max) below the value \(value)")
                    if low == nil || low! > 0 || high == nil || high! < 0 { break }
                }
                #expect(ordered.contains { ValueOrder.compare(min, $0, type: field.type) == 0 }, "\(place): min \(min) is no value")
                #expect(ordered.contains { ValueOrder.compare(max, $0, type: field.type) == 0 }, "\(place): max \(max) is no value")
            }
        }
    }

    /// [row group, column] of the chunks whose raw min_value or max_value is a NaN float or double.
    func nanExtremes(_ reader: ParquetFileReader) throws -> Set<[Int]> {
        var result: Set<[Int]> = []
        for (group, rowGroup) in reader.metadata.rowGroups.enumerated() {
            for (index, descriptor) in reader.fileSchema.columns.enumerated() {
                guard let raw = rowGroup.columns[reader.fileSchema.chunkIndices[index]].metaData?.statistics else { continue }
                for bytes in [raw.minValue, raw.maxValue].compactMap({ $0 }) {
                    let nan = switch descriptor.physicalType {
                    case .float: bytes.count == 4 && Float(bitPattern: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }).isNaN
                    case .double: bytes.count == 8 && Double(bitPattern: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }).isNaN
                    default: false
                    }
                    if nan { result.insert([group, index]) }
                }
            }
        }
        return result
    }

    /// parquet-mr writes NaN as the max of a float chunk holding one; Sluice ignores it (no min/max), keeps the
    /// NULL count, and so never prunes on it.
    @Test func nanMaxWrittenBySparkIsIgnored() throws {
        let reader = try ParquetFileReader(path: GoldenFileTests.directory.appendingPathComponent("spark_types_default.parquet").path)
        for (name, index) in [("f32", 7), ("f64", 8)] {
            #expect(reader.fileSchema.columns[index].name == name)
            #expect(try nanExtremes(reader).contains([0, index]), "\(name): the fixture no longer has a NaN max")
            let stats = try #require(reader.statistics(rowGroup: 0, column: name))
            #expect(stats.min == nil && stats.max == nil, "\(name): min \(String(describing: stats.min)) max \(String(describing: stats.max))")
            let column = try #require(try reader.readRowGroup(0, columns: [name]).columns.first)
            #expect(stats.nullCount == column.nullCount)
            #expect(try reader.rowGroups(matching: [.init(column: name, lower: name == "f32" ? .float(1e38) : .double(1e308))]) == [0])
        }
    }

    /// Pruning on a file parquet-mr wrote with three row groups (ids 0-39, 40-79, 80-99).
    @Test func sparkRowGroupsArePrunedByStatistics() throws {
        let path = GoldenFileTests.directory.appendingPathComponent("spark_small_pages_gzip.parquet").path
        let reader = try ParquetFileReader(path: path)
        #expect(reader.rowGroupCount == 3)
        #expect(try reader.rowGroups(matching: [.init(column: "id", lower: .int(45), upper: .int(50))]) == [1])
        #expect(try reader.rowGroups(matching: [.init(column: "id", lower: .int(39), upper: .int(40))]) == [0, 1])
        #expect(try reader.rowGroups(matching: [.init(column: "id", lower: .int(100))]) == [])
        // Strings in byte order: group 0 spans "row 0 ✓"..."row 9 ✓", group 1 "row 40 ✓"..."row 79 ✓".
        #expect(try reader.rowGroups(matching: [.init(column: "name", lower: .string("row 85 ✓"), upper: .string("row 85 ✓"))]) == [0, 2])
    }
}

extension Value {
    var isNaN: Bool {
        switch self {
        case .float(let v): v.isNaN
        case .double(let v): v.isNaN
        default: false
        }
    }
}
