// PostgresSource module
