import Foundation
import ImageCodecs

/// What FuzzImageDecoder and FuzzWebPDecoder do with one input: `ImageDecoder.decode(data:)` with the default limits (as the
/// `facemesh` command uses it), twice.
///
/// Besides traps and sanitizer reports (the C shims around libjpeg, libpng and libwebp are compiled with ASan too), it traps
/// deliberately, so that libFuzzer saves the input, when the decoder breaks its contract:
/// - it throws something other than an `ImageCodecError`;
/// - a decoded image's size lies outside the limits or its pixel buffer is not `3 · width · height` bytes;
/// - decoding the same bytes twice gives different results (a sign of reading uninitialised memory), or the
///   second attempt fails differently.
public enum ImageDecodeExercise {
    /// Decodes `data` twice and traps when the decoder breaks its contract (see above).
    public static func exercise(_ data: Data) {
        let first = decode(data)
        let second = decode(data)
        guard first == second else {
            fatalError("decoding the same \(data.count) bytes twice gave different results: \(first.summary) vs \(second.summary)")
        }
        guard case let .image(image) = first else {
            FuzzTrace.note("refused: \(first.summary)")
            return
        }
        let limits = ImageSizeLimits.default
        guard image.width >= 1, image.height >= 1, limits.accepts(width: image.width, height: image.height),
              image.pixels.count == 3 * image.width * image.height else {
            fatalError("decoded image breaks its invariants: \(first.summary), \(image.pixels.count) bytes")
        }
        FuzzTrace.note("decoded \(first.summary)")
    }

    private enum Outcome: Equatable {
        case image(RGBImage)
        case error(ImageCodecError)

        var summary: String {
            switch self {
            case let .image(image): return "\(image.width)×\(image.height) image"
            case let .error(error): return "\(error)"
            }
        }
    }

    private static func decode(_ data: Data) -> Outcome {
        do {
            return .image(try ImageDecoder.decode(data: data))
        } catch let error as ImageCodecError {
            return .error(error)
        } catch {
            fatalError("ImageDecoder.decode threw a non-ImageCodecError: \(type(of: error)) \(error)")
        }
    }
}
