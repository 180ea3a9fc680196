/// An independent double-precision implementation of the `TransformTensorBilinear` v2 sampling rule, written from
/// `docs/models.md` §5.3 for the tests: `(x, y) = A·(u + ½, v + ½) + t − (½, ½)`, whole pixel 0 outside
/// `[0, W−1] × [0, H−1]`, bilinear blend inside with outside neighbours reading 0.
struct SpatialTestDoubleSampler {
    let height: Int, width: Int, channels: Int
    let outputHeight: Int, outputWidth: Int

    /// The six affine parameters (T00, T01, T03, T10, T11, T13) of a row-major 4×4 matrix.
    static func parameters(of matrix: [Float]) -> [Double] {
        [0, 1, 3, 4, 5, 7].map { Double(matrix[$0]) }
    }

    /// Sample coordinate of output pixel (u, v) under parameters p = (T00, T01, T03, T10, T11, T13).
    func coordinate(_ p: [Double], u: Int, v: Int) -> (x: Double, y: Double) {
        let cu = Double(u) + 0.5, cv = Double(v) + 0.5
        return (p[0] * cu + p[1] * cv + p[2] - 0.5, p[3] * cu + p[4] * cv + p[5] - 0.5)
    }

    /// The resampled tensor, [outputHeight, outputWidth, channels].
    func forward(input: [Double], parameters p: [Double]) -> [Double] {
        var output = [Double](repeating: 0, count: outputHeight * outputWidth * channels)
        func read(_ row: Int, _ column: Int, _ channel: Int) -> Double {
            guard row >= 0, row < height, column >= 0, column < width else { return 0 }
            return input[(row * width + column) * channels + channel]
        }
        for v in 0..<outputHeight {
            for u in 0..<outputWidth {
                let (x, y) = coordinate(p, u: u, v: v)
                guard x >= 0, x <= Double(width - 1), y >= 0, y <= Double(height - 1) else { continue }
                let column = Int(x.rounded(.down)), row = Int(y.rounded(.down))
                let a = x - Double(column), b = y - Double(row)
                for channel in 0..<channels {
                    let value = (1 - a) * (1 - b) * read(row, column, channel)
                        + a * (1 - b) * read(row, column + 1, channel)
                        + (1 - a) * b * read(row + 1, column, channel)
                        + a * b * read(row + 1, column + 1, channel)
                    output[(v * outputWidth + u) * channels + channel] = value
                }
            }
        }
        return output
    }

    /// Smallest distance, over all output pixels, from a sample coordinate to an integer: where a sample changes
    /// bilinear cell, and (the borders 0 and W−1, H−1 being integers) where it enters or leaves the map. Between
    /// such places the output is exactly linear in each affine parameter.
    func kinkMargin(_ p: [Double]) -> Double {
        var margin = Double.infinity
        for v in 0..<outputHeight {
            for u in 0..<outputWidth {
                let (x, y) = coordinate(p, u: u, v: v)
                margin = min(margin, abs(x - x.rounded()), abs(y - y.rounded()))
            }
        }
        return margin
    }
}
