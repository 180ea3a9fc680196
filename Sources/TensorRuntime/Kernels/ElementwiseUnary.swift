#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Elementwise unary math on flat Float32 buffers: TFLite LOGISTIC, SQRT, RSQRT and NEG, one enum per TFLite op,
// each with `run` (the fast path) and `reference` (scalar, evaluated in Double and rounded once). `output` may be
// the input buffer (in-place use) but must not partially overlap it. Face Mesh V2 ends its tongue output with a
// LOGISTIC; the blendshape network uses all four (its scores, the input scale, its layer normalisations).

/// TFLite LOGISTIC: output[i] = 1 / (1 + e^(−x[i])), in [0, 1].
public enum Logistic {
    /// Float evaluation through `expf`, written so that neither large positive nor large negative inputs overflow:
    /// for x ≥ 0, 1 / (1 + e^(−x)); for x < 0, e^x / (1 + e^x). Within 2 ulp of the exact value.
    public static func run(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        for index in 0..<max(0, count) {
            let value = x[index]
            if value >= 0 {
                output[index] = 1 / (1 + expf(-value))
            } else {
                let e = expf(value)
                output[index] = e / (1 + e)
            }
        }
    }

    /// Reference: the exact logistic in Double, rounded to Float.
    public static func reference(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        for index in 0..<max(0, count) {
            output[index] = Float(1 / (1 + exp(-Double(x[index]))))
        }
    }
}

/// TFLite SQRT: output[i] = √x[i] (NaN for negative inputs, as IEEE).
public enum Sqrt {
    /// Vectorised square root (`vsqrtps`, correctly rounded).
    public static func run(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        var index = 0
        while index + 8 <= count {
            SIMDMemory.store8(SIMDMemory.load8(x + index).squareRoot(), output + index)
            index += 8
        }
        while index < count {
            output[index] = x[index].squareRoot()
            index += 1
        }
    }

    /// Reference: √ in Double, rounded to Float (equal to the correctly rounded Float square root).
    public static func reference(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        for index in 0..<max(0, count) {
            output[index] = Float(Double(x[index]).squareRoot())
        }
    }
}

/// TFLite RSQRT: output[i] = 1 / √x[i] (+inf at 0, NaN for negative inputs).
public enum Rsqrt {
    /// Vectorised as a correctly rounded square root followed by a correctly rounded division (≤ 1 ulp from the
    /// exact value; no approximate `rsqrtps`).
    public static func run(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        var index = 0
        let one = SIMD8<Float>(repeating: 1)
        while index + 8 <= count {
            SIMDMemory.store8(one / SIMDMemory.load8(x + index).squareRoot(), output + index)
            index += 8
        }
        while index < count {
            output[index] = 1 / x[index].squareRoot()
            index += 1
        }
    }

    /// Reference: 1/√x in Double, rounded to Float.
    public static func reference(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        for index in 0..<max(0, count) {
            output[index] = Float(1 / Double(x[index]).squareRoot())
        }
    }
}

/// TFLite NEG: output[i] = −x[i] (exact).
public enum Neg {
    /// Vectorised sign flip.
    public static func run(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        var index = 0
        while index + 8 <= count {
            SIMDMemory.store8(-SIMDMemory.load8(x + index), output + index)
            index += 8
        }
        while index < count {
            output[index] = -x[index]
            index += 1
        }
    }

    /// Reference: −x element by element.
    public static func reference(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        for index in 0..<max(0, count) {
            output[index] = -x[index]
        }
    }
}
