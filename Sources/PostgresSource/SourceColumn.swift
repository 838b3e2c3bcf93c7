/// A column as a COPY BINARY stream carries it: the name Sluice reports it by and the PostgreSQL type its
/// values are sent in (COPY BINARY carries no types, so the reader must be told).
public struct SourceColumn: Sendable, Hashable, Codable {
    /// The name used in messages and counts: the column's target name in a run.
    public var name: String
    /// PostgreSQL type OID (`pg_type.oid`).
    public var typeOID: UInt32
    /// The type's name as `format_type` prints it (`numeric(12,2)`, `timestamp with time zone`).
    public var typeName: String
    /// `pg_attribute.atttypmod`, -1 when none.
    public var typeModifier: Int32

    public init(name: String, typeOID: UInt32, typeName: String, typeModifier: Int32 = -1) {
        self.name = name
        self.typeOID = typeOID
        self.typeName = typeName
        self.typeModifier = typeModifier
    }
}
