// libFuzzer target: like FuzzWeightLoader, but the mutated bytes first get a valid checksum and consistent length
// fields (WeightFileResealing), so mutations land in the metadata parser, the planner and the kernels.
import FuzzHarness
import Foundation

/// Reseals and exercises one input; always returns 0 (libFuzzer detects failures as traps and sanitizer reports).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    WeightFileExercise.exercise(WeightFileResealing.resealed(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

FuzzerEntry.run(fuzz)
