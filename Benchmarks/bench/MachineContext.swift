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
        "machine: \(cpuModel), \(logicalCPUs) logical CPUs, AVX-512 \(supportsAVX512 ? "present" : "absent"), kernels \(RuntimeEnvironment.kernelInstructionSet.rawValue), load average \(loadAverage)"
    }
}

/// How this bench binary was compiled: debug or release configuration, and the CPU the numeric code targets
/// (`Package.swift` passes the same flags to the bench as to TensorRuntime and FaceMesh).
struct BuildContext {
    /// True in a debug build (`swift run bench`, `swift build`).
    let isDebug: Bool
    /// The instruction set the numeric targets were compiled for: "avx512", "avx2-fma" or "generic".
    let targetCPU: String

    /// The command that gives the published numbers.
    static let releaseCommand = "swift run -c release bench"

    static var current: BuildContext {
        #if DEBUG
        let isDebug = true
        #else
        let isDebug = false
        #endif
        #if FACEMESH_REQUIRES_AVX512
        let targetCPU = "avx512"
        #elseif FACEMESH_REQUIRES_AVX2_FMA
        let targetCPU = "avx2-fma"
        #else
        let targetCPU = "generic"
        #endif
        return BuildContext(isDebug: isDebug, targetCPU: targetCPU)
    }

    /// "debug" or "release" (the JSON `build` value).
    var configuration: String { isDebug ? "debug" : "release" }

    /// What makes these numbers differ from the published ones, nil for a release build for AVX2 + FMA or wider.
    var warning: String? {
        var problems: [String] = []
        if isDebug {
            problems.append("DEBUG BUILD: the numeric code is optimized (whole-module, as in release) and measured within noise of a release build, but the bench's published numbers come from a release build")
        }
        if targetCPU == "generic" {
            problems.append("GENERIC CPU BUILD (FACEMESH_TARGET_CPU=generic): no FMA, the kernels run several times slower than the default haswell build")
        }
        guard !problems.isEmpty else { return nil }
        let instead = targetCPU == "generic" ? "unset FACEMESH_TARGET_CPU and run: \(Self.releaseCommand)" : "run: \(Self.releaseCommand)"
        return problems.joined(separator: "; ") + "; for the published numbers \(instead)"
    }

    /// The first line of the text report.
    var headline: String {
        if let warning { return "WARNING: " + warning }
        return "build: release, numeric code for \(targetCPU == "avx512" ? "AVX-512" : "AVX2 + FMA") (the configuration of the published numbers)"
    }
}
