import Foundation

/// A one-line progress display on standard error, redrawn in place with a carriage return:
/// `[#########.........]  45/90 frames  7.9 fps  ETA 6 s` (without a total: `45 frames  7.9 fps`).
/// Redraws at most about ten times a second.
struct ProgressBar {
    /// Expected number of steps, if known.
    let total: Int?
    private let start = Date()
    private var lastDraw: Date?
    private static let barWidth = 30

    init(total: Int?) {
        self.total = total.flatMap { $0 > 0 ? $0 : nil }
    }

    /// Shows that `done` frames are finished.
    mutating func update(done: Int) {
        let now = Date()
        if let lastDraw, now.timeIntervalSince(lastDraw) < 0.1, done != total { return }
        lastDraw = now
        StandardError.write("\r" + line(done: done, elapsed: now.timeIntervalSince(start)) + "\u{1B}[K")
    }

    /// Ends the display with a summary line.
    func finish(done: Int) {
        let elapsed = Date().timeIntervalSince(start)
        StandardError.write("\r" + line(done: done, elapsed: elapsed) + "\u{1B}[K\n")
    }

    private func line(done: Int, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let speed = String(format: "%.1f fps", rate)
        guard let total else { return "\(done) frames  \(speed)" }
        let fraction = min(1, Double(done) / Double(total))
        let filled = Int((fraction * Double(ProgressBar.barWidth)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: ProgressBar.barWidth - filled)
        var text = "[\(bar)] \(done)/\(total) frames  \(speed)"
        if rate > 0, done < total {
            text += "  ETA \(Int((Double(total - done) / rate).rounded(.up))) s"
        }
        return text
    }
}
