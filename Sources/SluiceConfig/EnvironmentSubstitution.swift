import Foundation

/// Expands `${NAME}` and `${NAME:-default}` references in configuration values from the environment.
/// `$$` stands for a literal `$`. An unset variable without a default is an error naming it.
public struct EnvironmentSubstitution: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The expanded text, or the name of the first unset variable.
    public func expand(_ text: String) -> Result<String, UnsetVariable> {
        guard text.contains("$") else { return .success(text) }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                output.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
            } else if text[next] == "{", let close = text[next...].firstIndex(of: "}") {
                let body = text[text.index(after: next)..<close]
                let (name, fallback) = split(body)
                if let value = environment[name], !(fallback != nil && value.isEmpty) {
                    output += value
                } else if let fallback {
                    output += fallback
                } else {
                    return .failure(UnsetVariable(name: name))
                }
                index = text.index(after: close)
            } else {
                output.append(character)
                index = next
            }
        }
        return .success(output)
    }

    private func split(_ body: Substring) -> (String, String?) {
        if let range = body.range(of: ":-") {
            return (String(body[..<range.lowerBound]), String(body[range.upperBound...]))
        }
        return (String(body), nil)
    }

    public struct UnsetVariable: Error, Sendable, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
    }
}
