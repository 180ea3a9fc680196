#!/usr/bin/env python3
"""Generates the ImageCodecs test fixtures with encoders independent of our Swift code.

Writes small PNG/JPEG files into Tests/Fixtures/ImageCodecs/ and their expected decoded RGB values into
Tests/Fixtures/ImageCodecs/expected.json:

- PNG files are written by Pillow or pypng (pure Python; used for bit depths and interlacing Pillow cannot write)
  or, for malformed headers, chunk by chunk with zlib. Their expected RGB values come from the generator's own
  definition of the pixels (palette lookup, bit-depth scaling v * 255 / (2^bits - 1), alpha dropped) and the
  script asserts that Pillow's decode + convert("RGB") agrees.
- JPEG files are written by Pillow (its bundled libjpeg-turbo); expected values are Pillow's decode.
- The real photograph mpl_grace_hopper.jpg is copied from Tests/Fixtures/Images (Pillow's decode gives the
  expected samples); for skimage_astronaut.png only the expected samples are recorded (the file itself is in
  Tests/Fixtures/Images when another part of the project provides it).

Run: Tools/.venv-codecs/bin/python Tools/make_codec_fixtures.py
"""
import json
import warnings
import shutil
import struct
import zlib
from pathlib import Path

import png  # pypng
from PIL import Image, features

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "ImageCodecs"
SHARED_IMAGES = ROOT / "Tests" / "Fixtures" / "Images"

expected = {}


def rgb_pattern(width, height):
    """Deterministic, distinct RGB values per pixel: rows of (x, y) tuples."""
    return [[((37 * x + 11 * y) % 256, (91 * y + 7 * x) % 256, (13 * x * y + 50) % 256) for x in range(width)]
            for y in range(height)]


def flat(rows):
    return [int(v) for row in rows for px in row for v in px]


def pillow_rgb(path):
    with Image.open(path) as im:
        rgb = im.convert("RGB")
        return rgb.size, list(rgb.tobytes())


def record_exact(name, width, height, rows):
    """Records generator-defined RGB rows and checks that Pillow decodes the file to the same values."""
    pixels = flat(rows)
    size, pillow_pixels = pillow_rgb(OUT / name)
    assert size == (width, height), (name, size)
    assert pillow_pixels == pixels, f"Pillow disagrees with the generator for {name}"
    expected[name] = {"width": width, "height": height, "pixels": pixels, "source": "generator (Pillow agrees)"}


def record_pillow(name):
    size, pixels = pillow_rgb(OUT / name)
    expected[name] = {"width": size[0], "height": size[1], "pixels": pixels, "source": "Pillow decode"}


