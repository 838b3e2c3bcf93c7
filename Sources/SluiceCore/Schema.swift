/// One named, typed column of a ``Schema``.
public struct Field: Sendable, Hashable, Codable {
    public var name: String
    public var type: DataType
    public var nullable: Bool

    public init(name: String, type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// An ordered list of fields: the shape of a ``RecordBatch``, a Parquet file or a sink table.
public struct Schema: Sendable, Hashable, Codable {
    public var fields: [Field]

    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// The index of the field named `name`, compared exactly.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    public var count: Int { fields.count }
}
