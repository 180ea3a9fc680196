import FaceMesh
import ImageCodecs

/// The overlay's bar chart of a face's strongest blendshapes, drawn on a darkened panel beside the face: right of
/// it when there is room, else left of it, else below it, else above it, else at the picture's bottom-right corner.
///
/// One row per category, strongest first: its name in capitals (a 3×5-pixel font, each font pixel `scale` × `scale`
/// image pixels: 2 for faces at least `largeFaceWidth` pixels wide, else 1) and a bar whose length is the score (0…1)
/// times 50 · `scale` pixels. `_neutral` is left out (it is not an expression); Face Mesh
/// V2's `tongueOut` competes like the 52 others.
struct BlendshapeChart {
    /// Rows shown (the strongest categories).
    static let rowCount = 8
    /// Faces at least this wide (pixels) get the chart at scale 2.
    static let largeFaceWidth: Float = 180
    /// Image pixels per font pixel.
    let scale: Int
    /// Bar length in pixels for a score of 1.
    var barLength: Int { 50 * scale }
    static let textColor = RGBColor(red: 255, green: 255, blue: 255)
    static let barColor = RGBColor(red: 255, green: 200, blue: 40)
    static let trackColor = RGBColor(red: 90, green: 90, blue: 90)

    fileprivate static let glyphWidth = 3, glyphHeight = 5
    private var margin: Int { 2 * scale }
    private var rowHeight: Int { (Self.glyphHeight + 2) * scale }
    /// Widest label: the longest name, in glyph cells of 4 font pixels (3 + 1 space).
    private var labelWidth: Int {
        (FaceBlendshapes.names + [FaceBlendshapes.tongueOutName]).map(\.count).max()! * (Self.glyphWidth + 1) * scale
    }
    var panelWidth: Int { 3 * margin + labelWidth + barLength }
    var panelHeight: Int { 2 * margin + Self.rowCount * rowHeight }

    /// The strongest `rowCount` categories (score order, ties by MediaPipe's order), `_neutral` excluded.
    static func strongest(_ blendshapes: FaceBlendshapes) -> [(name: String, score: Float)] {
        let candidates = blendshapes.named.filter { $0.name != FaceBlendshapes.names[0] && $0.score.isFinite }
        let order = candidates.indices.sorted { candidates[$0].score > candidates[$1].score || (candidates[$0].score == candidates[$1].score && $0 < $1) }
        return order.prefix(rowCount).map { candidates[$0] }
    }

    /// Where the panel goes for a face whose landmarks span `minX…maxX`, `minY…maxY` (pixels) in an image of
    /// `width × height`: its top-left corner.
    func origin(faceMinX: Float, faceMaxX: Float, faceMinY: Float, faceMaxY: Float, width: Int,
                       height: Int) -> (x: Int, y: Int) {
        let gap = 8
        let (left, right) = (Int(faceMinX.rounded()), Int(faceMaxX.rounded()))
        let (top, bottom) = (Int(faceMinY.rounded()), Int(faceMaxY.rounded()))
        func clampX(_ x: Int) -> Int { max(0, min(width - panelWidth, x)) }
        func clampY(_ y: Int) -> Int { max(0, min(height - panelHeight, y)) }
        if right + gap + panelWidth <= width { return (right + gap, clampY(top)) }
        if left - gap - panelWidth >= 0 { return (left - gap - panelWidth, clampY(top)) }
        if bottom + gap + panelHeight <= height { return (clampX(left), bottom + gap) }
        if top - gap - panelHeight >= 0 { return (clampX(left), top - gap - panelHeight) }
        return (clampX(width - panelWidth), clampY(height - panelHeight))
    }

    /// Draws the chart of `face` (nothing without blendshapes or landmarks) onto `image`, at the scale its size
    /// asks for.
    static func draw(_ face: FaceMeshResult, on image: inout RGBImage) {
        guard let blendshapes = face.blendshapes, !face.landmarks.isEmpty else { return }
        let xs = face.landmarks.map(\.x), ys = face.landmarks.map(\.y)
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max(),
              [minX, maxX, minY, maxY].allSatisfy(\.isFinite) else { return }
        let chart = BlendshapeChart(scale: maxX - minX >= largeFaceWidth ? 2 : 1)
        chart.draw(blendshapes, faceMinX: minX, faceMaxX: maxX, faceMinY: minY, faceMaxY: maxY, on: &image)
    }

