import Foundation

/// Matrix builders for the spatial-transformer tests (row-major 4×4, as the model stores them).
enum SpatialTestMatrices {
    /// The affine matrix with the six free parameters given and identity rows 2–3.
    static func affine(_ t00: Float, _ t01: Float, _ t03: Float, _ t10: Float, _ t11: Float, _ t13: Float) -> [Float] {
        [t00, t01, 0, t03,
         t10, t11, 0, t13,
         0, 0, 1, 0,
         0, 0, 0, 1]
    }

    /// `Shift(centre) · Rot(angle) · Scale(scaleX, scaleY) · Shift(−outputWidth/2, −outputHeight/2)`, built in double
    /// precision from its definition: the shape of the crops the Attention Mesh uses.
    static func crop(centreX: Double, centreY: Double, angle: Double, scaleX: Double, scaleY: Double,
                     outputWidth: Int, outputHeight: Int) -> [Float] {
        let c = cos(angle), s = sin(angle)
        let a00 = c * scaleX, a01 = -s * scaleY, a10 = s * scaleX, a11 = c * scaleY
        let halfWidth = Double(outputWidth) / 2, halfHeight = Double(outputHeight) / 2
        return affine(Float(a00), Float(a01), Float(centreX - a00 * halfWidth - a01 * halfHeight),
                      Float(a10), Float(a11), Float(centreY - a10 * halfWidth - a11 * halfHeight))
    }

    /// A random crop matrix over a `height × width` map: any angle, scales from 0.3 to 2.5 input pixels per output
    /// pixel, centre anywhere from 20 % outside the map on one side to 20 % outside on the other (so some crops
    /// fall partly or wholly outside).
    static func randomCrop(_ random: inout SpatialTestRandom, height: Int, width: Int,
                           outputHeight: Int, outputWidth: Int) -> [Float] {
        crop(centreX: random.uniform(-0.2, 1.2) * Double(width), centreY: random.uniform(-0.2, 1.2) * Double(height),
             angle: random.uniform(-.pi, .pi), scaleX: random.uniform(0.3, 2.5), scaleY: random.uniform(0.3, 2.5),
             outputWidth: outputWidth, outputHeight: outputHeight)
    }
}
