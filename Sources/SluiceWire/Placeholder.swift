// SluiceWire module
