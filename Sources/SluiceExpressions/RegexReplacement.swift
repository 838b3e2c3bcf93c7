import Foundation

/// `regexp_replace`'s compiled pattern and replacement.
///
/// The pattern is ICU's regular-expression syntax (Foundation's `NSRegularExpression`, the only regular-expression
/// engine Sluice links; its syntax agrees with PostgreSQL's for the common forms: classes, quantifiers, anchors,
/// groups, alternation). The replacement uses PostgreSQL's syntax: `\1`...`\9` insert a group, `\&` the whole
/// match, `\\` a backslash. Flags: `g` replaces every match (otherwise only the first), `i` ignores case.
struct RegexReplacement: Sendable {
    let expression: NSRegularExpression
    let template: String
    let global: Bool
    /// The pattern as written, for pushdown and messages.
    let pattern: String

    enum CompileError: Error {
        case pattern(String)
        case flag(Character)
    }

    init(pattern: String, replacement: String, flags: String) throws(CompileError) {
        var options: NSRegularExpression.Options = []
        var global = false
        for flag in flags {
            switch flag {
            case "g": global = true
            case "i": options.insert(.caseInsensitive)
            default: throw .flag(flag)
            }
        }
        do {
            expression = try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            throw .pattern("\(error.localizedDescription)")
        }
        self.template = Self.template(fromPostgres: replacement)
        self.global = global
        self.pattern = pattern
    }

    /// PostgreSQL's replacement text as an `NSRegularExpression` template.
    static func template(fromPostgres replacement: String) -> String {
        var template = ""
        var characters = replacement[...]
        while let character = characters.popFirst() {
            switch character {
            case "$":
                template += "\\$"
            case "\\":
                guard let next = characters.first else {
                    template += "\\\\"
                    continue
                }
                if next.isASCII, next.isNumber {
                    template += "$" + String(next)
                    characters.removeFirst()
                } else if next == "&" {
                    template += "$0"
                    characters.removeFirst()
                } else if next == "\\" {
                    template += "\\\\"
                    characters.removeFirst()
                } else {
                    template += "\\\\"
                }
            default:
                template.append(character)
            }
        }
        return template
    }

    /// `text` with the first (or every) match replaced.
    func replace(in text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        if global {
            return expression.stringByReplacingMatches(in: text, options: [], range: range, withTemplate: template)
        }
        guard let match = expression.firstMatch(in: text, options: [], range: range) else { return text }
        let replacement = expression.replacementString(for: match, in: text, offset: 0, template: template)
        return (text as NSString).replacingCharacters(in: match.range, with: replacement)
    }
}
