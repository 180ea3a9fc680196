/// The main text report: one row per workload and thread count with median / p10 / p90, MACs, throughput, share
/// of the FMA peak and the paper's time, then the Attention/Cascade ratio and the notes.
enum ResultTable {
    static func render(_ measurements: [Measurement], peak: MachinePeak, notes: [String]) -> String {
        var table = TextTable(headers: ["model", "threads", "median ms", "p10 ms", "p90 ms", "speed-up vs 1 thread",
                                        "MACs (M)", "GMAC/s", "% FMA peak", PaperReference.columnTitle])
        for measurement in measurements {
            let single = measurements.first { $0.name == measurement.name && $0.threads == 1 }
            let speedUp = single.map { formatted($0.timing.medianMilliseconds / measurement.timing.medianMilliseconds,
                                                 decimals: 2) } ?? "–"
            let rate = measurement.gigaMultiplyAccumulatesPerSecond
            let share = peak.peakGigaMultiplyAccumulates(cores: measurement.threads).map { formatted(100 * rate / $0, decimals: 1) }
            table.append([
                measurement.name, "\(measurement.threads)",
                formatted(measurement.timing.medianMilliseconds, decimals: 3),
                formatted(measurement.timing.p10Milliseconds, decimals: 3),
                formatted(measurement.timing.p90Milliseconds, decimals: 3), speedUp,
                formatted(Double(measurement.multiplyAccumulates) / 1e6, decimals: 2),
                formatted(rate, decimals: 1), share ?? "?",
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
