/// One lexical token of an expression, with the UTF-8 offsets it spans in the text.
struct Token: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// Digits only: `42`.
        case integer(String)
        /// Digits with a point and no exponent: `12.50`, `.5`, `3.` (an exact decimal).
        case decimal(String)
        /// A number with an exponent: `1e3`, `2.5E-4` (a float64).
        case float(String)
        /// `'it''s'`, with the quotes removed and doubled quotes undone.
        case string(String)
        /// A bare word: a column, a function name or a keyword (keywords are recognised by the parser).
        case identifier(String)
        /// `"Order Total"`: always a column name, never a keyword.
        case quotedIdentifier(String)
        case symbol(Symbol)
        case end
    }

    enum Symbol: String, Sendable, Hashable {
        case leftParen = "(", rightParen = ")", comma = ","
        case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
        case equal = "=", notEqual = "<>", bangEqual = "!=", less = "<", lessEqual = "<=", greater = ">",
             greaterEqual = ">="
        case concatenate = "||", doubleColon = "::"
    }

    var kind: Kind
    var span: Range<Int>

    /// Whether this is the bare word `keyword` (compared without regard to case).
    func isKeyword(_ keyword: String) -> Bool {
        if case .identifier(let word) = kind { return word.uppercased() == keyword }
        return false
    }

    func isSymbol(_ symbol: Symbol) -> Bool {
        kind == .symbol(symbol)
    }

    /// How the token reads in a message: `')'`, `'AND'`, `end of expression`.
    var quoted: String {
        switch kind {
        case .integer(let text), .decimal(let text), .float(let text), .identifier(let text): "'\(text)'"
        case .string(let text): "string '\(text)'"
        case .quotedIdentifier(let name): "\"\(name)\""
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .end: "end of expression"
        }
    }
}
