import S3
import SluiceCore
import Testing

/// Where credentials come from, in the AWS SDKs' order: the environment's keys, then web identity, then the shared
/// credentials file and its profiles. Pure: the environment and the file are handed in.
@Suite struct CredentialChainTests {
    static let file = """
        # written by aws configure
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = default/secret+key

        [profile lake]\r
        aws_access_key_id=AKIALAKE\r
        aws_secret_access_key =  lake secret with spaces inside  \r
        aws_session_token = token==\r
        ; a comment
        [half]
        aws_access_key_id = AKIAHALF
        """

    func resolve(_ environment: [String: String], file: String? = Self.file, read: ((String) -> Void)? = nil) throws(SluiceError)
        -> AWSCredentialSource
    {
        try AWSCredentialSource.resolve(environment: environment) { path in
            read?(path)
            return file
        }
    }

    @Test func theEnvironmentsKeysComeFirst() throws {
        let source = try resolve(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "t",
                                  "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r", "AWS_PROFILE": "lake"])
        #expect(source == .fixed(AWSCredentials(accessKeyID: "AKIAENV", secretAccessKey: "env-secret", sessionToken: "t"), origin: "environment"))
        #expect(throws: SluiceError.self) { try resolve(["AWS_ACCESS_KEY_ID": "AKIAENV"]) }
    }

    @Test func webIdentityComesBeforeTheFile() throws {
        let source = try resolve(["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
                                  "AWS_REGION": "eu-west-1"])
        guard case .webIdentity(let config) = source else { Issue.record("\(source)"); return }
        #expect(config.tokenFile == "/var/run/token" && config.roleARN == "arn:aws:iam::1:role/r" && config.sessionName == "sluice")
        #expect(config.stsEndpoint.contains("eu-west-1"), "\(config.stsEndpoint)")
        #expect(throws: SluiceError.self) { try resolve(["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"]) }
    }

    @Test func theSharedFileGivesTheDefaultProfileOrTheOneNamed() throws {
        var paths: [String] = []
        let fallback = try resolve(["HOME": "/home/etl"]) { paths.append($0) }
        #expect(paths == ["/home/etl/.aws/credentials"])
        #expect(fallback == .fixed(AWSCredentials(accessKeyID: "AKIADEFAULT", secretAccessKey: "default/secret+key"),
                                   origin: "/home/etl/.aws/credentials profile 'default'"))
        // `[profile lake]`, CRLF line ends, spaces around `=` and a session token.
        let lake = try resolve(["AWS_SHARED_CREDENTIALS_FILE": "/etc/sluice/aws", "AWS_PROFILE": "lake"]) { paths.append($0) }
        #expect(paths.last == "/etc/sluice/aws")
        #expect(lake == .fixed(AWSCredentials(accessKeyID: "AKIALAKE", secretAccessKey: "lake secret with spaces inside", sessionToken: "token=="),
                               origin: "/etc/sluice/aws profile 'lake'"))
        #expect(!"\(lake)".contains("lake secret"), "the secret is never in a description: \(lake)")
    }

    @Test func whatIsMissingIsNamed() throws {
        let nothing = #expect(throws: SluiceError.self) { try resolve(["HOME": "/home/etl"], file: nil) }
        #expect(nothing?.message.contains("no AWS credentials") == true && nothing?.message.contains("/home/etl/.aws/credentials") == true,
                "\(String(describing: nothing))")
        let unknown = #expect(throws: SluiceError.self) { try resolve(["AWS_PROFILE": "nope", "HOME": "/h"]) }
        #expect(unknown?.message.contains("profile 'nope' is not in /h/.aws/credentials (it has: default, half, lake)") == true,
                "\(String(describing: unknown))")
        let half = #expect(throws: SluiceError.self) { try resolve(["AWS_PROFILE": "half", "HOME": "/h"]) }
        #expect(half?.message.contains("lacks aws_access_key_id or aws_secret_access_key") == true, "\(String(describing: half))")
    }
}
