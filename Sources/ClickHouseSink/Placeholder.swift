// ClickHouseSink module
