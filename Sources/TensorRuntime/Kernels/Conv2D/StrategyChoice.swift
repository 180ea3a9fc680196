import Foundation

/// Which of its two strategies a `Conv2D` layer uses, and the side-by-side measurement behind the choice.
///
/// The choice is a fixed rule of the geometry, never a timing taken when a plan is built: two runners of one model
/// (any thread count, any machine load) then always pick the same path, so their outputs stay bit-identical.
/// The rule is written from `bench --profile`, which times both paths of every CONV_2D layer of the face models on
/// the running machine (`ModelRunner.compareConvolutionStrategies(runs:)`); README.md (Performance) quotes the numbers.
extension Conv2D {
    /// Pixels per chunk of the GEMM strategy when patches must be gathered: 64 patch rows keep a chunk of the
    /// largest face-model patches (3·3·128 floats) within 300 KB, the L2 share of one core.
    static let gemmChunkPixels = 64

    /// The strategy for a geometry: the direct kernels, on every layer of every face model.
    ///
    /// Measured side by side with `bench --profile` (1 thread, AMD Zen 5, AVX2 build; OpenBLAS 0.3.21 picks its Haswell
    /// AVX2 kernels there, the same width): GEMM took 1.02–8.9× the direct time on all 181 CONV_2D layers of mesh,
    /// iris, attention and the detector, all 72 of V2, all 49 of the full-range detector and all 19 of the blendshape
    /// network. Closest: the 2×2 stride-2 reductions of iris (16×16×128 → 8×8×64: 1.02×), the blendshape network's
    /// single-row 1×1 layers (1×64×384 → 97: 1.05×; 1×64×97 → 384: 1.24×) and the wide 1×1 layers (16×16×80 → 88:
    /// 1.16×); farthest: the single-pixel heads (3×3×32 → 1×1×1404: 7.9×; V2's: 8.9×), where the direct path streams
    /// Float16 weight panels and SGEMM with one row cannot amortise its packing. Before the dot-product tail
    /// (`ConvolutionMicroKernel.runTail`) the whole blendshape network measured 0.57 ms direct against 0.66–0.72 ms
    /// with its single-row layers on GEMM (which also cannot be split across threads: one work unit). README.md
    /// (Performance) quotes the totals. The choice is a fixed rule of the geometry, not a timing taken when a plan is
    /// built: every runner of a model then runs the same arithmetic.
    static func preferredStrategy(for g: ConvolutionGeometry) -> Strategy {
        .direct
    }

    /// The name of the path this layer runs ("direct" or "GEMM"), as `bench --profile` prints it.
    public var pathName: String {
        switch strategy {
        case .direct: return "direct"
        case .gemm: return "GEMM"
        }
    }

    /// Times the direct and the GEMM strategy on this layer's geometry and activation, side by side: both are
    /// built from the same random weights (Float16 values, like the face models' weights, so the direct path keeps
    /// its Float16 weight panels where it would use them), run on the same random input, and timed in alternating
    /// order `runs` times each after one warm-up run (GEMM in this layer's chunks if it runs GEMM, else in chunks of
    /// `gemmChunkPixels`). Allocates; meant for benchmarks, not for inference.
    /// - Returns: median seconds of one run of each strategy (monotonic clock).
    public func compareStrategies(runs: Int) -> (directSeconds: Double, gemmSeconds: Double) {
        let g = geometry
        var generator = SplitMix64(seed: UInt64(g.inputElementCount &* 31 &+ g.outputChannels))
        let patchLength = g.kernelHeight * g.kernelWidth * g.inputChannels
        let filter = (0..<g.outputChannels * patchLength).map { _ in Float(Float16(generator.nextSigned() * 0.1)) }
        let bias = (0..<g.outputChannels).map { _ in generator.nextSigned() }
        let input = (0..<g.inputElementCount).map { _ in generator.nextSigned() }
        var gemmStrategy = Strategy.gemm(chunkPixels: Self.gemmChunkPixels)
        if case .gemm = strategy { gemmStrategy = strategy }
        guard let direct = try? Conv2D(geometry: g, filter: filter, bias: bias, activation: activation,
                                       strategy: .direct),
              let gemm = try? Conv2D(geometry: g, filter: filter, bias: bias, activation: activation,
                                     strategy: gemmStrategy) else { return (0, 0) }
        let output = UnsafeMutablePointer<Float>.allocate(capacity: g.outputElementCount)
        let workspaceCount = max(1, direct.workspaceCount, gemm.workspaceCount)
        let workspace = UnsafeMutablePointer<Float>.allocate(capacity: workspaceCount)
        defer {
            output.deallocate()
            workspace.deallocate()
        }
        var samples: [[UInt64]] = [[], []]
        input.withUnsafeBufferPointer { input in
            let layers = [direct, gemm]
            for layer in layers {
                layer.run(input: input.baseAddress!, residual: nil, output: output, workspace: workspace)
            }
            for round in 0..<max(1, runs) {
                for index in round.isMultiple(of: 2) ? [0, 1] : [1, 0] {
                    let start = DispatchTime.now().uptimeNanoseconds
                    layers[index].run(input: input.baseAddress!, residual: nil, output: output, workspace: workspace)
                    samples[index].append(DispatchTime.now().uptimeNanoseconds - start)
                }
            }
        }
        func median(_ values: [UInt64]) -> Double { Double(values.sorted()[values.count / 2]) / 1e9 }
        return (median(samples[0]), median(samples[1]))
    }
}

/// A small deterministic generator for benchmark data (SplitMix64).
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in [-1, 1).
    mutating func nextSigned() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
