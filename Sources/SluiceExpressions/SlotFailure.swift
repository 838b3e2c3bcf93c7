/// Why a conversion (a CAST or a function) failed at a slot: `'12x' is not a valid int32`, `300 is out of range
/// for int8`.
struct SlotFailure: Error {
    var slot: Int
    var reason: String
}
