extension Conv2D {
    /// The direct strategy over the work units `units` (see `workUnits`): interior pixels are read in place by the
    /// register-blocked micro-kernel; pixels whose window crosses the border have their patch gathered
    /// (zero-padded) into the workspace first. Bias, residual and activation are applied in registers by the
    /// micro-kernel. Every output element is computed with the same arithmetic whatever the unit range.
    func runDirect(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
                   workspace: UnsafeMutablePointer<Float>?, units: Range<Int>) {
        let g = geometry
        let channels = g.outputChannels
        let span = ConvolutionMicroKernel.spanPixels
        let pointwiseSpan = unitPixels
        var layer = ConvolutionMicroKernel.Layer(
            weights: packedWeights, patchLength: patchLength, bias: parameters.bias,
            channels: channels, firstChannel: 0, endChannel: channels,
            epilogue: parameters.epilogue.inRegisters(residual: residual), tailWeights: tailWeights,
            tailStart: tailWeights == nil ? Int.max : channels - channels % 16, usesAVX512: usesAVX512)
        var rows = 0..<g.outputHeight
        var pixelRange = 0..<(g.outputHeight * g.outputWidth)
        switch workUnits {
        case .channelBlocks:
            layer.firstChannel = units.lowerBound * 16
            layer.endChannel = min(channels, units.upperBound * 16)
        case .rows:
            rows = units
        case .pixelSpans:
            pixelRange = (units.lowerBound * pointwiseSpan)..<min(pixelRange.upperBound, units.upperBound * pointwiseSpan)
        }

        if Self.isPointwise(g) {
            // A 1×1 stride-1 convolution is one matrix product over all pixels, in spans of `unitPixels` pixels.
            var pixel = pixelRange.lowerBound
            while pixel < pixelRange.upperBound {
                let pixels = min(pointwiseSpan, pixelRange.upperBound - pixel)
                let source = ConvolutionMicroKernel.Source(
                    base: input + pixel * g.inputChannels, pixelStride: g.inputChannels, segmentCount: 1,
                    segmentStride: 0, segmentLength: g.inputChannels)
                ConvolutionMicroKernel.run(source: source, pixels: pixels, firstPixel: pixel, layer: layer,
                                           output: output + pixel * channels)
                pixel += pixels
            }
            return
        }

        guard let workspace else { return }
        let allPixels = g.outputHeight * g.outputWidth
        if workUnits == .channelBlocks && allPixels * patchLength <= workspaceCount {
            // Few output pixels (heads, 2×2 maps): gather every patch once and run them as one span, so each
            // weight is read once per channel block rather than once per output row.
            for pixel in 0..<allPixels {
                ConvolutionPatches.gather(input: input, geometry: g, outputY: pixel / g.outputWidth,
                                          outputX: pixel % g.outputWidth, into: workspace + pixel * patchLength)
            }
            if let halfWeights, allPixels == 1 {
                ConvolutionMicroKernel.runSinglePixel(patch: workspace, halfWeights: halfWeights, layer: layer,
                                                      output: output)
                return
            }
            let source = ConvolutionMicroKernel.Source(base: workspace, pixelStride: patchLength, segmentCount: 1,
                                                       segmentStride: 0, segmentLength: patchLength)
            ConvolutionMicroKernel.run(source: source, pixels: allPixels, firstPixel: 0, layer: layer, output: output)
            return
        }
        let gatherSpan = ConvolutionMicroKernel.gatherPixels(outputWidth: g.outputWidth, patchLength: patchLength)
        let interiorStart = min(g.outputWidth, (g.padLeft + g.strideWidth - 1) / g.strideWidth)
        let lastFit = g.inputWidth - g.kernelWidth + g.padLeft
        let interiorEnd = lastFit < 0 ? interiorStart
            : max(interiorStart, min(g.outputWidth, lastFit / g.strideWidth + 1))
        let rowFloats = g.inputWidth * g.inputChannels

        for outputY in rows {
            let firstInputY = outputY * g.strideHeight - g.padTop
            let rowInside = firstInputY >= 0 && firstInputY + g.kernelHeight <= g.inputHeight
            let rowPixel = outputY * g.outputWidth
            let outputRow = output + rowPixel * channels

            /// Gathers and computes the pixels [from, to) of this row, `gatherSpan` at a time.
            func gathered(from: Int, to: Int) {
                var outputX = from
                while outputX < to {
                    let pixels = min(gatherSpan, to - outputX)
                    for index in 0..<pixels {
                        ConvolutionPatches.gather(input: input, geometry: g, outputY: outputY,
                                                  outputX: outputX + index, into: workspace + index * patchLength)
                    }
                    let source = ConvolutionMicroKernel.Source(
                        base: workspace, pixelStride: patchLength, segmentCount: 1, segmentStride: 0,
                        segmentLength: patchLength)
                    ConvolutionMicroKernel.run(source: source, pixels: pixels, firstPixel: rowPixel + outputX,
                                               layer: layer, output: outputRow + outputX * channels)
                    outputX += pixels
                }
            }

            guard rowInside else {
                gathered(from: 0, to: g.outputWidth)
                continue
            }
            gathered(from: 0, to: interiorStart)
            var outputX = interiorStart
            while outputX < interiorEnd {
                let pixels = min(span, interiorEnd - outputX)
                let firstInputX = outputX * g.strideWidth - g.padLeft
                let source = ConvolutionMicroKernel.Source(
                    base: input + firstInputY * rowFloats + firstInputX * g.inputChannels,
                    pixelStride: g.strideWidth * g.inputChannels, segmentCount: g.kernelHeight,
                    segmentStride: rowFloats, segmentLength: g.kernelWidth * g.inputChannels)
                ConvolutionMicroKernel.run(source: source, pixels: pixels, firstPixel: rowPixel + outputX,
                                           layer: layer, output: outputRow + outputX * channels)
                outputX += pixels
            }
            gathered(from: interiorEnd, to: g.outputWidth)
        }
    }

    /// A 1×1 stride-1 layer on `pixels` pixels whose `inputChannels` values each lie consecutively at `source`
    /// (any buffer), the first being output pixel `firstPixel` (which locates its residual); writes
    /// `pixels · outputChannels` floats at `output`. Same tiles and epilogue as `runDirect`, in spans of
    /// `ConvolutionMicroKernel.spanPixels`.
    @inline(__always)
    func runPointwise(source: UnsafePointer<Float>, pixels: Int, firstPixel: Int, residual: ResidualInput?,
                      output: UnsafeMutablePointer<Float>) {
        let channels = geometry.outputChannels, inputChannels = geometry.inputChannels
        let layer = ConvolutionMicroKernel.Layer(
            weights: packedWeights, patchLength: patchLength, bias: parameters.bias,
            channels: channels, firstChannel: 0, endChannel: channels,
            epilogue: parameters.epilogue.inRegisters(residual: residual), tailWeights: tailWeights,
            tailStart: tailWeights == nil ? Int.max : channels - channels % 16, usesAVX512: usesAVX512)
        let span = ConvolutionMicroKernel.spanPixels
        var done = 0
        while done < pixels {
            let count = min(span, pixels - done)
            let tileSource = ConvolutionMicroKernel.Source(
                base: source + done * inputChannels, pixelStride: inputChannels, segmentCount: 1,
                segmentStride: 0, segmentLength: inputChannels)
            ConvolutionMicroKernel.run(source: tileSource, pixels: count, firstPixel: firstPixel + done, layer: layer,
                                       output: output + done * channels)
            done += count
        }
    }
}
