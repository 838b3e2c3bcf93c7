/// Parses the `*_expect.csv` files of parquet-testing: comma-separated, fields optionally in double quotes
/// (`""` inside quotes is a quote); an empty unquoted field is NULL, `""` is the empty string.
enum CSV {
    static func parse(_ text: String) -> [[String?]] {
        var rows: [[String?]] = []
        var row: [String?] = []
        var field = ""
        var quoted = false, inQuotes = false, fieldStarted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        func endField() {
            row.append(quoted || !field.isEmpty ? field : nil)
            field = ""; quoted = false; fieldStarted = false
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let d = next() {
                        if d == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = d }
                    } else { inQuotes = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where !fieldStarted: inQuotes = true; quoted = true; fieldStarted = true
            case ",": endField()
            case "\r": continue
            case "\n": endField(); rows.append(row); row = []
            default: field.unicodeScalars.append(c); fieldStarted = true
            }
        }
        if fieldStarted || !row.isEmpty { endField(); rows.append(row) }
        return rows
    }
}
