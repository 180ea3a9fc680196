import CBLAS

/// Keeps OpenBLAS single-threaded (internal to the kernels).
///
/// The runtime parallelises above the kernel level, so OpenBLAS must never start its own worker threads.
/// `ensureSingleThreaded()` is cheap after the first call (a lazily-initialised static).
enum BLASThreading {
    /// Runs `openblas_set_num_threads(1)` exactly once per process.
    private static let configured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Makes sure OpenBLAS has been limited to one thread; call before the first GEMM.
    static func ensureSingleThreaded() {
        _ = configured
    }
}
