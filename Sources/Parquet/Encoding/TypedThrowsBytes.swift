import SluiceCore

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps the typed error (the standard one rethrows `any Error`).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(SluiceError) -> R) throws(SluiceError) -> R {
        let result: Result<R, SluiceError> = withUnsafeBytes { raw in
            Result { () throws(SluiceError) -> R in try body(raw) }
        }
        return try result.get()
    }
}
