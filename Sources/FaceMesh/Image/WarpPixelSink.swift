/// Receives the output pixels of `BilinearWarpSampler`, in increasing pixel order.
protocol WarpPixelSink {
    /// Stores output pixel `pixel` (row-major index; its channels start at offset 3·pixel of an NHWC buffer) whose
    /// R, G, B bytes are lanes 0, 1, 2 of `bytes`, each in [0, 255]. Lane 3 is unspecified: the sink may write it
    /// into the next pixel's first channel, which the next call overwrites, so this is never called for the last
    /// pixel of the crop.
    func store(pixel: Int, bytes: SIMD4<Int32>)

    /// Stores pixels `pixel` and `pixel + 1`, packed: R, G, B of `pixel` in lanes 0...2 of `bytes`, of
    /// `pixel + 1` in lanes 3...5. Lanes 6 and 7 are unspecified: the sink may write them into the first two
    /// channels of `pixel + 2`, which later calls overwrite, so `pixel + 1` is never the crop's last pixel.
    func storePair(pixel: Int, bytes: SIMD8<Int32>)

    /// Stores the last pixel of the crop: lanes 0, 1, 2 only, nothing past them.
    func storeLast(pixel: Int, bytes: SIMD4<Int32>)
}

/// Writes pixels as Floats `byte·scale + offset` (single precision, the same expression for every byte).
struct FloatPixelSink: WarpPixelSink {
    let destination: UnsafeMutablePointer<Float>
    let scale: Float
    let offset: Float

    @inline(__always)
    private func values(_ bytes: SIMD4<Int32>) -> SIMD4<Float> {
        // Separate multiply and add (no fused multiply-add), each rounded as the scalar expression would be.
        SIMD4<Float>(bytes) * SIMD4(repeating: scale) + SIMD4(repeating: offset)
    }

    @inline(__always)
    func store(pixel: Int, bytes: SIMD4<Int32>) {
        UnsafeMutableRawPointer(destination + pixel &* 3).storeBytes(of: values(bytes), as: SIMD4<Float>.self)
    }

    @inline(__always)
    func storePair(pixel: Int, bytes: SIMD8<Int32>) {
        let values = SIMD8<Float>(bytes) * SIMD8(repeating: scale) + SIMD8(repeating: offset)
        UnsafeMutableRawPointer(destination + pixel &* 3).storeBytes(of: values, as: SIMD8<Float>.self)
    }

    @inline(__always)
    func storeLast(pixel: Int, bytes: SIMD4<Int32>) {
        let v = values(bytes), address = destination + pixel &* 3
        address[0] = v[0]
        address[1] = v[1]
        address[2] = v[2]
    }
}

/// Writes pixels as RGB bytes.
struct BytePixelSink: WarpPixelSink {
    let destination: UnsafeMutablePointer<UInt8>

    @inline(__always)
    func store(pixel: Int, bytes: SIMD4<Int32>) { storeLast(pixel: pixel, bytes: bytes) }

    @inline(__always)
    func storePair(pixel: Int, bytes: SIMD8<Int32>) {
        let address = destination + pixel &* 3
        for lane in 0..<6 { address[lane] = UInt8(truncatingIfNeeded: bytes[lane]) }
    }

    @inline(__always)
    func storeLast(pixel: Int, bytes: SIMD4<Int32>) {
        let address = destination + pixel &* 3
        address[0] = UInt8(truncatingIfNeeded: bytes[0])
        address[1] = UInt8(truncatingIfNeeded: bytes[1])
        address[2] = UInt8(truncatingIfNeeded: bytes[2])
    }
}
