/// Google's CityHash128, **version 1.0.2**: the checksum in front of every block of ClickHouse's compressed
/// stream (`CompressedReadBufferBase::readCompressedData` compares it with the hash of the block's header and
/// compressed bytes; ClickHouse bundles this old version as `contrib/cityhash102`, namespace `CityHash_v1_0_2`).
///
/// Later CityHash versions changed the algorithm (`HashLen0to16` and the 128-bit tail loop among others), so
/// today's CityHash libraries give other values; this is a Swift implementation of the 1.0.2 algorithm, checked against the
/// `clickhouse-cityhash` 1.0.2.6 package and against ClickHouse 18.16 itself (``ClickHouseCompressedBlock``).
///
/// The result is the C++ `uint128` pair: ``low64`` is `first`, ``high64`` is `second`. A compressed block stores
/// it as ``low64`` then ``high64``, both little-endian (``bytes``). The pure function reads unaligned
/// little-endian words, as the C++ does on the little-endian hosts it supports.
public struct CityHash128: Hashable, Sendable, CustomStringConvertible {
    public var low64: UInt64
    public var high64: UInt64

    public init(low64: UInt64, high64: UInt64) {
        self.low64 = low64
        self.high64 = high64
    }

    /// The hash of `bytes`.
    public init(hashing bytes: UnsafeRawBufferPointer) {
        self = Self.hash(bytes)
    }

    /// The hash of `bytes`.
    public init(hashing bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { Self.hash($0) }
    }

