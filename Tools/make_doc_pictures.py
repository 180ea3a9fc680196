#!/usr/bin/env python3
"""Draw the two pictures of the FaceMesh documentation catalog from the command's own output.

Inputs:  Tests/Fixtures/Images/mpl_grace_hopper.jpg (the photo), the landmarks `facemesh image` prints for it
         (run here with the built binary, or read from --json FILE), and MediaPipe's region lists in
         Tests/Fixtures/MediaPipe/face_mesh_connections.json (Tools/generate_face_regions.py).
Outputs: Sources/FaceMesh/FaceMesh.docc/Resources/face-regions.png   regions coloured, a few indices labelled
         Sources/FaceMesh/FaceMesh.docc/Resources/coordinates.png    image axes, pixel and normalized values, z

Needs Pillow (Tools/requirements-docs.txt):

    python3.11 -m venv Tools/.venv-docs && Tools/.venv-docs/bin/pip install -r Tools/requirements-docs.txt
    swift build && Tools/.venv-docs/bin/python Tools/make_doc_pictures.py
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
PHOTO = "Tests/Fixtures/Images/mpl_grace_hopper.jpg"
REGIONS = ROOT / "Tests" / "Fixtures" / "MediaPipe" / "face_mesh_connections.json"
RESOURCES = ROOT / "Sources" / "FaceMesh" / "FaceMesh.docc" / "Resources"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SCALE = 2  # the face crop is drawn at twice its size so that labels stay legible

COLOURS = {
    "FACEMESH_FACE_OVAL": (240, 240, 240),
    "FACEMESH_LIPS": (255, 70, 100),
    "FACEMESH_LEFT_EYE": (60, 230, 120),
    "FACEMESH_RIGHT_EYE": (60, 150, 255),
    "FACEMESH_LEFT_EYEBROW": (190, 255, 80),
    "FACEMESH_RIGHT_EYEBROW": (170, 140, 255),
    "FACEMESH_NOSE": (255, 160, 40),
    "FACEMESH_LEFT_IRIS": (255, 230, 0),
    "FACEMESH_RIGHT_IRIS": (255, 230, 0),
}
DOT_COLOURS = [(230, 60, 40), (40, 90, 230), (150, 40, 200), (200, 30, 30), (30, 140, 30)]
LABELLED = [1, 10, 152, 33, 133, 362, 263, 61, 291, 234, 454, 468, 473]


def landmarks_from_command(json_path: str | None) -> list[list[float]]:
    if json_path:
        text = Path(json_path).read_text()
    else:
        binary = ROOT / ".build" / "debug" / "facemesh"
        if not binary.exists():
            sys.exit("build the command first (swift build) or pass --json")
        text = subprocess.run([str(binary), "image", PHOTO], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout
    faces = json.loads(text)["faces"]
    if len(faces) != 1 or len(faces[0]["landmarks"]) != 478:
        sys.exit("expected one face with 478 landmarks (the default attention model)")
    return faces[0]["landmarks"]


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def save(image: Image.Image, name: str) -> None:
    path = RESOURCES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # A 256-colour palette keeps each file near 150 kB: the drawing colours first (so the regions keep their
    # exact colours), the rest adapted to the picture.
    rgb = image.convert("RGB")
    fixed = [(255, 255, 255), (0, 0, 0), (95, 95, 95), (20, 20, 20)] + list(COLOURS.values()) + list(DOT_COLOURS)
    adaptive = rgb.quantize(colors=256 - len(fixed), method=Image.Quantize.MEDIANCUT).getpalette()
    palette = Image.new("P", (1, 1))
    palette.putpalette([c for colour in fixed for c in colour] + adaptive[: 3 * (256 - len(fixed))])
    rgb.quantize(palette=palette, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def regions_picture(photo: Image.Image, points: list[list[float]], regions: dict) -> None:
    # Landmark pixel coordinates put pixel k's centre at k; Pillow's at k + 0.5.
    left, top, right, bottom = 140, 120, 400, 400
    crop = photo.crop((left, top, right, bottom)).resize(((right - left) * SCALE, (bottom - top) * SCALE),
                                                          Image.Resampling.LANCZOS)
    crop = Image.blend(crop, Image.new("RGB", crop.size, (0, 0, 0)), 0.45)
    legend_width = 330
    canvas = Image.new("RGB", (crop.width + legend_width, crop.height), (24, 24, 28))
    canvas.paste(crop, (0, 0))
    draw = ImageDraw.Draw(canvas)

    def at(index: int) -> tuple[float, float]:
        x, y, _ = points[index]
        return ((x + 0.5 - left) * SCALE, (y + 0.5 - top) * SCALE)

    for start, end in regions["FACEMESH_TESSELATION"]:
        draw.line([at(start), at(end)], fill=(95, 95, 95), width=1)
    for name, colour in COLOURS.items():
        for start, end in regions[name]:
            draw.line([at(start), at(end)], fill=colour, width=3)
    label_font = font(15)
    for index in LABELLED:
        x, y = at(index)
        draw.ellipse([x - 3.5, y - 3.5, x + 3.5, y + 3.5], fill=(255, 255, 255), outline=(0, 0, 0))
        draw.text((x + 5, y - 18), str(index), font=label_font, fill=(255, 255, 255), stroke_width=2,
                  stroke_fill=(0, 0, 0))
    legend_font = font(16)
    y = 24
    draw.text((crop.width + 16, y), "FaceMeshRegion", font=font(20), fill=(255, 255, 255))
    y += 40
    rows = [("faceOval", "FACEMESH_FACE_OVAL"), ("lips", "FACEMESH_LIPS"),
            ("leftEye (subject's left)", "FACEMESH_LEFT_EYE"), ("leftEyebrow", "FACEMESH_LEFT_EYEBROW"),
            ("rightEye (subject's right)", "FACEMESH_RIGHT_EYE"), ("rightEyebrow", "FACEMESH_RIGHT_EYEBROW"),
            ("nose", "FACEMESH_NOSE"), ("leftIris, rightIris", "FACEMESH_LEFT_IRIS"),
            ("tesselation", None)]
    for label, name in rows:
        colour = COLOURS[name] if name else (95, 95, 95)
        draw.line([(crop.width + 16, y + 10), (crop.width + 46, y + 10)], fill=colour, width=4)
        draw.text((crop.width + 56, y), label, font=legend_font, fill=(235, 235, 235))
        y += 30
    y += 16
    for line in ["White dots: landmark indices.", "1 nose tip, 10 forehead, 152 chin,",
                 "33/133 and 362/263 eye corners,", "61/291 mouth corners,", "468/473 iris centres (478 layout)."]:
        draw.text((crop.width + 16, y), line, font=font(14), fill=(200, 200, 200))
        y += 22
    save(canvas, "face-regions.png")


def arrow(draw: ImageDraw.ImageDraw, start, end, colour, width=3) -> None:
    draw.line([start, end], fill=colour, width=width)
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = (dx * dx + dy * dy) ** 0.5
    ux, uy = dx / length, dy / length
    head = [end, (end[0] - 12 * ux + 6 * uy, end[1] - 12 * uy - 6 * ux),
            (end[0] - 12 * ux - 6 * uy, end[1] - 12 * uy + 6 * ux)]
    draw.polygon(head, fill=colour)


def coordinates_picture(photo: Image.Image, points: list[list[float]]) -> None:
    width, height = photo.size
    margin = 70
    shrink = 0.75
    shown = photo.resize((int(width * shrink), int(height * shrink)), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (shown.width + margin + 300, shown.height + margin + 20), (250, 250, 250))
    canvas.paste(shown, (margin, margin))
    draw = ImageDraw.Draw(canvas)
    ink = (20, 20, 20)
    arrow(draw, (margin, margin - 30), (margin + 150, margin - 30), (200, 30, 30))
    draw.text((margin + 158, margin - 41), "x (pixels)", font=font(16), fill=(200, 30, 30))
    arrow(draw, (margin - 30, margin), (margin - 30, margin + 150), (30, 140, 30))
    draw.text((margin - 62, margin + 158), "y", font=font(16), fill=(30, 140, 30))
    draw.text((margin - 58, margin - 58), "(0, 0)", font=font(14), fill=ink)
    draw.text((margin + shown.width - 70, margin + shown.height + 2), f"({width}, {height})", font=font(14), fill=ink)

    def at(index: int) -> tuple[float, float]:
        x, y, _ = points[index]
        return (margin + (x + 0.5) * shrink, margin + (y + 0.5) * shrink)

    notes = []
    for index, colour in zip([1, 234, 454], DOT_COLOURS):
        x, y = at(index)
        draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill=colour, outline=(255, 255, 255), width=2)
        px, py, pz = points[index]
        notes.append((colour, f"landmark {index}", f"pixels ({px:.1f}, {py:.1f}, z {pz:.1f})",
                      f"normalized ({px / width:.3f}, {py / height:.3f}, {pz / width:.3f})"))
    x0 = margin + shown.width + 20
    y = margin
    draw.text((x0, y), f"Image {width} x {height} pixels", font=font(17), fill=ink)
    y += 34
    for colour, title, pixels, normalized in notes:
        draw.ellipse([x0, y + 4, x0 + 12, y + 16], fill=colour)
        draw.text((x0 + 20, y), title, font=font(16), fill=ink)
        draw.text((x0 + 20, y + 22), pixels, font=font(13), fill=ink)
        draw.text((x0 + 20, y + 40), normalized, font=font(13), fill=ink)
        y += 74
    for line in ["x right, y down; pixel k's centre is k.", "normalized = (x/W, y/H, z/W).",
                 "z: same scale as x; 0 near the", "head centre, negative = nearer", "the camera (the nose tip, 1, is",
                 "nearer than the cheeks 234, 454)."]:
        draw.text((x0, y), line, font=font(14), fill=ink)
        y += 21
    save(canvas, "coordinates.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", help="output of `facemesh image` for the photo (default: run .build/debug/facemesh)")
    arguments = parser.parse_args()
    points = landmarks_from_command(arguments.json)
    regions = json.loads(REGIONS.read_text())["regions"]
    photo = Image.open(ROOT / PHOTO).convert("RGB")
    regions_picture(photo, points, regions)
    coordinates_picture(photo, points)


if __name__ == "__main__":
    main()
