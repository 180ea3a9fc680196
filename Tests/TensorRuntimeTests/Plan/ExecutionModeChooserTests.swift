import XCTest
@testable import TensorRuntime

/// The split-or-serial choice follows the measured run times (median of the recent runs of each mode) and probes
/// the other mode every `probeInterval` runs, or every `clearWinProbeInterval` runs while split runs are clearly
/// faster.
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
        // A free core: split runs take half as long. The first serial probe comes after 8 runs; from then on, a
        // clear win, one run in 64 is serial.
        let free = simulate(&chooser, runs: 192, parallel: 500, serial: 1000)
        XCTAssertTrue(free[0])
        XCTAssertFalse(free[ExecutionModeChooser.probeInterval - 1])
        XCTAssertEqual(free.indices.filter { !free[$0] }.map { $0 + 1 }, [8, 64, 128, 192])
        // Split runs only slightly faster (under 1.25×): the serial probe stays every 8 runs.
        var close = ExecutionModeChooser()
        let near = simulate(&close, runs: 64, parallel: 900, serial: 1000)
        XCTAssertEqual(near.filter { !$0 }.count, 64 / ExecutionModeChooser.probeInterval)
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