    /// The 16 bytes as a compressed block carries them: ``low64``, then ``high64``, little-endian.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        out.withUnsafeMutableBytes { store(into: $0.baseAddress!) }
        return out
    }

    /// Writes ``bytes`` at `address` (16 bytes).
    public func store(into address: UnsafeMutableRawPointer) {
        address.storeBytes(of: low64.littleEndian, toByteOffset: 0, as: UInt64.self)
        address.storeBytes(of: high64.littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// Reads the 16 bytes a compressed block starts with.
    public init(loadingFrom address: UnsafeRawPointer) {
        low64 = UInt64(littleEndian: address.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        high64 = UInt64(littleEndian: address.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// `low64` then `high64` in hex, as ClickHouse's "Checksum doesn't match" message prints them.
    public var description: String { Self.hex(low64) + Self.hex(high64) }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

// MARK: The algorithm (city.cc of CityHash 1.0.2)

extension CityHash128 {
    private static let k0: UInt64 = 0xc3a5_c85c_97cb_3127
    private static let k1: UInt64 = 0xb492_b66f_be98_f273
    private static let k2: UInt64 = 0x9ae1_6a3b_2f90_404f
    private static let k3: UInt64 = 0xc949_d7c7_509e_6557

    /// The input's bytes, read at offsets from its start: the 128-bit tail step reads behind the current position
    /// (never before the input), so every read is an offset from the start rather than from a moving pointer.
    private struct Input {
        let base: UnsafeRawPointer

        @inline(__always)
        func fetch64(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }

        @inline(__always)
        func fetch32(_ offset: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }

        @inline(__always)
        func byte(_ offset: Int) -> UInt64 {
            UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
        }
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> CityHash128 {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else {
            return withSeed(Input(base: UnsafeRawPointer(bitPattern: 1)!), start: 0, length: 0, seed: (k0, k1))
        }
        let input = Input(base: base)
        if count >= 16 {
            return withSeed(input, start: 16, length: count - 16, seed: (input.fetch64(0) ^ k3, input.fetch64(8)))
        }
        if count >= 8 {
            // The C++ passes no bytes at all here: the whole input is in the seed.
            return withSeed(input, start: 0, length: 0,
                            seed: (input.fetch64(0) ^ (UInt64(count) &* k0), input.fetch64(count - 8) ^ k1))
        }
        return withSeed(input, start: 0, length: count, seed: (k0, k1))
    }

    @inline(__always)
    private static func rotate(_ value: UInt64, _ shift: Int) -> UInt64 {
        shift == 0 ? value : (value >> UInt64(shift)) | (value << UInt64(64 - shift))
    }

    @inline(__always)
    private static func shiftMix(_ value: UInt64) -> UInt64 { value ^ (value >> 47) }

    /// `Hash128to64` of city.h.
    @inline(__always)
    private static func hashLen16(_ u: UInt64, _ v: UInt64) -> UInt64 {
        let multiplier: UInt64 = 0x9ddf_ea08_eb38_2d69
        var a = (u ^ v) &* multiplier
        a ^= a >> 47
        var b = (v ^ a) &* multiplier
        b ^= b >> 47
        return b &* multiplier
    }

    private static func hashLen0to16(_ input: Input, _ start: Int, _ length: Int) -> UInt64 {
        let len = UInt64(length)
        if length > 8 {
            let a = input.fetch64(start)
            let b = input.fetch64(start + length - 8)
            return hashLen16(a, rotate(b &+ len, length)) ^ b
        }
        if length >= 4 {
            let a = input.fetch32(start)
            return hashLen16(len &+ (a << 3), input.fetch32(start + length - 4))
        }
        if length > 0 {
            let a = input.byte(start)
            let b = input.byte(start + (length >> 1))
            let c = input.byte(start + length - 1)
            let y = UInt64(UInt32(truncatingIfNeeded: a &+ (b << 8)))
            let z = UInt64(UInt32(truncatingIfNeeded: len &+ (c << 2)))
            return shiftMix((y &* k2) ^ (z &* k3)) &* k2
        }
        return k2
    }

    /// `WeakHashLen32WithSeeds`: 16 bytes of hash for 32 bytes of input and two seeds.
    @inline(__always)
    private static func weakHash32(_ w: UInt64, _ x: UInt64, _ y: UInt64, _ z: UInt64,
                                   _ seedA: UInt64, _ seedB: UInt64) -> (UInt64, UInt64) {
        var a = seedA &+ w
        var b = rotate(seedB &+ a &+ z, 21)
        let c = a
        a = a &+ x
        a = a &+ y
        b = b &+ rotate(a, 44)
        return (a &+ z, b &+ c)
    }

    @inline(__always)
    private static func weakHash32(_ input: Input, _ offset: Int, _ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
        weakHash32(input.fetch64(offset), input.fetch64(offset + 8), input.fetch64(offset + 16), input.fetch64(offset + 24), a, b)
    }

    /// `CityMurmur`: inputs shorter than 128 bytes.
    private static func cityMurmur(_ input: Input, _ start: Int, _ length: Int, seed: (UInt64, UInt64)) -> CityHash128 {
        var a = seed.0
        var b = seed.1
        var c: UInt64
        var d: UInt64
        var remaining = length - 16
        if remaining <= 0 {
            a = shiftMix(a &* k1) &* k1
            c = b &* k1 &+ hashLen0to16(input, start, length)
            d = shiftMix(a &+ (length >= 8 ? input.fetch64(start) : c))
        } else {
            c = hashLen16(input.fetch64(start + length - 8) &+ k1, a)
            d = hashLen16(b &+ UInt64(length), c &+ input.fetch64(start + length - 16))
            a = a &+ d
            var position = start
            repeat {
                a ^= shiftMix(input.fetch64(position) &* k1) &* k1
                a = a &* k1
                b ^= a
                c ^= shiftMix(input.fetch64(position + 8) &* k1) &* k1
                c = c &* k1
                d ^= c
                position += 16
                remaining -= 16
            } while remaining > 0
        }
        a = hashLen16(a, c)
        b = hashLen16(d, b)
        return CityHash128(low64: a ^ b, high64: hashLen16(b, a))
    }

    /// `CityHash128WithSeed` over `length` bytes from `start`.
    private static func withSeed(_ input: Input, start: Int, length: Int, seed: (UInt64, UInt64)) -> CityHash128 {
        if length < 128 {
            return cityMurmur(input, start, length, seed: seed)
        }
        var x = seed.0
        var y = seed.1
        var z = UInt64(length) &* k1
        var v: (UInt64, UInt64) = (0, 0)
        var w: (UInt64, UInt64) = (0, 0)
        v.0 = rotate(y ^ k1, 49) &* k1 &+ input.fetch64(start)
        v.1 = rotate(v.0, 42) &* k1 &+ input.fetch64(start + 8)
        w.0 = rotate(y &+ z, 35) &* k1 &+ x
        w.1 = rotate(x &+ input.fetch64(start + 88), 53) &* k1

        var position = start
        var remaining = length
        repeat {
            // Two rounds of 64 bytes, as CityHash64's inner loop.
            for _ in 0..<2 {
                x = rotate(x &+ y &+ v.0 &+ input.fetch64(position + 16), 37) &* k1
                y = rotate(y &+ v.1 &+ input.fetch64(position + 48), 42) &* k1
                x ^= w.1
                y ^= v.0
                z = rotate(z ^ w.0, 33)
                v = weakHash32(input, position, v.1 &* k1, x &+ w.0)
                w = weakHash32(input, position + 32, z &+ w.1, y)
                swap(&z, &x)
                position += 64
            }
            remaining -= 128
        } while remaining >= 128
        y = y &+ rotate(w.0, 37) &* k0 &+ z
        x = x &+ rotate(v.0 &+ z, 49) &* k0
        // Up to four 32-byte chunks from the end, which may overlap bytes already hashed.
        var tailDone = 0
        while tailDone < remaining {
            tailDone += 32
            y = rotate(y &- x, 42) &* k0 &+ v.1
            w.0 = w.0 &+ input.fetch64(position + remaining - tailDone + 16)
            x = rotate(x, 49) &* k0 &+ w.0
            w.0 = w.0 &+ v.0
            v = weakHash32(input, position + remaining - tailDone, v.0, v.1)
        }
        x = hashLen16(x, v.0)
        y = hashLen16(y, w.0)
        return CityHash128(low64: hashLen16(x &+ v.1, w.1) &+ y, high64: hashLen16(x &+ w.1, y &+ v.1))
    }
}
