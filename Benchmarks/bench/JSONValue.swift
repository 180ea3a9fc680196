import Foundation

/// A JSON value whose objects keep their key order (Foundation's encoder does not), so the report reads
/// `{"threads":…,"results":[{"name":…,…}]}` in a fixed order.
indirect enum JSONValue {
    case string(String)
    case number(Double)
    case integer(Int)
    case array([JSONValue])
    case object([(String, JSONValue)])
    case null

    /// Compact JSON text.
    var text: String {
        switch self {
        case let .string(value): return Self.quoted(value)
        case let .number(value): return value.isFinite ? "\(value)" : "null"
        case let .integer(value): return "\(value)"
        case let .array(values): return "[" + values.map(\.text).joined(separator: ",") + "]"
        case let .object(members):
            return "{" + members.map { Self.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        case .null: return "null"
        }
    }

    private static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
