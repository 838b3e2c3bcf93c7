public import NIOCore

extension WireMessage {
    /// RUN_CONFIG (type 0x10), driver → executor: what executors need to know about the run (docs/protocol.md §6.8).
    ///
    /// The plan is JSON text (`SluicePipeline.RunWork`): the tables' schemas, stages and sink targets as the driver
    /// decided them, and the source and sink configuration sections as written, with their `${ENV}` references
    /// unresolved: each executor resolves them from its own environment, so secrets never cross the wire.
    ///
    /// Payload: `runID string`, `plan string`.
    public struct RunConfig: WirePayload {
        /// The run these tasks belong to.
        public var runID: String
        /// The run plan, JSON.
        public var plan: String

        public init(runID: String, plan: String) {
            self.runID = runID
            self.plan = plan
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> RunConfig {
            let runID = try buffer.readWireString(field: "runID")
            let plan = try buffer.readWireString(field: "plan")
            return RunConfig(runID: runID, plan: plan)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireString(runID)
            buffer.writeWireString(plan)
        }
    }
}
