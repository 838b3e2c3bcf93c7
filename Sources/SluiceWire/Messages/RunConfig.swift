public import NIOCore

extension WireMessage {
    /// RUN_CONFIG (type 0x10), driver → executor: the pipeline configuration of the run (docs/protocol.md §6.8).
    ///
    /// The YAML is the configuration file's text as written, with its `${ENV}` references unresolved: each
    /// executor resolves them from its own environment, so secrets never cross the wire.
    ///
    /// Payload: `runID string`, `fileName string`, `yaml string`.
    public struct RunConfig: WirePayload {
        /// The run these tasks belong to.
        public var runID: String
        /// The configuration file's name, for error messages (`pipeline.yaml`).
        public var fileName: String
        /// The configuration file's text.
        public var yaml: String

        public init(runID: String, fileName: String, yaml: String) {
            self.runID = runID
            self.fileName = fileName
            self.yaml = yaml
        }

        public static func decode(from buffer: inout ByteBuffer) throws(WireDecodingError) -> RunConfig {
            let runID = try buffer.readWireString(field: "runID")
            let fileName = try buffer.readWireString(field: "fileName")
            let yaml = try buffer.readWireString(field: "yaml")
            return RunConfig(runID: runID, fileName: fileName, yaml: yaml)
        }

        public func encode(into buffer: inout ByteBuffer) {
            buffer.writeWireString(runID)
            buffer.writeWireString(fileName)
            buffer.writeWireString(yaml)
        }
    }
}
