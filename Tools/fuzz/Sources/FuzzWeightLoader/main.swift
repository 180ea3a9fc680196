// libFuzzer target: arbitrary bytes as a `.sfmw` weight file → ModelFile(data:) → ModelRunner(file:) → one run on
// zeros for small graphs. Random mutations rarely keep the checksum valid, so this target mostly exercises the
// header and integrity checks; FuzzWeightLoaderResealed reaches the metadata parser and the planner.
import FuzzHarness
import Foundation

/// Exercises one input; always returns 0 (libFuzzer detects failures as traps and sanitizer reports).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    WeightFileExercise.exercise(Data(bytes: data, count: size))
    return 0
}

FuzzerEntry.run(fuzz)
