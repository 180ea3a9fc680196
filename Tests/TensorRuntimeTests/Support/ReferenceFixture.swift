import Foundation

/// A reference case written by the Tools generators: one model input and the outputs the real runtime (LiteRT or
/// MediaPipe) produced for it, as raw little-endian Float32 files described by `meta.json`.
struct ReferenceFixture {
    struct Output: Decodable {
        let index: Int
        let name: String
        let shape: [Int]
        let file: String
    }
    struct Meta: Decodable {
        let model: String
        let `case`: String
        let outputs: [Output]
    }

    let directory: URL
    let meta: Meta

    /// A case folder that cannot be used: reference cases must never disappear silently.
    struct IncompleteFixture: Error, CustomStringConvertible {
        let description: String
    }

    /// All cases of `model` under `Tests/Fixtures/<source>/<model>/`, sorted by name. Throws when a case folder
    /// has no `meta.json` or when the number of cases is not `expectedCount` (the number the README names).
    static func cases(source: String, model: String, expectedCount: Int) throws -> [ReferenceFixture] {
        let folder = RepositoryFiles.fixtures.appendingPathComponent("\(source)/\(model)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            .filter { !$0.hasPrefix(".") }
        let cases = try names.map { name in
            let directory = folder.appendingPathComponent(name)
            let metaURL = directory.appendingPathComponent("meta.json")
            guard FileManager.default.fileExists(atPath: metaURL.path) else {
                throw IncompleteFixture(description: "\(source)/\(model)/\(name) has no meta.json")
            }
            let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: metaURL))
            return ReferenceFixture(directory: directory, meta: meta)
        }
        guard cases.count == expectedCount else {
            throw IncompleteFixture(description: "\(source)/\(model): \(cases.count) cases, expected \(expectedCount)")
        }
        return cases
    }

    /// Reads a raw Float32 file of this case.
    func floats(_ file: String) throws -> [Float] {
        try littleEndianFloats(directory.appendingPathComponent(file))
    }

    var input: [Float] { get throws { try floats("input.f32") } }

    /// The expected value of output `index` (model output order).
    func expectedOutput(_ index: Int) throws -> [Float] {
        guard let output = meta.outputs.first(where: { $0.index == index }) else { return [] }
        return try floats(output.file)
    }
}

/// The contents of a raw little-endian Float32 file (the fixtures' `*.f32`).
func littleEndianFloats(_ url: URL) throws -> [Float] {
    let data = try Data(contentsOf: url)
    return data.withUnsafeBytes { raw in
        (0..<(data.count / 4)).map {
            Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
        }
    }
}
