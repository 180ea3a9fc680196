// libFuzzer target: arbitrary bytes → ImageDecoder.decode(data:), seeded with WebP files (Tools/fuzz/corpus/webp)
// and the WebP dictionary, so that the mutations stay on the libwebp path; checked by ImageDecodeExercise.
import Foundation
import FuzzHarness

/// Exercises one input; always returns 0 (libFuzzer detects failures as traps and sanitizer reports).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ImageDecodeExercise.exercise(Data(bytes: data, count: size))
    return 0
}

FuzzerEntry.run(fuzz)
