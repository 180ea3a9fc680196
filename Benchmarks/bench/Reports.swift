import Foundation
import TensorRuntime

/// A plain-text table with aligned columns (first column left-aligned, the others right-aligned).
struct TextTable {
    let headers: [String]
    private(set) var rows: [[String]] = []

    init(headers: [String]) {
        self.headers = headers
    }

    /// Appends a row; missing cells are left empty, extra cells are ignored.
    mutating func append(_ cells: [String]) {
        rows.append((0..<headers.count).map { $0 < cells.count ? cells[$0] : "" })
    }

    /// The table as lines: header, dashes, rows.
    func rendered() -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ").replacingOccurrences(of: " +$", with: "", options: .regularExpression)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }
}

/// Formats a number with a fixed number of decimals.
func formatted(_ value: Double, decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}

/// The main text report: one row per workload and thread count with median / p10 / p90, MACs, throughput, share
/// of the measured FMA peak and the paper's time, then the Attention/Cascade ratio and the notes.
enum ResultTable {
    static func render(_ measurements: [Measurement], peak: FMAPeak, notes: [String]) -> String {
        var table = TextTable(headers: ["model", "threads", "median ms", "p10 ms", "p90 ms", "speed-up vs 1 thread",
                                        "MACs (M)", "GMAC/s", "% FMA peak", PaperReference.columnTitle])
        for measurement in measurements {
            let single = measurements.first { $0.name == measurement.name && $0.threads == 1 }
            let speedUp = single.map { formatted($0.timing.medianMilliseconds / measurement.timing.medianMilliseconds,
                                                 decimals: 2) } ?? "–"
            let rate = measurement.gigaMultiplyAccumulatesPerSecond
            let share = formatted(100 * rate / peak.gigaMultiplyAccumulates(cores: measurement.threads), decimals: 1)
            table.append([
                measurement.name, "\(measurement.threads)",
                formatted(measurement.timing.medianMilliseconds, decimals: 3),
                formatted(measurement.timing.p10Milliseconds, decimals: 3),
                formatted(measurement.timing.p90Milliseconds, decimals: 3), speedUp,
                formatted(Double(measurement.multiplyAccumulates) / 1e6, decimals: 2),
                formatted(rate, decimals: 1), share,
                PaperReference.pixel2XLMilliseconds[measurement.name].map { formatted($0, decimals: 2) } ?? "–",
            ])
        }
        var lines = [table.rendered(), ""]
        lines.append(ratioLine(measurements))
        lines.append("")
        lines.append("Notes:")
        lines += notes.map { "- " + $0 }
        return lines.joined(separator: "\n")
    }

    /// "Attention / Cascade" at 1 thread, beside the paper's 0.74.
    static func ratioLine(_ measurements: [Measurement]) -> String {
        let paper = "paper \(formatted(PaperReference.attentionToCascade, decimals: 2)) (16.6 / 22.4 ms)"
        func median(_ name: String) -> Double? {
            measurements.first { $0.name == name && $0.threads == 1 }?.timing.medianMilliseconds
        }
        guard let attention = median(WorkloadName.attention), let cascade = median(WorkloadName.cascade) else {
            return "Attention / Cascade: needs both rows; \(paper)"
        }
        return "Attention / Cascade (1 thread): ours \(formatted(attention / cascade, decimals: 2)) "
            + "(\(formatted(attention, decimals: 3)) / \(formatted(cascade, decimals: 3)) ms), \(paper)"
    }
}

/// The per-step profile of one model (`--profile`).
struct ModelProfile {
    /// The workload name (mesh, iris, attention, detector).
    let name: String
    /// The model name stored in the weight file.
    let modelName: String
    /// Threads of the profiled runner.
    let threads: Int
    let steps: [StepProfile]
    /// Bytes each step moves, in step order (nil where the step's label names no operator of the file).
    let traffic: [StepTraffic?]
    /// Both paths of every CONV_2D layer, timed side by side on one thread.
    let strategies: [ConvolutionStrategyTiming]

    /// Sum of the step medians, in milliseconds.
    var totalMilliseconds: Double { 1000 * steps.reduce(0) { $0 + $1.medianSeconds } }
}

