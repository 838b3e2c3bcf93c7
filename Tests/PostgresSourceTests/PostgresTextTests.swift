import Testing
@testable import PostgresSource

/// Text forms that the server comparisons do not reach directly.
@Suite("PostgreSQL text forms")
struct PostgresTextTests {
    func render(_ body: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        body(&out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func intervalJSONKeepsTheThreeFields() {
        #expect(render { PostgresText.appendIntervalJSON(microseconds: -1, days: 2, months: -14, into: &$0) }
                == "{\"months\":-14,\"days\":2,\"microseconds\":-1}")
        #expect(render { PostgresText.appendInterval(microseconds: 0, days: 0, months: 0, into: &$0) } == "PT0S")
        #expect(render { PostgresText.appendInterval(microseconds: -500_000, days: 0, months: 0, into: &$0) } == "PT-0.5S")
        #expect(render { PostgresText.appendInterval(microseconds: Int64.min, days: Int32.min, months: Int32.min, into: &$0) }.hasPrefix("P-"))
    }

    @Test func floatsUsePostgresThresholds() {
        #expect(render { PostgresText.appendFloat(1e15, fixedLimit: 15, into: &$0) } == "1e+15")
        #expect(render { PostgresText.appendFloat(123456789012345.0, fixedLimit: 15, into: &$0) } == "123456789012345")
        #expect(render { PostgresText.appendFloat(0.0001, fixedLimit: 15, into: &$0) } == "0.0001")
        #expect(render { PostgresText.appendFloat(0.00001, fixedLimit: 15, into: &$0) } == "1e-05")
        #expect(render { PostgresText.appendFloat(Float(1e6), fixedLimit: 6, into: &$0) } == "1e+06")
        #expect(render { PostgresText.appendFloat(-0.0, fixedLimit: 15, into: &$0) } == "-0")
        #expect(render { PostgresText.appendFloat(Double.nan, fixedLimit: 15, into: &$0) } == "NaN")
    }

    @Test func malformedInetIsRefused() {
        var out: [UInt8] = []
        for bytes: [UInt8] in [[], [2, 32, 0, 4, 1, 2, 3], [2, 33, 0, 4, 1, 2, 3, 4], [3, 64, 0, 4, 1, 2, 3, 4], [9, 0, 0, 0]] {
            #expect(!bytes.withUnsafeBytes { PostgresText.appendInet($0, into: &out) })
        }
    }

    @Test func jsonStringsEscapeLikeEscapeJSON() {
        let raw: [UInt8] = Array("a\"b\\c\u{8}\u{c}\n\r\t\u{1}ü".utf8)
        #expect(render { out in raw.withUnsafeBytes { PostgresText.appendJSONString($0, into: &out) } }
                == "\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001ü\"")
    }

    @Test func charTypeEscapesHighBytes() {
        #expect(render { PostgresText.appendChar(0xE9, into: &$0) } == "\\351")
        #expect(render { PostgresText.appendChar(0, into: &$0) } == "")
    }
}
