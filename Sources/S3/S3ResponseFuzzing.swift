public import SluiceCore

/// What the fuzzer (scripts/fuzz-s3.sh), the corpus replay test and the robustness tests do with one body from a
/// server: hand it to every reader of S3 and STS answers. Any outcome but a crash or a hang is fine; returns how
/// many readers accepted it and the errors of the others.
public enum S3ResponseFuzzing {
    public static func exercise(_ bytes: [UInt8]) -> (parsed: Int, failures: [SluiceError]) {
        var parsed = 0
        var failures: [SluiceError] = []
        func attempt<T>(_ read: ([UInt8]) throws(SluiceError) -> T) {
            do {
                _ = try read(bytes)
                parsed += 1
            } catch {
                failures.append(error)
            }
        }
        attempt(S3XMLElement.parse)
        attempt(S3ListPage.parse)
        attempt(S3MultipartResponse.uploadID)
        attempt(S3MultipartResponse.openUploads)
        attempt(S3DeleteObjects.failures)
        attempt(WebIdentityConfig.parseResponse)
        _ = S3MultipartResponse.completedETag(bytes, requestIDHeader: nil)
        _ = S3ErrorDetails.parse(status: 500, body: bytes, requestIDHeader: nil)
        _ = WebIdentityConfig.failure(status: 403, body: bytes, roleARN: "arn")
        return (parsed, failures)
    }
}
