import SluiceCore
import SluicePipeline
import Testing

/// The slots of a partition's parent keys: dense, stable, the same for the same key whatever its integer width,
/// none for NULLs and for keys never inserted.
@Suite struct ParentKeysTests {
    @Test func integerKeysGetDenseStableSlotsThroughManyResizes() {
        var keys = ParentKeys()
        var rng = SplitMix64(seed: 3)
        // Random keys (with repeats), extremes and consecutive ids: 200,000 rows, enough to resize the table often.
        var values: [Int64] = [Int64.min, Int64.max, 0, -1]
        for _ in 0..<100_000 { values.append(Int64(bitPattern: rng.next()) % 50_000) }
        for id in 1...100_000 { values.append(Int64(id) << 20) }
        let slots = keys.slots(inserting: Column(values: .int64(values)))
        var expected: [Int64: Int32] = [:]
        for value in values where expected[value] == nil { expected[value] = Int32(expected.count) }
        #expect(keys.count == expected.count)
        #expect(slots == values.map { expected[$0]! })
        #expect(keys.slots(of: Column(values: .int64(values))) == slots)
        for (value, slot) in expected.prefix(1000) { #expect(keys.key(slot) == .integer(value)) }
        // Keys never inserted, and NULLs.
        #expect(keys.slots(of: Column(values: .int64([50_001, (1 << 20) + 1]))) == [ParentKeys.none, ParentKeys.none])
        #expect(keys.slots(of: Column(values: .int64([0, 0]), validity: [false, true])) == [ParentKeys.none, expected[0]!])
        // A child's int32 key finds its parent's int64 one.
        #expect(keys.slots(of: Column(values: .int32([-1]))) == [expected[-1]!])
    }

    @Test func byteKeysAndNulls() {
        var keys = ParentKeys()
        let parents = Column(values: .bytes(ByteArrays(strings: ["a", "", "ä", "a", "b"])), validity: [true, true, true, true, false])
        #expect(keys.slots(inserting: parents) == [0, 1, 2, 0, ParentKeys.none])
        #expect(keys.slots(of: Column(values: .bytes(ByteArrays(strings: ["ä", "c", ""])))) == [2, ParentKeys.none, 1])
        #expect(keys.key(2) == .bytes(Array("ä".utf8)))
    }
}
