// SluiceConfigTests
