// PostgresSourceTests
