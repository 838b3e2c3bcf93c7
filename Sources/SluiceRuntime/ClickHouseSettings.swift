public import ClickHouseSink
import HTTPTransport
public import SluiceConfig
public import SluiceCore

extension ClickHouseSinkConfig {
    /// A client for this sink, with the password resolved in this process. Its session database is
    /// `default`: Sluice always names databases explicitly, and the clean database may not exist yet.
    public func client() throws(SluiceError) -> ClickHouseClient {
        var timeouts = HTTPTimeouts()
        timeouts.total = .microseconds(timeout.microseconds)
        let config = ClickHouseConfig(url: url, user: user, password: try password.resolve()?.value, database: "default",
                                      settings: settings, timeouts: timeouts)
        try config.validate()
        return ClickHouseClient(config: config)
    }
}
