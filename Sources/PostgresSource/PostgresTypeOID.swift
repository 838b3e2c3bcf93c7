/// Built-in PostgreSQL type OIDs (`pg_type.oid`, fixed across versions: src/include/catalog/pg_type.dat).
public enum PostgresTypeOID {
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let char: UInt32 = 18
    public static let name: UInt32 = 19
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let oid: UInt32 = 26
    public static let json: UInt32 = 114
    public static let xml: UInt32 = 142
    public static let cidr: UInt32 = 650
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let inet: UInt32 = 869
    public static let bpchar: UInt32 = 1042
    public static let varchar: UInt32 = 1043
    public static let date: UInt32 = 1082
    public static let time: UInt32 = 1083
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let interval: UInt32 = 1186
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950
    public static let jsonb: UInt32 = 3802

    /// Array type OID -> element type OID, for the element types Sluice decodes.
    public static let arrayElements: [UInt32: UInt32] = [
        1000: bool, 1001: bytea, 1002: char, 1003: name, 1016: int8, 1005: int2, 1007: int4, 1009: text,
        1028: oid, 199: json, 143: xml, 651: cidr, 1021: float4, 1022: float8, 1041: inet, 1014: bpchar,
        1015: varchar, 1182: date, 1183: time, 1115: timestamp, 1185: timestamptz, 1187: interval,
        1231: numeric, 2951: uuid, 3807: jsonb,
    ]

    /// The array type of `element`, if it is one of ``arrayElements``.
    public static func arrayType(of element: UInt32) -> UInt32? {
        arrayElements.first { $0.value == element }?.key
    }
}
