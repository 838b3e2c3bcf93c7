import SluiceCore
import SluiceExpressions
import Testing

@Suite struct StringFunctionTests {
    static let texts = TestBatch.make([
        TestColumn("s", .string, ["Hello World", "", "ẞtraße", "İstanbul", "  pad  ", "ÄÖü", nil]),
        TestColumn("n", .int32, ["1", "2", "3", nil, "5", "6", "7"]),
        TestColumn("b", .binary, ["00ff", "", "e282ac", "01", "02", "03", nil]),
    ])

    @Test(arguments: [
        // Case mapping: Unicode's default full mapping, no locale (ẞ lowers to ß, ß uppers to SS, İ lowers to i + U+0307).
        ("lower(s)", ["hello world", "", "ßtraße", "i\u{307}stanbul", "  pad  ", "äöü", "NULL"]),
        ("upper(s)", ["HELLO WORLD", "", "ẞTRASSE", "İSTANBUL", "  PAD  ", "ÄÖÜ", "NULL"]),
        ("length(lower(s)) - length(s)", ["0", "0", "0", "1", "0", "0", "NULL"]),
        // Trimming: spaces by default, or the given characters.
        ("trim(s)", ["Hello World", "", "ẞtraße", "İstanbul", "pad", "ÄÖü", "NULL"]),
        ("ltrim(s)", ["Hello World", "", "ẞtraße", "İstanbul", "pad  ", "ÄÖü", "NULL"]),
        ("rtrim(s)", ["Hello World", "", "ẞtraße", "İstanbul", "  pad", "ÄÖü", "NULL"]),
        ("trim(s, 'Hdẞe ')", ["llo Worl", "", "traß", "İstanbul", "pa", "ÄÖü", "NULL"]),
        // substring: 1-based characters, clipped like PostgreSQL.
        ("substring(s, 1, 5)", ["Hello", "", "ẞtraß", "İstan", "  pad", "ÄÖü", "NULL"]),
        ("substring(s, 0, 3)", ["He", "", "ẞt", "İs", "  ", "ÄÖ", "NULL"]),
        ("substring(s, 7)", ["World", "", "", "ul", " ", "", "NULL"]),
        ("substring(s, -1, 2)", ["", "", "", "", "", "", "NULL"]),
        ("substring(s, 2, 0)", ["", "", "", "", "", "", "NULL"]),
        ("substring(s, n, 2)", ["He", "", "ra", "NULL", "d ", "", "NULL"]),
        ("substring(s, 3, 9223372036854775807)", ["llo World", "", "raße", "tanbul", "pad  ", "ü", "NULL"]),
        // length counts characters (Unicode scalars); of a binary, bytes.
        ("length(s)", ["11", "0", "6", "8", "7", "3", "NULL"]),
        ("length(b)", ["2", "0", "3", "1", "1", "1", "NULL"]),
        // concat skips NULLs and turns other types into text; || is NULL when either side is.
        ("concat(s, '-', NULL, n)", ["Hello World-1", "-2", "ẞtraße-3", "İstanbul-", "  pad  -5", "ÄÖü-6", "-7"]),
        ("concat(NULL)", ["", "", "", "", "", "", ""]),
        ("concat(n, 1.50, TRUE, DATE '2024-01-02')", ["11.50true2024-01-02", "21.50true2024-01-02", "31.50true2024-01-02",
                                                      "1.50true2024-01-02", "51.50true2024-01-02", "61.50true2024-01-02",
                                                      "71.50true2024-01-02"]),
        ("s || '!'", ["Hello World!", "!", "ẞtraße!", "İstanbul!", "  pad  !", "ÄÖü!", "NULL"]),
        ("s || n", ["Hello World1", "2", "ẞtraße3", "NULL", "  pad  5", "ÄÖü6", "NULL"]),
        ("s || '-' || n || '!'", ["Hello World-1!", "-2!", "ẞtraße-3!", "NULL", "  pad  -5!", "ÄÖü-6!", "NULL"]),
        ("'<' || (s || '>')", ["<Hello World>", "<>", "<ẞtraße>", "<İstanbul>", "<  pad  >", "<ÄÖü>", "NULL"]),
        ("CASE WHEN n > 3 THEN upper(s) ELSE 'x' END", ["x", "x", "x", "x", "  PAD  ", "ÄÖÜ", "NULL"]),
        // replace: every occurrence; an empty search string changes nothing.
        ("replace(s, 'l', 'L')", ["HeLLo WorLd", "", "ẞtraße", "İstanbuL", "  pad  ", "ÄÖü", "NULL"]),
        ("replace(s, '', 'x')", ["Hello World", "", "ẞtraße", "İstanbul", "  pad  ", "ÄÖü", "NULL"]),
        ("replace(s, 'ß', 'ss')", ["Hello World", "", "ẞtrasse", "İstanbul", "  pad  ", "ÄÖü", "NULL"]),
        ("replace(s, ' ', '')", ["HelloWorld", "", "ẞtraße", "İstanbul", "pad", "ÄÖü", "NULL"]),
        // regexp_replace: the first match, or every match with 'g'; PostgreSQL's \1 and \& in the replacement.
        ("regexp_replace(s, 'o', '0')", ["Hell0 World", "", "ẞtraße", "İstanbul", "  pad  ", "ÄÖü", "NULL"]),
        ("regexp_replace(s, 'o', '0', 'g')", ["Hell0 W0rld", "", "ẞtraße", "İstanbul", "  pad  ", "ÄÖü", "NULL"]),
        ("regexp_replace(s, '(\\w+) (\\w+)', '\\2 \\1')", ["World Hello", "", "ẞtraße", "İstanbul", "  pad  ", "ÄÖü", "NULL"]),
        ("regexp_replace(s, 'L', '_', 'gi')", ["He__o Wor_d", "", "ẞtraße", "İstanbu_", "  pad  ", "ÄÖü", "NULL"]),
        ("regexp_replace(s, '^(.)', '[\\&]$1')", ["[H]$1ello World", "", "[ẞ]$1traße", "[İ]$1stanbul", "[ ]$1 pad  ", "[Ä]$1Öü", "NULL"]),
        ("regexp_replace(s, '\\s+', ' ', 'g')", ["Hello World", "", "ẞtraße", "İstanbul", " pad ", "ÄÖü", "NULL"]),
    ])
    func transformsText(text: String, expected: [String]) throws {
        let actual = try evaluate(text, on: Self.texts)
        #expect(actual == expected, "\(text): \(actual)")
    }

