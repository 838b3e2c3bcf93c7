import SluiceConfig
import SluiceCore

/// A table configuration parsed from YAML, as users write it.
func tableConfig(_ columns: String, cursor: String? = "updated_at", extra: String = "") throws -> TableConfig {
    let text = """
    pipeline: t
    source: {postgres: {host: h, database: d, user: u}}
    sink: {clickhouse: {url: "http://c"}}
    staging: {directory: /tmp/s}
    tables:
      - name: orders
        primary_key: [id]
    \(cursor.map { "    cursor: \($0)" } ?? "")
    \(extra)
        columns:
    \(columns)
    """
    return try PipelineLoader(environment: [:]).parse(text, file: "t.yaml").tables[0]
}

func days(_ text: String) -> Int32 { Int32(CivilTime.parseDate(text)!) }
func micros(_ text: String) -> Int64 { CivilTime.parseTimestamp(text)!.microseconds }
