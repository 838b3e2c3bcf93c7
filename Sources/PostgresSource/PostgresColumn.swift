public import SluiceCore

/// A table column as the catalogue describes it, with what extraction needs to read it.
public struct PostgresColumn: Sendable, Hashable {
    /// What kind of type the column has (`pg_type.typtype`, with arrays told apart).
    public enum Kind: String, Sendable, Hashable {
        case base, enumeration, domain, array, composite, range, other
    }

    public var name: String
    /// The declared type (`pg_attribute.atttypid`).
    public var typeOID: UInt32
    /// `format_type(atttypid, atttypmod)`: `numeric(12,2)`, `character varying(40)`, `mood`.
    public var typeName: String
    public var typeModifier: Int32
    public var notNull: Bool
    public var kind: Kind
    /// A cast applied in the SELECT list so that COPY BINARY sends a decodable type (`text[]` for arrays of
    /// enums); nil for none.
    public var selectCast: String?
    /// The column as the COPY stream carries it: enums as text (COPY BINARY sends an enum's label), domains
    /// as their base type, cast columns as the cast's type; other types keep their own OID, and the decoder
    /// rejects those it cannot read before the run.
    public var sourceColumn: SourceColumn

    public init(name: String, typeOID: UInt32, typeName: String, typeModifier: Int32 = -1, notNull: Bool = false,
                kind: Kind = .base, selectCast: String? = nil, sourceColumn: SourceColumn? = nil) {
        self.name = name
        self.typeOID = typeOID
        self.typeName = typeName
        self.typeModifier = typeModifier
        self.notNull = notNull
        self.kind = kind
        self.selectCast = selectCast
        self.sourceColumn = sourceColumn ?? SourceColumn(name: name, typeOID: typeOID, typeName: typeName, typeModifier: typeModifier)
    }

    /// The target type a configuration that declares none would get: `decimal(p,s)` for `numeric(p,s)` up to
    /// 38 digits (unconstrained numeric and wider ones become `string`, exact), else the natural mapping
    /// (see docs/postgres.md); nil when the type cannot be extracted.
    public var suggestedTarget: DataType? {
        guard let kind = SourceKind(typeOID: sourceColumn.typeOID) else { return nil }
        if case .numeric = kind {
            let modifier = Int(sourceColumn.typeModifier)
            guard modifier >= 4 else { return .string }
            let precision = ((modifier - 4) >> 16) & 0xFFFF
            let scale = (modifier - 4) & 0x7FF
            guard (1...DataType.maxDecimalPrecision).contains(precision), scale <= precision else { return .string }
            return .decimal(precision: precision, scale: scale)
        }
        return kind.defaultTarget
    }

    /// A field for a schema built from the catalogue: ``suggestedTarget`` and the column's NOT NULL.
    public var suggestedField: Field? {
        suggestedTarget.map { Field(name: name, type: $0, nullable: !notNull) }
    }
}
