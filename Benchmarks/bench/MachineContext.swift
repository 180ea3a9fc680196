import Foundation
import TensorRuntime

/// What the numbers were measured on: CPU model, logical CPUs, AVX-512, and the load average (the machine is
/// shared, so foreign load explains noisy medians).
struct MachineContext {
    let cpuModel: String
    let logicalCPUs: Int
    let supportsAVX512: Bool
    let loadAverage: String

    /// Reads /proc/cpuinfo and /proc/loadavg where they exist.
    static func current() -> MachineContext {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
        return MachineContext(cpuModel: model, logicalCPUs: ProcessInfo.processInfo.activeProcessorCount,
                              supportsAVX512: RuntimeEnvironment.supportsAVX512,
                              loadAverage: load.isEmpty ? "unknown" : load)
    }

    /// One line for the report header.
    var summary: String {
        "machine: \(cpuModel), \(logicalCPUs) logical CPUs, AVX-512 \(supportsAVX512 ? "present (unused: build is AVX2)" : "absent"), load average \(loadAverage)"
    }
}
