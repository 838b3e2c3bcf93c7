import SluiceMetrics
import Testing

/// /proc/self/stat and /proc/self/statm as proc(5) describes them.
@Suite struct ProcessStatsTests {
    // A command name with a space and a parenthesis: fields are counted from the last ")".
    let stat = "4242 (sluice (x) y) S 1 4242 4242 0 -1 4194560 2000 0 0 0 350 150 0 0 20 0 9 0 1000 300000000 5000 18446744073709551615"

    @Test func cpuIsUserPlusSystemTicksAndMemoryIsResidentPages() throws {
        let stats = try #require(ProcessStats.parse(stat: stat, statm: "73242 5000 1200 300 0 9000 0\n", ticksPerSecond: 100, pageSize: 4096))
        #expect(stats.cpuSeconds == 5.0, "350 + 150 ticks at 100 per second")
        #expect(stats.residentBytes == 5000 * 4096)
    }

    @Test(arguments: [
        ("garbage", "1 2"),
        ("1 (x) S 1 2", "1 2"),
        ("4242 (x) S 1 4242 4242 0 -1 4194560 2000 0 0 0 abc 150", "1 2"),
        ("4242 (x) S 1 4242 4242 0 -1 4194560 2000 0 0 0 350 150", "1"),
    ])
    func textThatIsNotProcIsNil(stat: String, statm: String) {
        #expect(ProcessStats.parse(stat: stat, statm: statm, ticksPerSecond: 100, pageSize: 4096) == nil)
    }

    @Test func thisProcessHasSomeMemoryAndCPU() throws {
        let stats = try #require(ProcessStats.current(), "Linux has /proc")
        #expect(stats.residentBytes > 1_000_000)
        #expect(stats.cpuSeconds >= 0)
    }
}
