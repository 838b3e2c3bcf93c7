/// Randomness for the handshake: nonces and session ids come from the system CSPRNG
/// (`SystemRandomNumberGenerator`: `getrandom(2)` on Linux, `arc4random_buf` on Apple platforms).
package enum WireRandom {
    /// A fresh 32-byte nonce.
    package static func nonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<WireProtocol.nonceSize).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A fresh session id.
    package static func sessionID() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }
}
