// SluiceWireTests
