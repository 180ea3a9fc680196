@testable import TensorRuntime

/// One randomly generated convolution problem (shared by the CONV_2D and DEPTHWISE_CONV_2D tests).
struct ConvolutionTestCase: CustomStringConvertible {
    var geometry: ConvolutionGeometry
    var input: [Float]
    var filter: [Float]
    var bias: [Float]?
    var activation: Activation
    var residual: [Float]?
    var residualChannels: Int

    var description: String {
        let g = geometry
        return "\(g.inputHeight)x\(g.inputWidth)x\(g.inputChannels) -> \(g.outputHeight)x\(g.outputWidth)x"
            + "\(g.outputChannels), kernel \(g.kernelHeight)x\(g.kernelWidth), stride \(g.strideHeight)x"
            + "\(g.strideWidth), pad \(g.padTop)/\(g.padLeft), bias \(bias != nil), activation \(activation), "
            + "residual \(residual != nil ? String(residualChannels) : "none")"
    }

    /// A random problem; `depthwise` forces outputChannels = inputChannels and a [1, kh, kw, C] filter.
    init(geometry: ConvolutionGeometry, depthwise: Bool, random: inout TestRandom) {
        self.geometry = geometry
        input = random.floats(geometry.inputElementCount)
        let filterCount = depthwise
            ? geometry.kernelHeight * geometry.kernelWidth * geometry.inputChannels
            : geometry.outputChannels * geometry.kernelHeight * geometry.kernelWidth * geometry.inputChannels
        filter = random.floats(filterCount)
        bias = random.bool() ? random.floats(geometry.outputChannels) : nil
        switch random.int(0...2) {
        case 0: activation = .none
        case 1: activation = .relu
        default: activation = .prelu(random.floats(geometry.outputChannels, in: 0...0.5))
        }
        if random.bool() {
            residualChannels = random.bool() ? geometry.outputChannels : random.int(1...geometry.outputChannels)
            residual = random.floats(geometry.outputHeight * geometry.outputWidth * residualChannels, in: -2...2)
        } else {
            residualChannels = 0
            residual = nil
        }
    }

    /// Runs `body` with the residual wrapped as a `ResidualInput` (or nil).
    func withResidual<R>(_ body: (ResidualInput?) -> R) -> R {
        guard let residual else { return body(nil) }
        return residual.withUnsafeBufferPointer { body(ResidualInput(values: $0.baseAddress!, channels: residualChannels)) }
    }
}
