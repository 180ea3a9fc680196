import CPUFeatures

/// The running CPU lacks an instruction set the kernels were compiled for.
public enum RuntimeEnvironmentError: Error, Equatable, CustomStringConvertible {
    case unsupportedCPU(required: String)

    public var description: String {
        switch self {
        case let .unsupportedCPU(required):
            return "this CPU lacks \(required), which SwiftFaceMesh was compiled for; rebuild with FACEMESH_TARGET_CPU=generic (see README)"
        }
    }
}

/// Checks that the CPU supports what `Package.swift` compiled the numeric code for (AVX2 + FMA by default).
public enum RuntimeEnvironment {
    /// Whether the running CPU supports AVX-512F (reported by the benchmarks).
    public static var supportsAVX512: Bool { facemesh_cpu_supports_avx512f() != 0 }

    /// Throws `RuntimeEnvironmentError.unsupportedCPU` when the build requires AVX2/FMA or AVX-512 and the CPU
    /// lacks it. The check itself is compiled without those instructions.
    public static func checkCPU() throws {
        #if FACEMESH_REQUIRES_AVX2_FMA
        guard facemesh_cpu_supports_avx2_fma() != 0 else { throw RuntimeEnvironmentError.unsupportedCPU(required: "AVX2 and FMA") }
        #endif
        #if FACEMESH_REQUIRES_AVX512
        guard facemesh_cpu_supports_avx512f() != 0 else { throw RuntimeEnvironmentError.unsupportedCPU(required: "AVX-512") }
        #endif
    }
}
