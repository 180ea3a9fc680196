/// The benchmarks' FMA throughput probe at the AVX-512 kernels' width: the peak that their "% FMA peak" column
/// divides by must come from the instructions the kernels use (`vfmadd…ps zmm`, 16 lanes). Call only on CPUs with
/// AVX-512, like the kernels.
package enum FMAThroughputAVX512 {
    /// Float lanes per FMA instruction.
    package static let lanes = 16

    /// `iterations` steps of 10 independent accumulators `a ← a + x·y` (fused, 16 lanes each; enough chains to keep
    /// two FMA pipes with a 4–5 cycle latency busy), summed at the end.
    @inline(never)
    package static func chainSum(iterations: Int, seed: Float) -> Float {
        let x = SIMD16<Float>(repeating: 1e-3), y = SIMD16<Float>(repeating: 1e-3)
        var a0 = SIMD16<Float>(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4
        var a5 = a0 + 5, a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9
        for _ in 0..<iterations {
            a0 = a0.addingProduct(x, y); a1 = a1.addingProduct(x, y); a2 = a2.addingProduct(x, y)
            a3 = a3.addingProduct(x, y); a4 = a4.addingProduct(x, y); a5 = a5.addingProduct(x, y)
            a6 = a6.addingProduct(x, y); a7 = a7.addingProduct(x, y); a8 = a8.addingProduct(x, y)
            a9 = a9.addingProduct(x, y)
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9).sum()
    }
}