/// The memory traffic of one plan step for the roofline columns of `--profile`: every weight (filter, bias, PReLU
/// slope) read once, every activation the step reads from outside itself read once, its output written once, 4 bytes
/// a value. Recovered from the step's label (`CONV_2D+PAD+ADD+PRELU #12`: the fused operator types and the index of
/// the first) and the weight file's graph: the first operator, then along the single chain of consumers one operator
/// per further type (a `+PAD` is the residual shortcut's channel padding, which the step reads unpadded).
struct StepTraffic {
    /// Bytes of constant tensors (weights) the step reads.
    let weightBytes: Int
    /// Bytes of activations read (inputs, residual) and written (output).
    let activationBytes: Int

    var totalBytes: Int { weightBytes + activationBytes }

    /// Nil when the label does not end in `#index` or its types do not follow the graph from that operator.
    init?(label: String, file: ModelFile) {
        let parts = label.split(separator: "#")
        guard parts.count == 2, let first = Int(parts[1]), file.operators.indices.contains(first) else { return nil }
        let types = parts[0].trimmingCharacters(in: .whitespaces).split(separator: "+").map(String.init)
        let operators = file.operators
        guard types.first == operators[first].type.name else { return nil }
        var producer: [Int: Int] = [:]
        for (index, op) in operators.enumerated() { for output in op.outputs { producer[output] = index } }
        var group = [first]
        for type in types.dropFirst() where type != "PAD" {
            let output = operators[group[group.count - 1]].outputs[0]
            guard let next = operators.indices.first(where: { $0 > group[group.count - 1]
                && operators[$0].type.name == type && operators[$0].inputs.contains(output) }) else { return nil }
            group.append(next)
        }
        let produced = Set(group.flatMap { operators[$0].outputs })
        let paddedShortcut = types.contains("PAD")
        var weights = 0, activations = 0
        for op in group.map({ operators[$0] }) {
            for tensor in op.inputs where file.tensors.indices.contains(tensor) && !produced.contains(tensor) {
                if file.tensors[tensor].isConstant {
                    weights += 4 * file.tensors[tensor].elementCount
                } else if paddedShortcut, let pad = producer[tensor], operators[pad].type.name == "PAD" {
                    activations += 4 * file.tensors[operators[pad].inputs[0]].elementCount
                } else {
                    activations += 4 * file.tensors[tensor].elementCount
                }
            }
        }
        for output in operators[group[group.count - 1]].outputs { activations += 4 * file.tensors[output].elementCount }
        weightBytes = weights
        activationBytes = activations
    }
}

/// Renders per-step profiles as a roofline table: the slowest `top` steps (or all, in execution order, when `top`
/// is 0), each with its share of the summed step medians, time, MACs, bytes moved, MACs per byte, throughput and
/// share of the measured FMA peak of the profiled thread count.
enum ProfileReport {
    static func render(_ profiles: [ModelProfile], top: Int, runs: Int, peak: FMAPeak) -> String {
        profiles.map { profile in
            let total = profile.totalMilliseconds
            let peakRate = peak.gigaMultiplyAccumulates(cores: profile.threads)
            let indices = Array(profile.steps.indices)
            let shown = top == 0 ? indices
                : Array(indices.sorted { profile.steps[$0].medianSeconds > profile.steps[$1].medianSeconds }.prefix(top))
            var table = TextTable(headers: ["step", "share %", "ms", "MACs (M)", "KB moved", "MAC/byte", "GMAC/s",
                                            "% FMA peak"])
            for index in shown {
                table.append(row(profile.steps[index], traffic: profile.traffic[index], total: total, peak: peakRate))
            }
            let rest = profile.steps.count - shown.count
            if rest > 0 {
                let restMilliseconds = total - 1000 * shown.reduce(0) { $0 + profile.steps[$1].medianSeconds }
                let restMACs = profile.steps.reduce(0) { $0 + $1.multiplyAccumulates }
                    - shown.reduce(0) { $0 + profile.steps[$1].multiplyAccumulates }
                table.append(["(\(rest) other steps)", formatted(100 * restMilliseconds / total, decimals: 1),
                              formatted(restMilliseconds, decimals: 4), formatted(Double(restMACs) / 1e6, decimals: 2)])
            }
            let order = top == 0 ? "execution order" : "slowest \(shown.count) of \(profile.steps.count) steps"
            return "Profile: \(profile.name) (\(profile.modelName), \(profile.threads) thread\(profile.threads == 1 ? "" : "s")), \(profile.steps.count) steps, sum of step medians "
                + "\(formatted(total, decimals: 3)) ms over \(runs) runs; \(order); peak \(formatted(peakRate, decimals: 1)) GMAC/s; "
                + "KB moved = weights + activations in and out, each once\n" + table.rendered()
                + "\n\n" + strategyTable(profile)
        }.joined(separator: "\n\n")
    }

