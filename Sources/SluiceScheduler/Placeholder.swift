// SluiceScheduler module
