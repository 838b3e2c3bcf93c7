// ClickHouseSinkTests