    /// Every CONV_2D layer of the model with the path its plan runs and both paths timed alone, side by side
    /// (1 thread, random data of the layer's geometry), in execution order.
    private static func strategyTable(_ profile: ModelProfile) -> String {
        var table = TextTable(headers: ["CONV_2D layer", "geometry", "path", "direct ms", "GEMM ms", "GEMM / direct"])
        var direct = 0.0, gemm = 0.0, best = 0.0
        for layer in profile.strategies {
            let g = layer.geometry
            let input = "\(g.inputHeight)×\(g.inputWidth)×\(g.inputChannels)"
            let output = "\(g.outputHeight)×\(g.outputWidth)×\(g.outputChannels)"
            let window = "\(g.kernelHeight)×\(g.kernelWidth)/\(g.strideHeight)"
            table.append([layer.stepLabel, "\(input) → \(output), \(window)",
                          layer.chosenPath, formatted(1000 * layer.directSeconds, decimals: 4),
                          formatted(1000 * layer.gemmSeconds, decimals: 4),
                          formatted(layer.directSeconds > 0 ? layer.gemmSeconds / layer.directSeconds : 0,
                                    decimals: 2)])
            direct += layer.directSeconds
            gemm += layer.gemmSeconds
            best += min(layer.directSeconds, layer.gemmSeconds)
        }
        let wins = profile.strategies.filter { $0.gemmSeconds < $0.directSeconds }.count
        let directText = formatted(1000 * direct, decimals: 3), gemmText = formatted(1000 * gemm, decimals: 3)
        let bestText = formatted(1000 * best, decimals: 3)
        let heading = "Convolution paths: \(profile.name), \(profile.strategies.count) CONV_2D layers, each alone; "
            + "all direct \(directText) ms, all GEMM \(gemmText) ms, best of each \(bestText) ms; "
            + "GEMM faster on \(wins)"
        return heading + "\n" + table.rendered()
    }

    private static func row(_ step: StepProfile, traffic: StepTraffic?, total: Double, peak: Double) -> [String] {
        let milliseconds = 1000 * step.medianSeconds
        let rate = step.multiplyAccumulates > 0 && step.medianSeconds > 0
            ? Double(step.multiplyAccumulates) / step.medianSeconds / 1e9 : nil
        let intensity = traffic.flatMap { $0.totalBytes > 0 && step.multiplyAccumulates > 0
            ? formatted(Double(step.multiplyAccumulates) / Double($0.totalBytes), decimals: 1) : nil }
        return [step.label, formatted(total > 0 ? 100 * milliseconds / total : 0, decimals: 1),
                formatted(milliseconds, decimals: 4), formatted(Double(step.multiplyAccumulates) / 1e6, decimals: 2),
                traffic.map { formatted(Double($0.totalBytes) / 1024, decimals: 1) } ?? "–", intensity ?? "",
                rate.map { formatted($0, decimals: 1) } ?? "", rate.map { formatted(100 * $0 / peak, decimals: 1) } ?? ""]
    }
}

