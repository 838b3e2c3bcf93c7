/// Small byte helpers the signer and the request builders share: hex, base64 and percent-encoding as S3 wants them.
enum S3Bytes {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lowercase hexadecimal, as SigV4 writes hashes and signatures.
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding (RFC 4648 section 4), for Content-MD5.
    static func base64<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let b0 = Int(input[index])
            let b1 = index + 1 < input.count ? Int(input[index + 1]) : 0
            let b2 = index + 2 < input.count ? Int(input[index + 2]) : 0
            out.append(base64Alphabet[b0 >> 2])
            out.append(base64Alphabet[((b0 & 0x03) << 4) | (b1 >> 4)])
            out.append(index + 1 < input.count ? base64Alphabet[((b1 & 0x0F) << 2) | (b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < input.count ? base64Alphabet[b2 & 0x3F] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes `text` the way SigV4 requires (the "UriEncode" function of the SigV4 specification):
    /// every byte except the unreserved characters `A-Z a-z 0-9 - _ . ~` becomes `%XY` with uppercase hex;
    /// `/` is kept only when `keepSlash` (object keys in a path, each segment encoded once).
    static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        let upper = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(upper[Int(byte >> 4)])
                out.append(upper[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Escapes the five XML special characters for element text (keys in a DeleteObjects body).
    static func xmlEscape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
