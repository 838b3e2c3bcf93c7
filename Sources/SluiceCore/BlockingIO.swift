import Foundation

/// Runs blocking work (libpq, libcurl, file IO) on a dedicated thread, never on Swift's cooperative pool,
/// and suspends the caller until it is done.
///
/// One thread per call: callers hand over coarse units (a whole COPY stream, a whole HTTP request), so the
/// cost of starting a thread is noise next to the work, and a blocked call can never starve the tasks that
/// drive heartbeats and scheduling.
public enum BlockingIO {
    /// Runs `work` on a new thread and returns its result.
    public static func run<T: Sendable, E: Error>(
        name: String = "sluice.blocking",
        _ work: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(E) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }
        return try result.get()
    }
}
