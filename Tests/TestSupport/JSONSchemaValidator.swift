import Foundation

/// A JSON value, decoded without losing the difference between integers, other numbers and booleans.
public enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses one JSON text.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The number as a Double, for integers and other numbers alike.
    var numericValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    /// JSON Schema's type names that this value satisfies ("integer" values are also "number").
    var typeNames: Set<String> {
        switch self {
        case .null: return ["null"]
        case .bool: return ["boolean"]
        case .integer: return ["integer", "number"]
        case .number(let value): return value.rounded() == value ? ["integer", "number"] : ["number"]
        case .string: return ["string"]
        case .array: return ["array"]
        case .object: return ["object"]
        }
    }
}

/// Validates JSON documents against the JSON Schema (draft 2020-12) files of a folder, for the subset of keywords
/// the repository's schemas use: `type`, `const`, `enum`, `required`, `properties`, `additionalProperties`,
/// `items`, `minItems`, `maxItems`, `minimum`, `maximum`, `oneOf`, `anyOf` and `$ref` (`#/$defs/NAME` in the same
/// file or `FILE#/$defs/NAME` beside it). Annotations (`title`, `description`, `$schema`, `$id`, `$defs`,
/// `$comment`, `examples`) are ignored. Any other keyword is reported as an error, so a schema never relies on a
/// rule this validator would silently skip.
public struct JSONSchemaValidator {
    private let directory: URL
    private var documents: [String: JSONValue] = [:]

    private static let annotations: Set<String> = ["title", "description", "$schema", "$id", "$defs", "$comment", "examples"]
    private static let keywords: Set<String> = ["type", "const", "enum", "required", "properties",
                                                "additionalProperties", "items", "minItems", "maxItems", "minimum",
                                                "maximum", "oneOf", "anyOf", "$ref"]

    /// Loads every `*.json` file of `directory` as a schema, by file name.
    public init(directory: URL) throws {
        self.directory = directory
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".json") {
            documents[name] = try JSONValue.parse(Data(contentsOf: directory.appendingPathComponent(name)))
        }
    }

    /// The names of the loaded schema files.
    public var schemaNames: [String] { documents.keys.sorted() }

    /// Every violation of schema file `schemaName` by `instance`, as "path: what" lines (empty when it is valid).
    public func errors(in instance: JSONValue, against schemaName: String) -> [String] {
        guard let schema = documents[schemaName] else { return ["no schema named \(schemaName) in \(directory.path)"] }
        var errors: [String] = []
        validate(instance, schema, file: schemaName, path: "$", errors: &errors)
        return errors
    }

    /// `errors(in:against:)` for a JSON text; a text that is not JSON gives one error.
    public func errors(in json: Data, against schemaName: String) -> [String] {
        do {
            return errors(in: try JSONValue.parse(json), against: schemaName)
        } catch {
            return ["not JSON: \(error)"]
        }
    }

    private func resolve(_ reference: String, from file: String) -> (JSONValue, String)? {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let target = parts[0].isEmpty ? file : parts[0]
        guard var node = documents[target] else { return nil }
        let pointer = parts.count > 1 ? parts[1] : ""
        for token in pointer.split(separator: "/") {
            guard case .object(let members) = node, let next = members[String(token)] else { return nil }
            node = next
        }
        return (node, target)
    }

    private func validate(_ instance: JSONValue, _ schema: JSONValue, file: String, path: String,
                          errors: inout [String]) {
        guard case .object(let rules) = schema else {
            if schema != .bool(true) { errors.append("\(path): schema is not an object") }
            return
        }
        for key in rules.keys where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            errors.append("\(path): unsupported schema keyword \(key) in \(file)")
        }
        if case .string(let reference)? = rules["$ref"] {
            guard let (target, targetFile) = resolve(reference, from: file) else {
                errors.append("\(path): unresolved $ref \(reference)")
                return
            }
            validate(instance, target, file: targetFile, path: path, errors: &errors)
        }
        if let type = rules["type"] {
            let allowed: [String]
            switch type {
            case .string(let name): allowed = [name]
            case .array(let names): allowed = names.compactMap { if case .string(let n) = $0 { return n } else { return nil } }
            default: allowed = []
            }
            if instance.typeNames.isDisjoint(with: allowed) {
                errors.append("\(path): expected \(allowed.joined(separator: " or ")), found \(instance.typeNames.sorted())")
                return
            }
        }
        if let constant = rules["const"], !Self.equal(instance, constant) {
            errors.append("\(path): expected the constant \(constant)")
        }
        if case .array(let options)? = rules["enum"], !options.contains(where: { Self.equal(instance, $0) }) {
            errors.append("\(path): not one of the allowed values")
        }
        if let value = instance.numericValue {
            if let minimum = rules["minimum"]?.numericValue, value < minimum { errors.append("\(path): \(value) < \(minimum)") }
            if let maximum = rules["maximum"]?.numericValue, value > maximum { errors.append("\(path): \(value) > \(maximum)") }
        }
        if case .array(let items) = instance {
            if let minimum = rules["minItems"]?.numericValue, Double(items.count) < minimum {
                errors.append("\(path): \(items.count) items, at least \(Int(minimum)) expected")
            }
            if let maximum = rules["maxItems"]?.numericValue, Double(items.count) > maximum {
                errors.append("\(path): \(items.count) items, at most \(Int(maximum)) expected")
            }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() {
                    validate(item, itemSchema, file: file, path: "\(path)[\(index)]", errors: &errors)
                }
            }
        }
        if case .object(let members) = instance {
            if case .array(let required)? = rules["required"] {
                for case .string(let key) in required where members[key] == nil {
                    errors.append("\(path): missing required \(key)")
                }
            }
            var properties: [String: JSONValue] = [:]
            if case .object(let declared)? = rules["properties"] { properties = declared }
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[key] {
                    validate(value, propertySchema, file: file, path: "\(path).\(key)", errors: &errors)
                } else if let additional = rules["additionalProperties"] {
                    if additional == .bool(false) {
                        errors.append("\(path): unexpected property \(key)")
                    } else {
                        validate(value, additional, file: file, path: "\(path).\(key)", errors: &errors)
                    }
                }
            }
        }
        if case .array(let options)? = rules["oneOf"] {
            let optionErrors = options.map { option -> [String] in
                var found: [String] = []
                validate(instance, option, file: file, path: path, errors: &found)
                return found
            }
            let matches = optionErrors.filter(\.isEmpty).count
            if matches != 1 {
                let reasons = optionErrors.enumerated().map { "option \($0.offset + 1): " + $0.element.joined(separator: ", ") }
                errors.append("\(path): matches \(matches) of the oneOf schemas, exactly 1 expected ("
                              + reasons.joined(separator: "; ") + ")")
            }
        }
        if case .array(let options)? = rules["anyOf"] {
            let matched = options.contains { option in
                var optionErrors: [String] = []
                validate(instance, option, file: file, path: path, errors: &optionErrors)
                return optionErrors.isEmpty
            }
            if !matched { errors.append("\(path): matches none of the anyOf schemas") }
        }
    }

    /// JSON equality (1 and 1.0 are equal numbers).
    private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.numericValue, let y = b.numericValue { return x == y }
        return a == b
    }
}
