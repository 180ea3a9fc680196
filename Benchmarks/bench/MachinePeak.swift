import Foundation

/// The assumed single-precision FMA peak of this machine, for the "% of peak" column.
///
/// Peak multiply-accumulates per second = cores used × clock × 16, where 16 MAC/cycle = 2 FMA pipes × 8 Float32
/// lanes (AVX2, 256-bit) — the width the runtime is compiled for (`-target-cpu haswell`).
struct MachinePeak {
    /// Multiply-accumulates per core per cycle: 2 FMA units × 8 lanes.
    static let multiplyAccumulatesPerCycle = 16.0

    /// Clock in GHz, nil when unknown.
    let gigahertz: Double?
    /// Where the clock came from.
    let source: String

    /// The clock from `--ghz`, else the first "cpu MHz" line of /proc/cpuinfo.
    init(overrideGigahertz: Double?) {
        if let overrideGigahertz {
            gigahertz = overrideGigahertz
            source = "--ghz"
        } else if let megahertz = Self.cpuinfoMegahertz() {
            gigahertz = megahertz / 1000
            source = "/proc/cpuinfo 'cpu MHz' (nominal clock; boost not counted)"
        } else {
            gigahertz = nil
            source = "unknown: no 'cpu MHz' in /proc/cpuinfo, pass --ghz"
        }
    }

    /// Peak GMAC/s on `cores` cores, nil when the clock is unknown.
    func peakGigaMultiplyAccumulates(cores: Int) -> Double? {
        gigahertz.map { Double(cores) * $0 * Self.multiplyAccumulatesPerCycle }
    }

    /// One line stating the assumption.
    var explanation: String {
        guard let gigahertz else { return "FMA peak: \(source)" }
        return String(format: "FMA peak per core: %.3f GHz × 16 MAC/cycle (2 FMA pipes × 8 lanes, AVX2 256-bit) = %.1f GMAC/s; clock from %@",
                      gigahertz, gigahertz * Self.multiplyAccumulatesPerCycle, source)
    }

    private static func cpuinfoMegahertz() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("cpu MHz") {
            if let value = line.split(separator: ":").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
               value > 0 {
                return value
            }
        }
        return nil
    }
}
