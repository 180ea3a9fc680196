// swift-tools-version:6.0
import PackageDescription
import Foundation

// Kernels need FMA: Swift compiles for baseline x86-64 (SSE2, no FMA) unless told otherwise, which makes the SIMD
// loops up to 20x slower. By default the numeric targets are compiled for `haswell` (AVX2 + FMA, every x86-64 CPU
// since 2013); `FaceMeshEngine` checks the CPU at start-up and throws instead of trapping on an older one.
// Override with FACEMESH_TARGET_CPU=<LLVM CPU name> (e.g. znver4, skylake-avx512) or FACEMESH_TARGET_CPU=generic
// for a portable baseline build.
let environment = ProcessInfo.processInfo.environment
// Numeric code is optimized in debug builds too, the way release builds it: unoptimized SIMD code runs 10-100x
// slower, which would make the reference tests (whole networks on real images) crawl, and `-O` alone is not enough:
// SwiftPM compiles debug targets file by file (batch mode), so the small SIMD helpers of one file
// (SIMDMemory.load8, multiplyAdd, ...) are calls, not inlined instructions, in the kernels of the others; measured
// 15x slower than `-c release`. Whole-module optimization (as `-c release` does) removes that; `-disable-batch-mode`
// silences the driver's warning about SwiftPM's own `-enable-batch-mode`, which whole-module mode ignores.
var numericFlags: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"]),
    .unsafeFlags(["-O", "-whole-module-optimization", "-num-threads", "2", "-disable-batch-mode"], .when(configuration: .debug)),
]
#if arch(x86_64)
let targetCPU = environment["FACEMESH_TARGET_CPU"] ?? "haswell"
if targetCPU != "generic" {
    numericFlags.append(.unsafeFlags(["-target-cpu", targetCPU]))
    numericFlags.append(.define("FACEMESH_REQUIRES_AVX2_FMA"))
    let avx512CPUs = ["skylake-avx512", "cascadelake", "cooperlake", "cannonlake", "icelake-client", "icelake-server",
                      "tigerlake", "rocketlake", "sapphirerapids", "graniterapids", "znver4", "znver5"]
    if avx512CPUs.contains(targetCPU) { numericFlags.append(.define("FACEMESH_REQUIRES_AVX512")) }
}
#endif
// The AVX-512 kernels (TensorKernelsAVX512) are compiled for AVX-512 whatever the rest is compiled for, and run only
// where the CPU has it: TensorRuntime checks the CPU once (`RuntimeEnvironment.kernelInstructionSet`) and otherwise
// keeps to its AVX2 kernels. Everything they share with TensorRuntime lives in TensorKernelInterface, compiled
// without CPU flags, so no code of the AVX-512 module runs on other CPUs.
var avx512Flags: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"]),
    .unsafeFlags(["-O", "-whole-module-optimization", "-num-threads", "2", "-disable-batch-mode"], .when(configuration: .debug)),
]
#if arch(x86_64)
if targetCPU != "generic" {
    avx512Flags.append(.unsafeFlags(["-target-cpu", "skylake-avx512"]))
    numericFlags.append(.define("FACEMESH_AVX512_KERNELS"))
}
#endif

let package = Package(
    name: "SwiftFaceMesh",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "TensorRuntime", targets: ["TensorRuntime"]),
        .library(name: "FaceMesh", targets: ["FaceMesh"]),
        .library(name: "ImageCodecs", targets: ["ImageCodecs"]),
        .library(name: "FaceMeshVideo", targets: ["FaceMeshVideo"]),
        .executable(name: "facemesh", targets: ["facemesh"]),
        .executable(name: "bench", targets: ["bench"]),
        // The engine behind a C interface (header: Sources/CFaceMeshInterface/include/facemesh_c.h), as the shared
        // library libFaceMeshC that the Python package (Python/) loads with ctypes.
        .library(name: "FaceMeshC", type: .dynamic, targets: ["FaceMeshC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` (DocC); Tools/build_docs.sh builds the catalogs with warnings as errors.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .target(name: "CPUFeatures"),
        .target(name: "CThreadName"),
        // What TensorRuntime's AVX2 kernels and the AVX-512 kernels share (no CPU-specific flags, see above).
        .target(name: "TensorKernelInterface", swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "TensorKernelsAVX512", dependencies: ["TensorKernelInterface"], swiftSettings: avx512Flags),
        .target(name: "TensorRuntime", dependencies: ["CBLAS", "CPUFeatures", "CThreadName", "TensorKernelInterface",
                                                      "TensorKernelsAVX512"],
                exclude: ["Kernels/README.md"], swiftSettings: numericFlags),
        // The 8-bit RGB image shared by FaceMesh and ImageCodecs (both re-export it).
        .target(name: "ImageBasics"),
        .target(name: "FaceMesh", dependencies: ["TensorRuntime", "ImageBasics"], swiftSettings: numericFlags),
        // C shims around libjpeg/libpng (their fatal-error callbacks need setjmp/longjmp, which Swift cannot
        // express) and libwebp.
        .target(name: "CImageShims", dependencies: ["CJPEG", "CPNG", "CWebP"]),
        .target(name: "ImageCodecs", dependencies: ["CImageShims", "ImageBasics"]),
        // Face mesh results of a video file as an AsyncThrowingStream (FaceMesh + ImageCodecs' video reader).
        .target(name: "FaceMeshVideo", dependencies: ["FaceMesh", "ImageCodecs"]),
        // The C interface's header (and compile-time checks of its struct layout); FaceMeshC implements it.
        .target(name: "CFaceMeshInterface"),
        .target(name: "FaceMeshC", dependencies: ["FaceMesh", "CFaceMeshInterface"]),
        .executableTarget(name: "facemesh", dependencies: [
            "FaceMesh", "ImageCodecs", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "bench", dependencies: [
            "FaceMesh", "TensorRuntime", "ImageCodecs", "TensorKernelsAVX512",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/bench",
        // Optimized and compiled for the kernels' CPU like the numeric targets: its FMA probe must use the
        // kernels' instructions, and its timing loop must not add debug overhead.
        swiftSettings: numericFlags),
        // Test support shared by the test targets: a seeded generator and the PNG chunk CRC.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TensorRuntimeTests", dependencies: ["TensorRuntime", "TestSupport", "TensorKernelInterface",
                                                              "TensorKernelsAVX512"],
                    swiftSettings: numericFlags),
        // Test support: counts heap allocations by replacing malloc & co. in the test executable (glibc only).
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        .testTarget(name: "AllocationTests", dependencies: ["TensorRuntime", "FaceMesh", "ImageCodecs", "AllocationCounter",
                                                                 "TestSupport"],
                    swiftSettings: numericFlags),
        .testTarget(name: "FaceMeshTests", dependencies: ["FaceMesh", "ImageCodecs", "FaceMeshVideo", "TestSupport"]),
        // The C interface called as a C caller would (Python/tests check it from ctypes).
        .testTarget(name: "FaceMeshCTests", dependencies: ["FaceMeshC", "CFaceMeshInterface", "FaceMesh", "ImageCodecs"]),
        .testTarget(name: "ImageCodecsTests", dependencies: ["ImageCodecs", "TestSupport"]),
        // Runs the built `facemesh` binary as a subprocess (the dependency makes SwiftPM build it first).
        .testTarget(name: "FacemeshCommandTests", dependencies: ["FaceMesh", "ImageCodecs", "facemesh", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
