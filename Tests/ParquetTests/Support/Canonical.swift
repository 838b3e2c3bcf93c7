import Foundation
import SluiceCore

/// The canonical text of values that Fixtures/scripts/canonical.py also prints, so that Sluice's reading
/// of a file compares exactly with another implementation's (see that script for the forms).
enum Canonical {
    static func column(_ column: Column, type: DataType) -> [String?] {
        (0..<column.count).map { value(Value(of: column, type: type, at: $0), type: type) }
    }

    static func value(_ value: Value, type: DataType) -> String? {
        switch value {
        case .null: return nil
        case .boolean(let v): return v ? "true" : "false"
        case .int(let v): return type == .uint64 ? String(UInt64(bitPattern: v)) : String(v)
        case .decimal(let unscaled, let scale): return DecimalText.format(unscaled: unscaled, scale: scale)
        case .float(let v): return v.isNaN ? "nan" : littleEndianHex(v.bitPattern)
        case .double(let v): return v.isNaN ? "nan" : littleEndianHex(v.bitPattern)
        case .string(let v): return v
        case .bytes(let v): return Hex.encode(v)
        }
    }

    private static func littleEndianHex<T: FixedWidthInteger>(_ bits: T) -> String {
        withUnsafeBytes(of: bits.littleEndian) { Hex.encode($0) }
    }

    /// Every column of `batch`, canonical.
    static func batch(_ batch: RecordBatch) -> [[String?]] {
        zip(batch.columns, batch.schema.fields).map { column($0, type: $1.type) }
    }
}

/// Runs python3 helpers from Fixtures/scripts.
enum Python {
    struct Failure: Error, CustomStringConvertible {
        var status: Int32
        var stderr: String
        var description: String { "python exited \(status): \(stderr)" }
    }

    /// Runs `script` with `arguments`; returns stdout, or throws with stderr on a non-zero exit.
    static func run(_ script: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestFiles.scripts.appendingPathComponent(script).path] + arguments
        let out = Pipe()
        // stderr goes to a file, so that a chatty script can never block on a full pipe.
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-py-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorPath) }
        let errorHandle = try FileHandle(forWritingTo: errorPath)
        process.standardOutput = out
        process.standardError = errorHandle
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errorPath, encoding: .utf8)) ?? ""
            throw Failure(status: process.terminationStatus, stderr: message)
        }
        return data
    }

    /// What the other implementation (`engine`: "pyarrow" or "chdb") reads from `path`, canonical.
    static func canonical(engine: String, path: String, fields: [Field]) throws -> (rows: Int, columns: [[String?]]) {
        let spec = fields.map { ["name": $0.name, "type": $0.type.description] }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let data = try run("canonical.py", [engine, path, json])
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rows = object["rows"] as? Int, let columns = object["columns"] as? [[Any]]
        else { throw Failure(status: 0, stderr: "unexpected output: \(String(decoding: data.prefix(500), as: UTF8.self))") }
        return (rows, columns.map { $0.map { $0 as? String } })
    }
}