    private func draw(_ blendshapes: FaceBlendshapes, faceMinX minX: Float, faceMaxX maxX: Float, faceMinY minY: Float,
                      faceMaxY maxY: Float, on image: inout RGBImage) {
        let (left, top) = origin(faceMinX: minX, faceMaxX: maxX, faceMinY: minY, faceMaxY: maxY, width: image.width,
                                 height: image.height)
        var painter = Painter(image: image, scale: scale)
        painter.darken(x: left, y: top, width: panelWidth, height: panelHeight)
        for (row, entry) in Self.strongest(blendshapes).enumerated() {
            let y = top + margin + row * rowHeight
            painter.text(entry.name.uppercased(), x: left + margin, y: y, color: Self.textColor)
            let barX = left + 2 * margin + labelWidth, barHeight = Self.glyphHeight * scale
            painter.fill(x: barX, y: y, width: barLength, height: barHeight, color: Self.trackColor)
            let length = Int((min(max(entry.score, 0), 1) * Float(barLength)).rounded())
            painter.fill(x: barX, y: y, width: length, height: barHeight, color: Self.barColor)
        }
        image = painter.image
    }

    /// Pixel-exact drawing on an RGB image, clipped to it.
    private struct Painter {
        var image: RGBImage
        let scale: Int

        mutating func darken(x: Int, y: Int, width: Int, height: Int) {
            forEachPixel(x: x, y: y, width: width, height: height) { pixels, index in
                for channel in 0..<3 { pixels[index + channel] = UInt8(Int(pixels[index + channel]) * 2 / 5) }
            }
        }

        mutating func fill(x: Int, y: Int, width: Int, height: Int, color: RGBColor) {
            forEachPixel(x: x, y: y, width: width, height: height) { pixels, index in
                pixels[index] = color.red
                pixels[index + 1] = color.green
                pixels[index + 2] = color.blue
            }
        }

        /// `text` in the 3×5 font (letters and `_`; other characters leave a blank cell).
        mutating func text(_ text: String, x: Int, y: Int, color: RGBColor) {
            let cell = (BlendshapeChart.glyphWidth + 1) * scale
            for (position, character) in text.enumerated() {
                guard let rows = Self.glyphs[character] else { continue }
                for (row, bits) in rows.enumerated() {
                    for column in 0..<BlendshapeChart.glyphWidth where bits & (4 >> column) != 0 {
                        fill(x: x + position * cell + column * scale, y: y + row * scale, width: scale, height: scale,
                             color: color)
                    }
                }
            }
        }

        private mutating func forEachPixel(x: Int, y: Int, width: Int, height: Int,
                                           _ body: (inout [UInt8], Int) -> Void) {
            let columns = max(0, x)..<min(image.width, x + width)
            let rows = max(0, y)..<min(image.height, y + height)
            guard !columns.isEmpty, !rows.isEmpty else { return }
            for row in rows {
                for column in columns { body(&image.pixels, 3 * (row * image.width + column)) }
            }
        }

        /// 3×5 glyphs: five rows, top first, each 3 bits with the left pixel as the highest bit.
        static let glyphs: [Character: [UInt8]] = [
            "A": [2, 5, 7, 5, 5], "B": [6, 5, 6, 5, 6], "C": [3, 4, 4, 4, 3], "D": [6, 5, 5, 5, 6],
            "E": [7, 4, 6, 4, 7], "F": [7, 4, 6, 4, 4], "G": [3, 4, 5, 5, 3], "H": [5, 5, 7, 5, 5],
            "I": [7, 2, 2, 2, 7], "J": [1, 1, 1, 5, 2], "K": [5, 5, 6, 5, 5], "L": [4, 4, 4, 4, 7],
            "M": [5, 7, 7, 5, 5], "N": [6, 5, 5, 5, 5], "O": [2, 5, 5, 5, 2], "P": [6, 5, 6, 4, 4],
            "Q": [2, 5, 5, 6, 3], "R": [6, 5, 6, 5, 5], "S": [3, 4, 2, 1, 6], "T": [7, 2, 2, 2, 2],
            "U": [5, 5, 5, 5, 7], "V": [5, 5, 5, 5, 2], "W": [5, 5, 7, 7, 5], "X": [5, 5, 2, 5, 5],
            "Y": [5, 5, 2, 2, 2], "Z": [7, 1, 2, 4, 7], "_": [0, 0, 0, 0, 7],
        ]
    }
}
