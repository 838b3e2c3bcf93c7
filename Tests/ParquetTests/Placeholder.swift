// ParquetTests
