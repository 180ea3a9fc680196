import Foundation

/// Wraps an angle in radians to [−π, π): `a − 2π·⌊(a + π)/(2π)⌋`, evaluated in double precision as MediaPipe's
/// `NormalizeRadians` does, rounded to Float.
public func normalizeRadians(_ angle: Float) -> Float {
    let a = Double(angle)
    return Float(a - 2 * Double.pi * Foundation.floor((a - -Double.pi) / (2 * Double.pi)))
}