def record_samples(name, path, points):
    with Image.open(path) as im:
        rgb = im.convert("RGB")
        samples = [[x, y, *rgb.getpixel((x, y))] for x, y in points]
        expected[name] = {"width": rgb.width, "height": rgb.height, "samples": samples,
                          "source": "Pillow decode"}


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def raw_png(width, height, rows_bytes):
    """An 8-bit RGB PNG written chunk by chunk (IHDR may declare any size)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(rows_bytes))
            + png_chunk(b"IEND", b""))


def make_png_fixtures():
    # 8-bit RGB (Pillow).
    w, h = 7, 5
    rows = rgb_pattern(w, h)
    im = Image.new("RGB", (w, h))
    im.putdata([px for row in rows for px in row])
    im.save(OUT / "rgb_8bit.png")
    record_exact("rgb_8bit.png", w, h, rows)

    # 8-bit RGBA: alpha varies (0, 128, 255); expected RGB is the stored colour, alpha ignored.
    im = Image.new("RGBA", (w, h))
    im.putdata([(*px, (0, 128, 255)[(x + y) % 3]) for y, row in enumerate(rows) for x, px in enumerate(row)])
    im.save(OUT / "rgba_8bit.png")
    record_exact("rgba_8bit.png", w, h, rows)

    # 8-bit grey and grey + alpha.
    grey = [[(17 * x + 29 * y) % 256 for x in range(w)] for y in range(h)]
    im = Image.new("L", (w, h))
    im.putdata([v for row in grey for v in row])
    im.save(OUT / "grey_8bit.png")
    grey_rgb = [[(v, v, v) for v in row] for row in grey]
    record_exact("grey_8bit.png", w, h, grey_rgb)
    im = Image.new("LA", (w, h))
    im.putdata([(v, (255 - v) % 256) for row in grey for v in row])
    im.save(OUT / "grey_alpha_8bit.png")
    record_exact("grey_alpha_8bit.png", w, h, grey_rgb)

    # 8-bit grey with a tRNS colour key (transparency ignored).
    im = Image.new("L", (w, h))
    im.putdata([v for row in grey for v in row])
    im.save(OUT / "grey_trns_8bit.png", transparency=grey[0][0])
    record_exact("grey_trns_8bit.png", w, h, grey_rgb)

    # 8-bit palette with tRNS transparency on two entries (Pillow).
    palette = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (250, 200, 10), (3, 4, 5), (128, 64, 32)]
    indices = [[(x + 2 * y) % len(palette) for x in range(w)] for y in range(h)]
    im = Image.new("P", (w, h))
    im.putpalette([c for rgb in palette for c in rgb])
    im.putdata([i for row in indices for i in row])
    im.save(OUT / "palette_8bit.png", transparency=bytes([0, 128, 255, 255, 255, 255]))
    palette_rows = [[palette[i] for i in row] for row in indices]
    record_exact("palette_8bit.png", w, h, palette_rows)

    # 2-bit palette (pypng), no transparency.
    small_palette = palette[:4]
    idx2 = [[(x * y + x) % 4 for x in range(w)] for y in range(h)]
    with open(OUT / "palette_2bit.png", "wb") as f:
        png.Writer(w, h, palette=small_palette, bitdepth=2).write(f, idx2)
    record_exact("palette_2bit.png", w, h, [[small_palette[i] for i in row] for row in idx2])

    # 1-bit grey (Pillow mode "1"): 0 -> 0, 1 -> 255.
    bits = [[(x + y) % 2 if y % 3 else (x // 2) % 2 for x in range(w)] for y in range(h)]
    im = Image.new("1", (w, h))
    im.putdata([255 * b for row in bits for b in row])
    im.save(OUT / "grey_1bit.png")
    record_exact("grey_1bit.png", w, h, [[(255 * b,) * 3 for b in row] for row in bits])

    # 2-bit and 4-bit grey (pypng): value v becomes v * 255 / (2^bits - 1) = v * 85 or v * 17.
    for depth in (2, 4):
        levels = (1 << depth) - 1
        values = [[(3 * x + y) % (levels + 1) for x in range(w)] for y in range(h)]
        name = f"grey_{depth}bit.png"
        with open(OUT / name, "wb") as f:
            png.Writer(w, h, greyscale=True, bitdepth=depth).write(f, values)
        scale = 255 // levels
        record_exact(name, w, h, [[(v * scale,) * 3 for v in row] for row in values])

    # Adam7-interlaced 8-bit RGB and 1-bit grey with sizes that leave partial 8x8 blocks (pypng).
    iw, ih = 13, 11
    irows = rgb_pattern(iw, ih)
    with open(OUT / "interlaced_rgb_8bit.png", "wb") as f:
        png.Writer(iw, ih, greyscale=False, bitdepth=8, interlace=True).write(
            f, [[c for px in row for c in px] for row in irows])
    record_exact("interlaced_rgb_8bit.png", iw, ih, irows)
    ibits = [[(x * 7 + y * 3) % 5 % 2 for x in range(iw)] for y in range(ih)]
    with open(OUT / "interlaced_grey_1bit.png", "wb") as f:
        png.Writer(iw, ih, greyscale=True, bitdepth=1, interlace=True).write(f, ibits)
    record_exact("interlaced_grey_1bit.png", iw, ih, [[(255 * b,) * 3 for b in row] for row in ibits])

    # 16-bit files: must be rejected (unsupportedBitDepth).
    with open(OUT / "rgb_16bit.png", "wb") as f:
        png.Writer(4, 3, greyscale=False, bitdepth=16).write(
            f, [[(x * 1000 + c * 300 + y * 7) % 65536 for x in range(4) for c in range(3)] for y in range(3)])
    with open(OUT / "grey_16bit.png", "wb") as f:
        png.Writer(4, 3, greyscale=True, bitdepth=16).write(f, [[x * 5000 + y for x in range(4)] for y in range(3)])

    # A valid-CRC header declaring 100000 x 100000 pixels, followed by one tiny IDAT: must be imageTooLarge.
    (OUT / "huge_dimensions.png").write_bytes(raw_png(100_000, 100_000, b"\x00" * 301))
    # Zero width is invalid PNG: must be an error.
    (OUT / "zero_width.png").write_bytes(raw_png(0, 5, b"\x00" * 5))


def make_jpeg_fixtures():
    # A smooth colour image (JPEG-friendly) and its Pillow decode.
    w, h = 24, 16
    im = Image.new("RGB", (w, h))
    im.putdata([(10 * x, 15 * y, 128 + 4 * (x - y)) for y in range(h) for x in range(w)])
    im.save(OUT / "rgb_q95.jpg", quality=95)
    record_pillow("rgb_q95.jpg")
    im.save(OUT / "progressive_q90.jpg", quality=90, progressive=True)
    record_pillow("progressive_q90.jpg")
    im.save(OUT / "rgb_colorspace_q95.jpg", quality=95, keep_rgb=True)  # Adobe transform 0: stored as RGB
    record_pillow("rgb_colorspace_q95.jpg")

    grey = Image.new("L", (w, h))
    grey.putdata([(9 * x + 5 * y) % 256 for y in range(h) for x in range(w)])
    grey.save(OUT / "grey_q95.jpg", quality=95)
    record_pillow("grey_q95.jpg")

    im.convert("CMYK").save(OUT / "cmyk.jpg", quality=95)  # must be rejected (unsupportedColorModel)

    # The grey JPEG with its SOF0 frame header patched to claim 65000 x 65000 pixels: must be imageTooLarge.
    data = bytearray((OUT / "grey_q95.jpg").read_bytes())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 65000, 65000)  # marker, length(2), precision(1), height, width
    (OUT / "huge_dimensions.jpg").write_bytes(bytes(data))


def make_real_image_fixtures():
    grid = [(x, y) for y in (0, 97, 299, 450, 599) for x in (0, 101, 256, 400, 511)]
    shutil.copyfile(SHARED_IMAGES / "mpl_grace_hopper.jpg", OUT / "mpl_grace_hopper.jpg")
    record_samples("mpl_grace_hopper.jpg", OUT / "mpl_grace_hopper.jpg", grid)
    astronaut_grid = [(x, y) for y in (0, 97, 256, 400, 511) for x in (0, 101, 256, 400, 511)]
    record_samples("skimage_astronaut.png", SHARED_IMAGES / "skimage_astronaut.png", astronaut_grid)


def main():
    # Pillow suggests converting palette images with byte transparency to RGBA; we convert to RGB on purpose.
    warnings.filterwarnings("ignore", message="Palette images with Transparency")
    OUT.mkdir(parents=True, exist_ok=True)
    make_png_fixtures()
    make_jpeg_fixtures()
    make_real_image_fixtures()
    document = {
        "generator": "Tools/make_codec_fixtures.py",
        "pillow": Image.__version__ if hasattr(Image, "__version__") else "",
        "pillow_libjpeg_turbo": features.version("libjpeg_turbo"),
        "pypng": png.__version__,
        "images": expected,
    }
    # One image per line keeps the file compact and its diffs readable.
    header = {key: value for key, value in document.items() if key != "images"}
    lines = [json.dumps(header)[:-1] + ', "images": {']
    lines.append(",\n".join(f"  {json.dumps(name)}: {json.dumps(entry)}" for name, entry in expected.items()))
    lines.append("}}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text)["images"] == expected
    (OUT / "expected.json").write_text(text)
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
