// SluiceDriver module
