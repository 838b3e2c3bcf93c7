// libFuzzer entry point for the readers of S3 and STS answers, compiled into the S3 module by scripts/fuzz-s3.sh.
// Every input goes to every reader; errors are expected, crashes and hangs are bugs.

@_cdecl("LLVMFuzzerTestOneInput")
public func s3FuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = S3ResponseFuzzing.exercise(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
