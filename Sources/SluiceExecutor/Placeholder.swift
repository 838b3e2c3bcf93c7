// SluiceExecutor module
