import Foundation
import SluiceCore

/// Writes a ``DiscoveredTable`` as a table file for `tables_dir`: the declaration `sluice init` proposes, with the
/// data's advice as comments. The file loads as it is; a person reviews the comments.
public enum TableFileRenderer {
    public static func render(_ table: DiscoveredTable, date: String) -> String {
        var lines: [String] = []
        let rows = table.estimatedRows.map { ", about \(grouped($0)) rows" } ?? ""
        lines.append("# \(table.source): written by `sluice init` on \(date) from the source's catalogue\(rows).")
        lines.append("# The types are exact; comments are advice from the data, not applied. Review, then commit.")
        for note in table.notes { lines.append("# \(note)") }
        lines.append("name: \(scalar(table.name))")
        lines.append("source: \(scalar(table.source))")
        let append = table.primaryKey.isEmpty
        if append {
            lines.append("load: append   # no key: every row is kept; docs/configuration.md#tables-without-a-key")
        } else {
            lines.append("primary_key: [\(table.primaryKey.map(scalar).joined(separator: ", "))]")
        }
        // An append table's cursor partitions it by day, so it cannot be NULL.
        let cursorNotNull = append ? table.cursor?.column : nil
        if let cursor = table.cursor {
            lines.append("cursor: \(scalar(cursor.column))   # \(cursor.reason)")
        }
        if let column = table.partitionColumn {
            lines.append("partition: {column: \(scalar(column))}")
        }
        let left = table.columns.filter { $0.type == nil }
        lines.append("columns:")
        for column in table.columns {
            guard let type = column.type else { continue }
            var entry = "  - {name: \(scalar(column.name)), type: \(scalar(type.description))"
            if !column.nullable || column.name == cursorNotNull { entry += ", nullable: false" }
            entry += ", source_type: \(scalar(column.sourceType))}"
            lines.append(entry)
            if column.nullable && column.name == cursorNotNull {
                lines.append("    # \(column.name): allows NULL in the source, but an append table's cursor cannot be NULL: a NULL fails the run")
            }
            for advice in column.advice { lines.append("    # \(column.name): \(advice)") }
        }
        if !left.isEmpty {
            lines.append("ignore_columns: [\(left.map { scalar($0.name) }.joined(separator: ", "))]")
            for column in left { lines.append("  # \(column.name): \(column.advice.joined(separator: "; "))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML scalar: plain when it is a simple name, else double-quoted with escapes.
    static func scalar(_ text: String) -> String {
        let plain = text.first.map { $0.isLetter || $0 == "_" } ?? false
            && text.allSatisfy { $0.isLetter || $0.isNumber || "_.()".contains($0) }
            && !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(text.lowercased())
        if plain && !text.contains("(") { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 { quoted += String(format: "\\x%02X", scalar.value) } else { quoted.unicodeScalars.append(scalar) }
            }
        }
        return quoted + "\""
    }

    static func grouped(_ value: Int64) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }
}
