import SluiceCore
import Synchronization

/// A small stack of idle easy handles. A handle keeps its connections open after a request, so taking
/// the most recently returned one is what lets the next request reuse a warm connection.
final class CurlHandlePool: Sendable {
    private let idle = Mutex<[CurlEasyHandle]>([])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// An idle handle, reset, or a new one.
    func take() throws(SluiceError) -> CurlEasyHandle {
        if let handle = idle.withLock({ $0.popLast() }) {
            handle.reset()
            return handle
        }
        return try CurlEasyHandle()
    }

    /// Returns a handle after its request; beyond `capacity` idle handles it is closed.
    func give(_ handle: CurlEasyHandle) {
        let surplus: CurlEasyHandle? = idle.withLock { handles in
            guard handles.count < capacity else { return handle }
            handles.append(handle)
            return nil
        }
        _ = surplus  // closed here, outside the lock, by its deinit
    }

    var idleCount: Int { idle.withLock { $0.count } }
}
