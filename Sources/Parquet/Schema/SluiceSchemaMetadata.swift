import Foundation
import SluiceCore

/// The Sluice schema as stored in a file's key-value metadata under ``key``, so that a Sluice reader
/// restores each field's exact type and nullability:
///
///     {"fields":[{"name":"id","nullable":false,"type":"int64"},{"name":"doc","nullable":true,"type":"json"}],"version":1}
///
/// Types are spelled as `DataType.description` prints them (`decimal(12,2)`, `timestamptz`, ...).
enum SluiceSchemaMetadata {
    static let key = "sluice.schema"

    private struct Document: Codable {
        var version: Int
        var fields: [FieldEntry]
    }

    private struct FieldEntry: Codable {
        var name: String
        var type: String
        var nullable: Bool
    }

    static func encode(_ schema: Schema) -> String {
        let document = Document(version: 1, fields: schema.fields.map {
            FieldEntry(name: $0.name, type: $0.type.description, nullable: $0.nullable)
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(document) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The schema stored in `text`, or nil if it is not a document this version understands.
    static func decode(_ text: String) -> Schema? {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(text.utf8)), document.version == 1
        else { return nil }
        var fields: [Field] = []
        for entry in document.fields {
            guard let type = DataType(parsing: entry.type) else { return nil }
            fields.append(Field(name: entry.name, type: type, nullable: entry.nullable))
        }
        return Schema(fields)
    }
}
