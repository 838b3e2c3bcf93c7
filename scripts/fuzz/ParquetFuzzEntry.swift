// libFuzzer entry point for the Parquet reader, compiled into the Parquet module by scripts/fuzz-parquet.sh.
// Every input is opened, inspected and read completely; errors are expected, crashes and hangs are bugs.

@_cdecl("LLVMFuzzerTestOneInput")
public func parquetFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    ParquetFuzzing.exercise(bytes)
    return 0
}
