/// Table 1 of the Attention Mesh paper (Grishchenko et al., arXiv 2006.10962): inference times on a Pixel 2 XL
/// GPU, for comparison with our CPU times.
enum PaperReference {
    /// Milliseconds per workload name (Mesh, Cascade, Attention); the paper times no iris or detector alone.
    static let pixel2XLMilliseconds: [String: Double] = [
        WorkloadName.mesh: 8.82,
        WorkloadName.cascade: 22.4,
        WorkloadName.attention: 16.6,
    ]

    /// Attention time / Cascade time in the paper (16.6 / 22.4).
    static var attentionToCascade: Double { 16.6 / 22.4 }

    /// Label of the paper column.
    static let columnTitle = "paper ms (Pixel 2 XL GPU)"
}
