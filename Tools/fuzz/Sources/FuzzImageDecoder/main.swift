// libFuzzer target: arbitrary bytes → ImageDecoder.decode(data:) (PNG through libpng, JPEG through libjpeg-turbo,
// WebP through libwebp), seeded with PNG and JPEG files (Tools/fuzz/corpus/images),
// checked by ImageDecodeExercise.
import Foundation
import FuzzHarness

/// Exercises one input; always returns 0 (libFuzzer detects failures as traps and sanitizer reports).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ImageDecodeExercise.exercise(Data(bytes: data, count: size))
    return 0
}

FuzzerEntry.run(fuzz)
