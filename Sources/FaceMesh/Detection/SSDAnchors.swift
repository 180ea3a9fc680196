import Foundation

/// One SSD anchor: centre in normalized tensor coordinates and size (1 × 1 with fixed anchor size).
public struct SSDAnchor: Hashable, Sendable {
    /// Centre x in [0, 1] of the detector input.
    public var xCenter: Float
    /// Centre y in [0, 1] of the detector input.
    public var yCenter: Float
    /// Width (normalized); 1 when the anchor size is fixed.
    public var width: Float
    /// Height (normalized); 1 when the anchor size is fixed.
    public var height: Float

    /// Creates an anchor.
    public init(xCenter: Float, yCenter: Float, width: Float, height: Float) {
        self.xCenter = xCenter
        self.yCenter = yCenter
        self.width = width
        self.height = height
    }
}

/// Parameters of MediaPipe's `SsdAnchorsCalculator`.
public struct SSDAnchorOptions: Hashable, Sendable {
    /// Detector input width in pixels.
    public var inputWidth: Int
    /// Detector input height in pixels.
    public var inputHeight: Int
    /// Smallest anchor scale (first layer).
    public var minScale: Float
    /// Largest anchor scale (last layer).
    public var maxScale: Float
    /// Anchor centre offset within a grid cell, in cells.
    public var anchorOffsetX: Float
    /// Anchor centre offset within a grid cell, in cells.
    public var anchorOffsetY: Float
    /// Number of layers (must equal `strides.count`).
    public var numLayers: Int
    /// Feature-map stride of every layer, in input pixels; consecutive layers with the same stride share a grid.
    public var strides: [Int]
    /// Aspect ratios of the anchors of every layer.
    public var aspectRatios: [Float]
    /// Aspect ratio of the extra anchor interpolated between consecutive scales (≤ 0: none).
    public var interpolatedScaleAspectRatio: Float
    /// Use the three predefined anchors of SSD's lowest layer.
    public var reduceBoxesInLowestLayer: Bool
    /// Every anchor has width = height = 1 (BlazeFace).
    public var fixedAnchorSize: Bool

    /// Creates options; see the properties for the meaning of each value.
    public init(inputWidth: Int, inputHeight: Int, minScale: Float, maxScale: Float, anchorOffsetX: Float = 0.5,
                anchorOffsetY: Float = 0.5, numLayers: Int, strides: [Int], aspectRatios: [Float] = [1],
                interpolatedScaleAspectRatio: Float = 1, reduceBoxesInLowestLayer: Bool = false,
                fixedAnchorSize: Bool = false) {
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.minScale = minScale
        self.maxScale = maxScale
        self.anchorOffsetX = anchorOffsetX
        self.anchorOffsetY = anchorOffsetY
        self.numLayers = numLayers
        self.strides = strides
        self.aspectRatios = aspectRatios
        self.interpolatedScaleAspectRatio = interpolatedScaleAspectRatio
        self.reduceBoxesInLowestLayer = reduceBoxesInLowestLayer
        self.fixedAnchorSize = fixedAnchorSize
    }

    /// The options of MediaPipe's short-range BlazeFace graph (face_detection_short_range.pbtxt): 128×128 input,
    /// 4 layers with strides 8, 16, 16, 16, scales 0.1484375…0.75, offset 0.5, aspect ratio 1 plus one
    /// interpolated anchor, fixed anchor size → 896 anchors.
    public static let faceDetectionShortRange = SSDAnchorOptions(
        inputWidth: 128, inputHeight: 128, minScale: 0.1484375, maxScale: 0.75, anchorOffsetX: 0.5,
        anchorOffsetY: 0.5, numLayers: 4, strides: [8, 16, 16, 16], aspectRatios: [1.0],
        interpolatedScaleAspectRatio: 1.0, reduceBoxesInLowestLayer: false, fixedAnchorSize: true)
}

/// Generates SSD anchors exactly as MediaPipe's `SsdAnchorsCalculator` (one grid per run of equal strides; order
/// grid row, grid column, anchor).
public enum SSDAnchors {
    /// The anchors for `options`, in the order the detector's outputs use.
    public static func generate(_ options: SSDAnchorOptions) throws -> [SSDAnchor] {
        guard options.numLayers == options.strides.count, options.numLayers > 0 else {
            throw FaceMeshError.invalidAnchorOptions("numLayers \(options.numLayers) must equal strides.count "
                + "\(options.strides.count) and be positive")
        }
        guard options.inputWidth > 0, options.inputHeight > 0, options.strides.allSatisfy({ $0 > 0 }) else {
            throw FaceMeshError.invalidAnchorOptions("input size and strides must be positive")
        }
        let layerCount = options.strides.count
        var anchors: [SSDAnchor] = []
        var layer = 0
        while layer < layerCount {
            var aspectRatios: [Float] = []
            var scales: [Float] = []
            var last = layer
            while last < layerCount && options.strides[last] == options.strides[layer] {
                let scale = scaleOf(layer: last, options: options)
                if last == 0 && options.reduceBoxesInLowestLayer {
                    aspectRatios += [1.0, 2.0, 0.5]
                    scales += [0.1, scale, scale]
                } else {
                    for ratio in options.aspectRatios {
                        aspectRatios.append(ratio)
                        scales.append(scale)
                    }
                    if options.interpolatedScaleAspectRatio > 0 {
                        let next: Float = last == layerCount - 1 ? 1 : scaleOf(layer: last + 1, options: options)
                        scales.append((scale * next).squareRoot())
                        aspectRatios.append(options.interpolatedScaleAspectRatio)
                    }
                }
                last += 1
            }
            let sizes = zip(aspectRatios, scales).map { ratio, scale -> (width: Float, height: Float) in
                let root = ratio.squareRoot()
                return (scale * root, scale / root)
            }
            let stride = Float(options.strides[layer])
            let gridHeight = Int((Float(options.inputHeight) / stride).rounded(.up))
            let gridWidth = Int((Float(options.inputWidth) / stride).rounded(.up))
            for row in 0..<gridHeight {
                for column in 0..<gridWidth {
                    let xCenter = (Float(column) + options.anchorOffsetX) * 1 / Float(gridWidth)
                    let yCenter = (Float(row) + options.anchorOffsetY) * 1 / Float(gridHeight)
                    for size in sizes {
                        anchors.append(options.fixedAnchorSize
                            ? SSDAnchor(xCenter: xCenter, yCenter: yCenter, width: 1, height: 1)
                            : SSDAnchor(xCenter: xCenter, yCenter: yCenter, width: size.width, height: size.height))
                    }
                }
            }
            layer = last
        }
        return anchors
    }

    /// Linear interpolation of the scale between min and max over the layers (MediaPipe's `CalculateScale`).
    static func scaleOf(layer: Int, options: SSDAnchorOptions) -> Float {
        let count = options.strides.count
        if count == 1 { return (options.minScale + options.maxScale) * 0.5 }
        return Float(Double(options.minScale) + Double(options.maxScale - options.minScale) * 1.0 * Double(layer)
            / Double(Float(count) - 1))
    }
}
