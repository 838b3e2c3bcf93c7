// libFuzzer entry for the COPY BINARY decoder: scripts/fuzz-copy.sh builds it with the decoder's pure sources and
// Tests/PostgresSourceTests/CopyFuzzHarness.swift, the harness the corpus replay test uses too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCopy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = CopyFuzzHarness.replay(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