    @Test func mapsCaseOfASCIIColumnsInOnePass() throws {
        let ascii = TestBatch.make([TestColumn("s", .string, ["AbC", "x", nil, "DEF"])])
        #expect(try evaluate("lower(s)", on: ascii) == ["abc", "x", "NULL", "def"])
        #expect(try evaluate("CASE WHEN s <> 'x' THEN upper(s) END", on: ascii) == ["ABC", "NULL", "NULL", "DEF"])
    }

    @Test func rejectsNegativeSubstringLengths() {
        let error = failure("substring(s, 1, n - 3)", on: Self.texts, rowOffset: 100)
        #expect(error?.code == .expressionInvalidValue)
        #expect(error?.message == "invalid value in 'substring(s, 1, n - 3)': negative substring length -2")
        #expect(error?.context.row == 100)
    }

    @Test func handlesLargeBatchesWithoutMixingRows() throws {
        let words = (0..<5000).map { $0 % 7 == 0 ? nil : "Wörd \($0)" }
        let batch = TestBatch.make([TestColumn("s", .string, words)])
        let upper = try evaluate("upper(substring(s, 2)) || '.'", on: batch)
        for (index, word) in words.enumerated() {
            #expect(upper[index] == (word.map { String($0.dropFirst()).uppercased() + "." } ?? "NULL"))
        }
    }
}
