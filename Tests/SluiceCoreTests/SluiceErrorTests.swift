import SluiceCore
import Testing

@Suite struct SluiceErrorTests {
    static let passing = SluiceError.Code("test_passing", retryable: true)
    static let permanent = SluiceError.Code("test_permanent", retryable: false)

    @Test func anErrorTakesItsCodesClassUnlessItsMakerKnowsBetter() {
        #expect(SluiceError(Self.passing, "m").retryable)
        #expect(!SluiceError(Self.permanent, "m").retryable)
        #expect(!SluiceError(Self.passing, "m", retryable: false).retryable)
        #expect(SluiceError(Self.permanent, "m", retryable: true).retryable)
        #expect(SluiceError(SluiceError.Code("unclassified"), "m").retryable, "an unclassified code is retried")
        #expect(!SluiceError(.invalidValue, "m").retryable && SluiceError(.internalError, "m").retryable)
    }

    @Test func aCodeIsItsName() {
        // A code decoded from the wire (name only) is the declared one.
        #expect(SluiceError.Code("test_permanent") == Self.permanent)
        #expect(Set([SluiceError.Code("test_permanent"), Self.permanent]).count == 1)
    }

    @Test func addingContextOrRestatingKeepsTheClass() {
        let error = SluiceError(Self.passing, "broke", underlying: "u", retryable: false)
        #expect(!error.adding(ErrorContext(table: "t")).retryable)
        let restated = error.restated("while loading: broke")
        #expect(restated.message == "while loading: broke" && !restated.retryable && restated.underlying == "u")
        #expect(restated.code == Self.passing)
    }
}
