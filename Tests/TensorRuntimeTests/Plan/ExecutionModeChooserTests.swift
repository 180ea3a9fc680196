import XCTest
@testable import TensorRuntime

/// The split-or-serial choice follows the measured run times (median of the recent runs of each mode) and probes
/// the other mode every `probeInterval` runs.
final class ExecutionModeChooserTests: XCTestCase {
    /// Runs `count` runs where split runs take `parallel` ns and serial ones `serial` ns; returns the modes chosen.
    private func simulate(_ chooser: inout ExecutionModeChooser, runs count: Int, parallel: UInt64,
                          serial: UInt64) -> [Bool] {
        (0..<count).map { _ in
            let split = chooser.nextRunIsParallel()
            chooser.record(parallel: split, nanoseconds: split ? parallel : serial)
            return split
        }
    }

    func testPrefersTheFasterModeAndProbesTheOther() {
        var chooser = ExecutionModeChooser()
        // A free core: split runs take half as long; after the first serial probe, 7 of every 8 runs are split.
        let free = simulate(&chooser, runs: 64, parallel: 500, serial: 1000)
        XCTAssertTrue(free[0])
        XCTAssertEqual(free.filter { !$0 }.count, 64 / ExecutionModeChooser.probeInterval)
        // The cores get busy: split runs now take three times as long. Once the median of the recent split runs
        // has moved, serial runs take over, with a split probe every 8 runs.
        let busy = simulate(&chooser, runs: 80, parallel: 3000, serial: 1000)
        XCTAssertEqual(busy.suffix(64).filter { $0 }.count, 64 / ExecutionModeChooser.probeInterval)
        // A single slow split run among fast ones does not change the choice (median of the last five).
        var steady = ExecutionModeChooser()
        _ = simulate(&steady, runs: 16, parallel: 500, serial: 1000)
        steady.record(parallel: true, nanoseconds: 50_000)
        XCTAssertTrue(steady.nextRunIsParallel())
    }

    /// `prefersParallel` (what `ModelRunner.runSplit` follows) is the current preference, without counting a run
    /// or probing: true before both modes were measured, then whichever mode's recent median is faster.
    func testPrefersParallelFollowsTheMediansWithoutProbing() {
        var chooser = ExecutionModeChooser()
        XCTAssertTrue(chooser.prefersParallel)
        _ = simulate(&chooser, runs: 16, parallel: 500, serial: 1000)
        for _ in 0..<20 { XCTAssertTrue(chooser.prefersParallel) }  // no probe however often it is asked
        _ = simulate(&chooser, runs: 40, parallel: 3000, serial: 1000)
        XCTAssertFalse(chooser.prefersParallel)
        var serialOnly = ExecutionModeChooser()
        serialOnly.record(parallel: false, nanoseconds: 1000)
        XCTAssertTrue(serialOnly.prefersParallel, "split runs not measured yet")
    }
}
