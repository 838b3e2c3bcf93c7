import NIOCore

extension Duration {
    /// A NIO `TimeAmount` as a Swift `Duration`.
    init(_ amount: TimeAmount) {
        self = .nanoseconds(amount.nanoseconds)
    }
}
