import ClickHouseSink
import Testing

/// CityHash128 v1.0.2 against known answers. The expected values were computed with the PyPI package
/// `clickhouse-cityhash` 1.0.2.6 (the C++ of CityHash 1.0.2, as clickhouse-driver uses for the same checksum):
/// `CityHash128(data)` returns `low64 << 64 | high64`, printed here as the pair. The inputs cover every branch of
/// the algorithm: the byte, 4-byte and 8-byte paths under 16 bytes, `CityMurmur` (16 to 143 bytes), and the
/// 128-byte loop with 0 to 4 tail chunks. That ClickHouse 18.16 accepts the checksums is tested in
/// `ClickHouseCompressedInsertTests`.
@Suite struct CityHash128Tests {
    /// Byte `i` of the `n`-byte input is `(i * 31 + 7) % 251`.
    static func input(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8((($0 * 31) + 7) % 251) }
    }

    static let lengthCases: [(Int, UInt64, UInt64)] = [
        (0, 0x3df09dfc64c09a2b, 0x3cb540c392e51e29),
        (1, 0x8be55b379cce0e40, 0x05ab4744478b1cba),
        (2, 0x701c733aee3382d4, 0xba4eae41e0e6dc7a),
        (3, 0xe407deda7bb0f294, 0x0a3a0d146e27f1bd),
        (4, 0x905dcb2063ae124f, 0x57fd5b5954a593c5),
        (5, 0x69a56895d9ac3ddc, 0x955b14ec8ac620d5),
        (7, 0xd7ba2459ab7c2913, 0x53dd430b513ca460),
        (8, 0xf5a4ca47208136a0, 0x3dd4575b3d46e5ab),
        (9, 0xf41ac09d2770942b, 0xc38d26d910bf8e66),
        (15, 0x0ad116bbd3047d98, 0x6fd4ee609e9af7d8),
        (16, 0x5dc1f7f665acdceb, 0xd24a302840fcd5c0),
        (17, 0x286f33552773b697, 0x5eccdb1ec3d53119),
        (24, 0xb2f4d70f1eca031d, 0xca51985759d93ad4),
        (31, 0x64002bbacc802524, 0x3d22ae796170569e),
        (32, 0xcc0fd480ca9ef582, 0xc15771ffd1ddd708),
        (33, 0xcab728eee7adf1f8, 0x723c18e938a6b5e9),
        (48, 0xf448485f15a7f94b, 0xb2386e2f0790d322),
        (63, 0x5537736b9f46679a, 0xb3d2c6f9c7d0cf90),
        (64, 0x4807b8e59f3ca2fb, 0x81790353b25f9d93),
        (65, 0x1d03fc9078f6dc51, 0xe7819d3b0a7d63c6),
        (100, 0x19d308d61465daaa, 0xd6ed8d31c155a8cd),
        (127, 0xbcdd8a6ae5611d1f, 0x7fe73ed89b5b9136),
        (128, 0x02470e33ab431528, 0xd22184bc03949339),
        (129, 0x26904e5bddff8870, 0x38da211e778016ce),
        (143, 0x9d642d6a362bea83, 0x9ae2fce46b572658),
        (144, 0x6421a626dc5080e7, 0x094ee0a09a3ac4bb),
        (145, 0xd53e773e9767b1cf, 0xe9831dfa2f5de601),
        (160, 0x924193ac1bdb8a6d, 0xea16c5f625c7bd3a),
        (191, 0x8f88115438d14fc2, 0x9a8b10c7bf061dfa),
        (192, 0xf239f606f9db09bf, 0x87c841d9cd88c4ff),
        (200, 0x9f1b9404e07bbe34, 0x4c0f70a92bbe272d),
        (255, 0xe09f868627f62e51, 0xf4b77ea89d4118e1),
        (256, 0x76ac0b1c0754ec4c, 0xc32a2ef401cf79f6),
        (257, 0x7dc56989aabc3233, 0x9ae85f90d137950e),
        (300, 0xb69df73cbc3eb6bf, 0xb71f67a365c3a32a),
        (1000, 0x2eeb6e28e3291c34, 0xb7c0e14f0392601c),
        (4109, 0xc8bcc3273be2f95f, 0xea3c2be5469513d3),
        (1048585, 0x3103f1ba5e5507c7, 0x48e42230c8d1ad27),
    ]

    static let textCases: [(String, UInt64, UInt64)] = [
        ("a", 0xd27139a1afe01ad0, 0xfd7e8ee2e4c86cf6),
        ("abc", 0x900ff195577748fe, 0x13a9176355b20d7e),
        ("ClickHouse", 0x3704cc81c00bb612, 0x76d43ac4baf91402),
        ("The quick brown fox jumps over the lazy dog", 0x69102202d326a2fd, 0xe4b1346bbee531a1),
    ]

    @Test(arguments: lengthCases)
    func knownAnswers(count: Int, low64: UInt64, high64: UInt64) {
        let hash = CityHash128(hashing: Self.input(count))
        #expect(hash == CityHash128(low64: low64, high64: high64), "\(count) bytes")
    }

    @Test(arguments: textCases)
    func knownAnswersForText(text: String, low64: UInt64, high64: UInt64) {
        #expect(CityHash128(hashing: Array(text.utf8)) == CityHash128(low64: low64, high64: high64))
    }

    /// The hash reads only its input: the same bytes at any alignment, inside a larger buffer, hash alike.
    @Test func alignmentAndNeighboursDoNotMatter() {
        for count in [0, 5, 15, 16, 143, 144, 300] {
            let expected = CityHash128(hashing: Self.input(count))
            for shift in 0..<8 {
                let padded = [UInt8](repeating: 0xAB, count: shift) + Self.input(count) + [UInt8](repeating: 0xCD, count: 9)
                let hash = padded.withUnsafeBytes { CityHash128(hashing: UnsafeRawBufferPointer(rebasing: $0[shift..<(shift + count)])) }
                #expect(hash == expected, "\(count) bytes at offset \(shift)")
            }
        }
    }

    @Test func bytesAndDescription() {
        let hash = CityHash128(low64: 0x0102_0304_0506_0708, high64: 0x1112_1314_1516_1718)
        #expect(hash.bytes == [8, 7, 6, 5, 4, 3, 2, 1, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11])
        #expect(hash.bytes.withUnsafeBytes { CityHash128(loadingFrom: $0.baseAddress!) } == hash)
        #expect("\(CityHash128(low64: 1, high64: 0xab))" == "000000000000000100000000000000ab")
    }
}
