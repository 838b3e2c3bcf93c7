import SluiceCore

/// The repetition and definition levels of a nested column's leaf chunk, decoded page by page
/// (parquet-format "Data Pages": RLE/bit-packed hybrid, bit width from the maximum level; in data page v1
/// each run is prefixed with its 4-byte length, in v2 the lengths are in the page header).
struct LeafLevels {
    var repetition: [UInt8] = []
    var definition: [UInt8] = []

    /// The bits a level up to `maximum` takes.
    static func bitWidth(_ maximum: Int) -> Int { maximum == 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount }

    /// Decodes the levels at the start of a v1 data page; sets `offset` to where its values start and
    /// `validity[k]` to whether entry k holds a value. Returns how many do.
    static func decodeV1(_ data: UnsafeRawBufferPointer, count: Int, page: ParquetPageHeader.DataPage,
                         maximum: (repetition: Int, definition: Int), validity: UnsafeMutablePointer<Bool>,
                         into levels: inout LeafLevels, offset: inout Int) throws(SluiceError) -> Int {
        func section(_ encoding: ParquetEncoding, _ what: String) throws(SluiceError) -> UnsafeRawBufferPointer {
            guard encoding == .rle else {
                throw ParquetError.unsupported("\(what) level encoding \(encoding) is not supported in nested columns")
            }
            guard data.count - offset >= 4 else { throw ParquetError.corrupt("data page too short for its \(what) levels") }
            let length = Int(UInt32(littleEndian: (data.baseAddress! + offset).loadUnaligned(as: UInt32.self)))
            guard length <= data.count - offset - 4 else {
                throw ParquetError.corrupt("\(what) levels of \(length) bytes run past the end of the page")
            }
            let bytes = UnsafeRawBufferPointer(rebasing: data[(offset + 4)..<(offset + 4 + length)])
            offset += 4 + length
            return bytes
        }
        offset = 0
        let repetition = maximum.repetition > 0 ? try section(page.repetitionLevelEncoding, "repetition") : nil
        let definition = maximum.definition > 0 ? try section(page.definitionLevelEncoding, "definition") : nil
        return try append(repetition: repetition, definition: definition, count: count, maximum: maximum,
                          validity: validity, into: &levels)
    }

    /// Decodes the levels of a v2 data page (never compressed, lengths from the header).
    static func decodeV2(repetition: UnsafeRawBufferPointer, definition: UnsafeRawBufferPointer, count: Int,
                         maximum: (repetition: Int, definition: Int), validity: UnsafeMutablePointer<Bool>,
                         into levels: inout LeafLevels) throws(SluiceError) -> Int {
        try append(repetition: maximum.repetition > 0 ? repetition : nil,
                   definition: maximum.definition > 0 ? definition : nil, count: count, maximum: maximum,
                   validity: validity, into: &levels)
    }

    private static func append(repetition: UnsafeRawBufferPointer?, definition: UnsafeRawBufferPointer?, count: Int,
                               maximum: (repetition: Int, definition: Int), validity: UnsafeMutablePointer<Bool>,
                               into levels: inout LeafLevels) throws(SluiceError) -> Int {
        guard count > 0 else { return 0 }
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: count)
        defer { scratch.deallocate() }
        if let repetition {
            var decoder = RLEHybridDecoder(repetition, bitWidth: bitWidth(maximum.repetition))
            try decoder.decode(into: scratch, count: count)
            for k in 0..<count {
                guard scratch[k] <= UInt32(maximum.repetition) else {
                    throw ParquetError.corrupt("repetition level \(scratch[k]) above the maximum \(maximum.repetition)")
                }
                levels.repetition.append(UInt8(scratch[k]))
            }
        } else {
            levels.repetition.append(contentsOf: repeatElement(0, count: count))
        }
        var present = 0
        if let definition {
            var decoder = RLEHybridDecoder(definition, bitWidth: bitWidth(maximum.definition))
            try decoder.decode(into: scratch, count: count)
            for k in 0..<count {
                let level = scratch[k]
                guard level <= UInt32(maximum.definition) else {
                    throw ParquetError.corrupt("definition level \(level) above the maximum \(maximum.definition)")
                }
                levels.definition.append(UInt8(level))
                let has = level == UInt32(maximum.definition)
                validity[k] = has
                present += has ? 1 : 0
            }
        } else {
            levels.definition.append(contentsOf: repeatElement(0, count: count))
            for k in 0..<count { validity[k] = true }
            present = count
        }
        return present
    }
}
