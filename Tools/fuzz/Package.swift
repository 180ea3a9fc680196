// swift-tools-version:6.0
import Foundation
import PackageDescription

// libFuzzer targets for SwiftFaceMesh, kept out of the main package so that its build never needs the sanitizers.
// Build (from this directory; Tools/run_fuzzers.sh does this):
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address --scratch-path .build
// `-sanitize=fuzzer` instruments every Swift module of the build (this package and the runtime it tests) for
// coverage and links libclang_rt.fuzzer from the Swift toolchain; the -Xcc flags do the same for the C shims.
// SwiftPM renames an executable's `main` to `<Target>_main` and points `main` at it, which hides libFuzzer's own
// `main`, so each target's top-level code starts the fuzzing loop itself through `LLVMFuzzerRunDriver` (see
// FuzzHarness/FuzzerEntry.swift).
// A path dependency's identity is the name of its directory (the clone's name, e.g. "SwiftFaceMesh" or a worktree).
let repositoryIdentity = URL(fileURLWithPath: Context.packageDirectory)
    .deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "SwiftFaceMeshFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: "../.."),
    ],
    targets: [
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzHarness", dependencies: [
            "CFuzzerDriver",
            .product(name: "TensorRuntime", package: repositoryIdentity),
            .product(name: "ImageCodecs", package: repositoryIdentity),
        ]),
        .executableTarget(name: "FuzzWeightLoader", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "FuzzWeightLoaderResealed", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "FuzzImageDecoder", dependencies: ["FuzzHarness"]),
        // The same exercise as FuzzImageDecoder, seeded with WebP files only (corpus/webp, dictionaries/webp.dict).
        .executableTarget(name: "FuzzWebPDecoder", dependencies: ["FuzzHarness"]),
    ],
    swiftLanguageModes: [.v5]
)
