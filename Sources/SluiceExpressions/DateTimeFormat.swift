import SluiceCore

/// A `to_date` / `to_timestamp` template, a subset of PostgreSQL's: `YYYY` (4 digits), `MM`, `DD`, `HH24`, `MI`,
/// `SS` (2 digits each), `MS` (3 digits), `US` (6 digits); text in double quotes and every other character must
/// appear as written. Fields are fixed-width, so `'2024-1-5'` does not match `'YYYY-MM-DD'`.
struct DateTimeFormat: Sendable, Hashable {
    enum Field: String, Sendable, Hashable, CaseIterable {
        // Longest first, so that `HH24` is not read as something shorter.
        case hour = "HH24", year = "YYYY", month = "MM", day = "DD", minute = "MI", second = "SS",
             millisecond = "MS", microsecond = "US"

        var width: Int {
            switch self {
            case .year: 4
            case .millisecond: 3
            case .microsecond: 6
            default: 2
            }
        }
    }

    enum Element: Sendable, Hashable {
        case field(Field)
        case literal(UInt8)
    }

    let elements: [Element]
    let text: String

    /// Compiles `template`; nil when a double quote is not closed.
    init?(_ template: String) {
        var elements: [Element] = []
        let bytes = Array(template.utf8)
        var index = 0
        outer: while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\"") {
                guard let close = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                elements += bytes[(index + 1)..<close].map(Element.literal)
                index = close + 1
                continue
            }
            for field in Field.allCases {
                let name = Array(field.rawValue.utf8)
                if index + name.count <= bytes.count && Array(bytes[index..<index + name.count]) == name {
                    elements.append(.field(field))
                    index += name.count
                    continue outer
                }
            }
            elements.append(.literal(bytes[index]))
            index += 1
        }
        self.elements = elements
        self.text = template
    }

    /// Whether the template names a time of day (`to_date` rejects those).
    var hasTimeFields: Bool {
        elements.contains { element in
            if case .field(let field) = element { return ![.year, .month, .day].contains(field) }
            return false
        }
    }

    /// Microseconds since 1970-01-01 00:00:00 of `text` read with this template; nil when it does not match or
    /// names an impossible date or time. Missing fields default to January, the 1st and midnight.
    func parse(_ text: UnsafeRawBufferPointer) -> Int64? {
        var year: Int64 = 1970, month = 1, day = 1
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, fraction: Int64 = 0
        var index = 0
        for element in elements {
            switch element {
            case .literal(let byte):
                guard index < text.count, text[index] == byte else { return nil }
                index += 1
            case .field(let field):
                guard index + field.width <= text.count else { return nil }
                var value: Int64 = 0
                for offset in index..<index + field.width {
                    let byte = text[offset]
                    guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                }
                index += field.width
                switch field {
                case .year: year = value
                case .month: month = Int(value)
                case .day: day = Int(value)
                case .hour: hour = value
                case .minute: minute = value
                case .second: second = value
                case .millisecond: fraction = value * 1000
                case .microsecond: fraction = value
                }
            }
        }
        guard index == text.count, CivilTime.isValid(year: year, month: month, day: day), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = CivilTime.days(year: year, month: month, day: day)
        return days * CivilTime.microsecondsPerDay + ((hour * 60 + minute) * 60 + second) * CivilTime.microsecondsPerSecond + fraction
    }
}
