import Foundation

/// Where the crowd strategy runs the short-range detector: square tiles on a pyramid of levels, so that faces far
/// smaller than MediaPipe's whole-frame detector can see (it needs a face of about 1/6 of the frame's long side)
/// fill enough of the detector's 128×128 input.
///
/// Level k has tiles of side Tₖ = T₀·ratioᵏ pixels with T₀ = 128 · `smallestFace` / `detectorFace`: the short-range
/// detector finds a face reliably once it is `detectorFace` pixels wide in its input (measured with MediaPipe 0.10.14
/// on faces pasted into 128×128 inputs: 17 px 8 of 9, 20 px 9 of 9), so level 0 brings faces of `smallestFace`
/// pixels to that size. Levels stop below `largestTileFraction` of the image's long side: bigger faces are the
/// whole-image passes' job. On a level, tiles overlap by `overlap` of their side and are spread evenly from edge to
/// edge (an image side shorter than the tile gets one centred tile, padded with black like MediaPipe's letterbox).
///
/// A tile keeps only detections that it sees whole and that belong to its level (`keeps(_:in:)`): boxes at most
/// half the tile wide, not touching a tile edge that lies inside the image (the overlap guarantees such a face lies
/// whole in a neighbouring tile or on the next level).
public struct CrowdTiling: Hashable, Sendable {
    /// Smallest face (detector box width, image pixels) the finest level is sized for.
    public var smallestFace: Float = 20
    /// Face width in the 128-px detector input at which the short-range detector becomes reliable.
    public var detectorFace: Float = 20
    /// Overlap of neighbouring tiles, as a fraction of the tile side.
    public var overlap: Float = 0.35
    /// Side ratio between consecutive levels.
    public var levelRatio: Float = 2
    /// Levels end before the tile side reaches this fraction of the image's long side.
    public var largestTileFraction: Float = 2.0 / 3.0
    /// A box edge closer than this fraction of the tile side to an inner tile edge counts as touching it.
    public var edgeMargin: Float = 0.02

    /// The default tiling (faces down to 20 px).
    public init() {}

    /// One tile: a square region of the image in pixels (pixel-index coordinates, as `RotatedRect` everywhere) and
    /// which of its edges lie on or beyond the image border.
    public struct Tile: Hashable, Sendable {
        /// The square region, rotation 0.
        public var region: RotatedRect
        /// Pyramid level (0 = finest).
        public var level: Int
        /// Edges at or outside the image border (left, top, right, bottom): faces may touch those.
        public var onImageBorder: (left: Bool, top: Bool, right: Bool, bottom: Bool) {
            (borderFlags & 1 != 0, borderFlags & 2 != 0, borderFlags & 4 != 0, borderFlags & 8 != 0)
        }
        let borderFlags: UInt8
    }

    /// Checks the parameters.
    /// - Throws: `FaceMeshError.invalidOption` when a size is not positive, the overlap is outside [0, 0.9] or the
    ///   ratio is not above 1.
    public func validate() throws {
        guard smallestFace.isFinite, smallestFace > 0, detectorFace.isFinite, detectorFace > 0 else {
            throw FaceMeshError.invalidOption("crowd tiling: face sizes must be positive")
        }
        guard (0...0.9).contains(overlap), levelRatio.isFinite, levelRatio > 1, largestTileFraction > 0,
              (0..<0.5).contains(edgeMargin) else {
            throw FaceMeshError.invalidOption("crowd tiling: overlap in [0, 0.9], level ratio > 1, positive largest "
                + "tile fraction and edge margin in [0, 0.5) required")
        }
    }

    /// Side of the finest tiles in pixels.
    public var finestTileSide: Float { 128 * smallestFace / detectorFace }

    /// The tile sides of every level, finest first (empty when the image is too small to need tiles).
    public func levelSides(imageWidth: Int, imageHeight: Int) -> [Float] {
        let longSide = Float(Swift.max(imageWidth, imageHeight))
        var sides: [Float] = []
        var side = finestTileSide
        while side < largestTileFraction * longSide && sides.count < 16 {
            sides.append(side)
            side *= levelRatio
        }
        return sides
    }

    /// Every tile for an image of the given size, level by level, row by row.
    public func tiles(imageWidth: Int, imageHeight: Int) throws -> [Tile] {
        try validate()
        guard imageWidth > 0, imageHeight > 0 else {
            throw FaceMeshError.invalidOption("crowd tiling: image size \(imageWidth)×\(imageHeight) must be positive")
        }
        var tiles: [Tile] = []
        for (level, side) in levelSides(imageWidth: imageWidth, imageHeight: imageHeight).enumerated() {
            let xs = Self.centres(length: Float(imageWidth), side: side, overlap: overlap)
            let ys = Self.centres(length: Float(imageHeight), side: side, overlap: overlap)
            for y in ys {
                for x in xs {
                    var flags: UInt8 = 0
                    if x - side / 2 <= 0 { flags |= 1 }
                    if y - side / 2 <= 0 { flags |= 2 }
                    if x + side / 2 >= Float(imageWidth) { flags |= 4 }
                    if y + side / 2 >= Float(imageHeight) { flags |= 8 }
                    tiles.append(Tile(region: RotatedRect(centerX: x, centerY: y, width: side, height: side),
                                      level: level, borderFlags: flags))
                }
            }
        }
        return tiles
    }

    /// Tile centres along one image axis of `length` pixels: evenly spread, first and last tile flush with the
    /// image edges, neighbours overlapping by at least `overlap · side`.
    static func centres(length: Float, side: Float, overlap: Float) -> [Float] {
        guard length > side else { return [length / 2] }
        let step = side * (1 - overlap)
        let count = Int(((length - side) / step).rounded(.up)) + 1
        let spacing = (length - side) / Float(count - 1)
        return (0..<count).map { side / 2 + Float($0) * spacing }
    }

    /// Whether a tile's detection (box in image pixels) is one this tile should report: not wider than half the
    /// tile, and not touching an edge of the tile that lies inside the image.
    public func keeps(_ box: AxisAlignedBox, in tile: Tile) -> Bool {
        let side = tile.region.width
        guard box.width <= side / 2 else { return false }
        let margin = edgeMargin * side
        let left = tile.region.centerX - side / 2, top = tile.region.centerY - side / 2
        let border = tile.onImageBorder
        if !border.left && box.xMin < left + margin { return false }
        if !border.top && box.yMin < top + margin { return false }
        if !border.right && box.xMax > left + side - margin { return false }
        if !border.bottom && box.yMax > top + side - margin { return false }
        return true
    }
}
