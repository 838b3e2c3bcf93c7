// SluiceSchedulerTests