/// The `--json` document: `{"build":"release","targetCPU":"avx2-fma","warning":null,"published_command":…,
/// "fma_probe":{…},"threads":[1],"results":[{"name":"mesh","threads":1,"median_ms":…,"p10_ms":…,"p90_ms":…,
/// "macs":…,"runs":…},…],"notes":[…]}`, plus `"litert":[…]` with `--compare-litert` and `"profiles":[…]` with
/// `--profile` (each with its "steps" and its "convolution_paths": path, direct_ms, gemm_ms per CONV_2D layer). Times in milliseconds; rates in GMAC/s; shares in [0, 1].
enum JSONReport {
    static func make(build: BuildContext, peak: FMAPeak, threads: [Int], measurements: [Measurement], notes: [String],
                     litert: [LiteRTComparisonRow]?, profiles: [ModelProfile]?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("build", .string(build.configuration)),
            ("targetCPU", .string(build.targetCPU)),
            ("warning", build.warning.map(JSONValue.string) ?? .null),
            ("published_command", .string(BuildContext.releaseCommand)),
            ("fma_probe", fmaProbe(peak.probe)),
            ("threads", .array(threads.map(JSONValue.integer))),
            ("results", .array(measurements.map(result))),
            ("notes", .array(notes.map(JSONValue.string))),
        ]
        if let litert { members.append(("litert", .array(litert.map(comparison)))) }
        if let profiles { members.append(("profiles", .array(profiles.map { profile($0, peak: peak) }))) }
        return .object(members)
    }

    private static func fmaProbe(_ probe: FMAThroughputProbe.Result) -> JSONValue {
        .object([
            ("alone_gmacs", .number(probe.alone)),
            ("threads", .integer(probe.threads)),
            ("together_gmacs_per_core", probe.togetherPerCore.map(JSONValue.number) ?? .null),
            ("shares_one_core", probe.sharesOneCore.map { JSONValue.bool($0) } ?? .null),
        ])
    }

    private static func result(_ measurement: Measurement) -> JSONValue {
        .object([
            ("name", .string(measurement.name)),
            ("threads", .integer(measurement.threads)),
            ("median_ms", .number(measurement.timing.medianMilliseconds)),
            ("p10_ms", .number(measurement.timing.p10Milliseconds)),
            ("p90_ms", .number(measurement.timing.p90Milliseconds)),
            ("macs", .integer(measurement.multiplyAccumulates)),
            ("runs", .integer(measurement.timing.count)),
        ])
    }

    private static func comparison(_ row: LiteRTComparisonRow) -> JSONValue {
        .object([
            ("name", .string(row.name)),
            ("ours_median_ms", .number(row.ours.medianMilliseconds)),
            ("ours_p10_ms", .number(row.ours.p10Milliseconds)),
            ("ours_p90_ms", .number(row.ours.p90Milliseconds)),
            ("litert_median_ms", .number(row.litert.medianMilliseconds)),
            ("litert_p10_ms", .number(row.litert.p10Milliseconds)),
            ("litert_p90_ms", .number(row.litert.p90Milliseconds)),
            ("ratio", .number(row.ratio)),
            ("litert_model", .string(row.name == WorkloadName.attention ? "custom ops cut out (lower bound)" : "original")),
            ("litert_vs_fixture_max_abs_diff", .string(row.litertCheck)),
        ])
    }

    private static func profile(_ profile: ModelProfile, peak: FMAPeak) -> JSONValue {
        let total = profile.totalMilliseconds
        let peakRate = peak.gigaMultiplyAccumulates(cores: profile.threads)
        return .object([
            ("name", .string(profile.name)),
            ("model", .string(profile.modelName)),
            ("threads", .integer(profile.threads)),
            ("peak_gmacs", .number(peakRate)),
            ("steps", .array(zip(profile.steps, profile.traffic).map { step, traffic in
                let milliseconds = 1000 * step.medianSeconds
                let rate = step.medianSeconds > 0 ? Double(step.multiplyAccumulates) / step.medianSeconds / 1e9 : 0
                return .object([
                    ("label", .string(step.label)),
                    ("share", .number(total > 0 ? milliseconds / total : 0)),
                    ("ms", .number(milliseconds)),
                    ("macs", .integer(step.multiplyAccumulates)),
                    ("weight_bytes", traffic.map { JSONValue.integer($0.weightBytes) } ?? .null),
                    ("activation_bytes", traffic.map { JSONValue.integer($0.activationBytes) } ?? .null),
                    ("gmacs", .number(rate)),
                    ("peak_share", .number(rate / peakRate)),
                ])
            })),
            ("convolution_paths", .array(profile.strategies.map { layer in
                .object([
                    ("label", .string(layer.stepLabel)),
                    ("path", .string(layer.chosenPath)),
                    ("direct_ms", .number(1000 * layer.directSeconds)),
                    ("gemm_ms", .number(1000 * layer.gemmSeconds)),
                ])
            })),
        ])
    }
}

/// A JSON value whose objects keep their key order (Foundation's encoder does not), so the report reads
/// `{"threads":…,"results":[{"name":…,…}]}` in a fixed order.
indirect enum JSONValue {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([(String, JSONValue)])
    case null

    /// Compact JSON text.
    var text: String {
        switch self {
        case let .string(value): return Self.quoted(value)
        case let .number(value): return value.isFinite ? "\(value)" : "null"
        case let .integer(value): return "\(value)"
        case let .bool(value): return value ? "true" : "false"
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
