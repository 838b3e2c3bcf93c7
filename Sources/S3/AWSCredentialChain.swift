public import SluiceCore

/// Where credentials come from, in the order the AWS SDKs look (a subset that needs no instance metadata):
///
/// 1. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`);
/// 2. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`), exchanged at STS
///    (what an EKS service account gives a pod);
/// 3. the shared credentials file `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`), profile
///    `AWS_PROFILE` (default `default`).
///
/// Pure: the environment and file reading are handed in.
public enum AWSCredentialSource: Sendable, Hashable, CustomStringConvertible {
    case fixed(AWSCredentials, origin: String)
    case webIdentity(WebIdentityConfig)

    public var description: String {
        switch self {
        case .fixed(let credentials, let origin): "\(origin) (access key \(credentials.accessKeyID))"
        case .webIdentity(let config): "web identity (role \(config.roleARN), token file \(config.tokenFile))"
        }
    }

    /// Picks the source from `environment`; `readFile` returns a file's text or nil when it cannot be read.
    public static func resolve(environment: [String: String],
                               readFile: (String) -> String?) throws(SluiceError) -> AWSCredentialSource {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        if let key = value("AWS_ACCESS_KEY_ID") {
            guard let secret = value("AWS_SECRET_ACCESS_KEY") else {
                throw SluiceError(.s3Credentials, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
            }
            return .fixed(AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN")),
                          origin: "environment")
        }
        if let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE") {
            guard let role = value("AWS_ROLE_ARN") else {
                throw SluiceError(.s3Credentials, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
            }
            let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION")
            return .webIdentity(WebIdentityConfig(
                tokenFile: tokenFile, roleARN: role, sessionName: value("AWS_ROLE_SESSION_NAME") ?? "sluice",
                stsEndpoint: value("AWS_ENDPOINT_URL_STS") ?? WebIdentityConfig.defaultEndpoint(region: region)))
        }
        let profile = value("AWS_PROFILE") ?? value("AWS_DEFAULT_PROFILE") ?? "default"
        let path = value("AWS_SHARED_CREDENTIALS_FILE") ?? (value("HOME").map { $0 + "/.aws/credentials" } ?? "~/.aws/credentials")
        guard let text = readFile(path) else {
            throw SluiceError(.s3Credentials, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                              + "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or write \(path)")
        }
        let profiles = AWSSharedCredentialsFile.parse(text)
        guard let section = profiles[profile] else {
            throw SluiceError(.s3Credentials, "profile '\(profile)' is not in \(path) (it has: "
                              + "\(profiles.keys.sorted().joined(separator: ", ")))")
        }
        guard let key = section["aws_access_key_id"], let secret = section["aws_secret_access_key"] else {
            throw SluiceError(.s3Credentials, "profile '\(profile)' in \(path) lacks aws_access_key_id or aws_secret_access_key")
        }
        return .fixed(AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: section["aws_session_token"]),
                      origin: "\(path) profile '\(profile)'")
    }

    /// The region from `AWS_REGION`, then `AWS_DEFAULT_REGION`, else `us-east-1`.
    public static func region(environment: [String: String]) -> String {
        for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        return "us-east-1"
    }
}

/// The shared credentials file: INI sections `[name]` (or `[profile name]`) of `key = value` lines; `#` and `;`
/// start comments. Keys are lowercased.
public enum AWSSharedCredentialsFile {
    public static func parse(_ text: String) -> [String: [String: String]] {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                var name = String(line.dropFirst().dropLast()).trimmingCharacters()
                if name.hasPrefix("profile ") { name = String(name.dropFirst(8)).trimmingCharacters() }
                current = name
                profiles[name, default: [:]] = profiles[name] ?? [:]
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingCharacters().lowercased()
            let value = String(line[line.index(after: equals)...]).trimmingCharacters()
            profiles[current]?[key] = value
        }
        return profiles
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
