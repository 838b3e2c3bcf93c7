// SluiceConfig module
