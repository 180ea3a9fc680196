#!/usr/bin/env python3
"""Generates the ImageCodecs test fixtures with encoders independent of our Swift code.

Writes small PNG/JPEG files into Tests/Fixtures/ImageCodecs/ and their expected decoded RGB values into
Tests/Fixtures/ImageCodecs/expected.json:

- PNG files are written by Pillow or pypng (pure Python; used for bit depths and interlacing Pillow cannot write)
  or, for malformed headers, chunk by chunk with zlib. Their expected RGB values come from the generator's own
  definition of the pixels (palette lookup, bit-depth scaling v * 255 / (2^bits - 1), alpha dropped) and the
  script asserts that Pillow's decode + convert("RGB") agrees.
- JPEG files are written by Pillow (its bundled libjpeg-turbo); expected values are Pillow's decode.
- Photos as people have them, with OpenCV's `imread` (opencv-python-headless, BGR turned into RGB) as the reference:
  JPEGs and PNGs carrying each of the 8 EXIF orientations (APP1 / eXIf, both byte orders, eXIf before and after the
  image data), CMYK and YCCK JPEGs (Pillow and imagecodecs' libjpeg write them with an Adobe marker; one CMYK file
  has the marker removed), 16-bit PNGs of every colour type (pypng), and lossy / lossless / alpha WebPs (Pillow's
  libwebp), plus an animated WebP and a WebP header declaring 16384 x 16384 pixels that must be refused.
- The real photograph mpl_grace_hopper.jpg is copied from Tests/Fixtures/Images (Pillow's decode gives the
  expected samples); for skimage_astronaut.png only the expected samples are recorded (the file itself is in
  Tests/Fixtures/Images when another part of the project provides it).

Run: Tools/.venv-codecs/bin/python Tools/make_codec_fixtures.py
"""
import io
import json
import warnings
import shutil
import struct
import zlib
from pathlib import Path

import cv2  # opencv-python-headless: the reference decoder for the photo-format fixtures
import imagecodecs
import numpy as np
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

    # 16-bit files (OpenCV's decode is the reference; more in make_16bit_fixtures).
    with open(OUT / "rgb_16bit.png", "wb") as f:
        png.Writer(4, 3, greyscale=False, bitdepth=16).write(
            f, [[(x * 1000 + c * 300 + y * 7) % 65536 for x in range(4) for c in range(3)] for y in range(3)])
    with open(OUT / "grey_16bit.png", "wb") as f:
        png.Writer(4, 3, greyscale=True, bitdepth=16).write(f, [[x * 5000 + y for x in range(4)] for y in range(3)])
    record_opencv("rgb_16bit.png")
    record_opencv("grey_16bit.png")

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

    im.convert("CMYK").save(OUT / "cmyk.jpg", quality=95)
    record_opencv("cmyk.jpg")

    # The grey JPEG with its SOF0 frame header patched to claim 65000 x 65000 pixels: must be imageTooLarge.
    data = bytearray((OUT / "grey_q95.jpg").read_bytes())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 65000, 65000)  # marker, length(2), precision(1), height, width
    (OUT / "huge_dimensions.jpg").write_bytes(bytes(data))


def record_opencv(name, flags=cv2.IMREAD_COLOR):
    """Records OpenCV's decode of a fixture (every pixel, RGB order)."""
    bgr = cv2.imread(str(OUT / name), flags)
    assert bgr is not None and bgr.ndim == 3, name
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    expected[name] = {"width": int(rgb.shape[1]), "height": int(rgb.shape[0]),
                      "pixels": [int(v) for v in rgb.reshape(-1)], "source": f"OpenCV {cv2.__version__} imread"}


def tiff_orientation(value, big_endian=False):
    """A minimal EXIF TIFF structure: IFD0 with one entry, Orientation (0x0112, SHORT, count 1) = value."""
    order = ">" if big_endian else "<"
    return ((b"MM" if big_endian else b"II") + struct.pack(order + "HI", 42, 8) + struct.pack(order + "H", 1)
            + struct.pack(order + "HHIH2x", 0x0112, 3, 1, value) + struct.pack(order + "I", 0))


def insert_png_chunk(data, kind, payload, before):
    """Inserts a chunk right before the first chunk of type `before` (b"IDAT" or b"IEND")."""
    position = data.index(before) - 4
    return data[:position] + png_chunk(kind, payload) + data[position:]


def make_orientation_fixtures():
    # A non-square picture with a distinct colour per region, so that each flip and rotation changes the pixels.
    w, h = 24, 16
    im = Image.new("RGB", (w, h))
    im.putdata([(10 * x, 15 * y, 250 - 5 * x - 4 * y) for y in range(h) for x in range(w)])
    for value in range(1, 9):
        name = f"exif_orientation_{value}.jpg"
        im.save(OUT / name, quality=95, exif=b"Exif\x00\x00" + tiff_orientation(value, big_endian=value % 2 == 0))
        record_opencv(name)
    # The stored pixels, which every file above holds: OpenCV with IMREAD_IGNORE_ORIENTATION.
    stored = cv2.imread(str(OUT / "exif_orientation_6.jpg"), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    assert (stored == cv2.imread(str(OUT / "exif_orientation_1.jpg"))).all()

    # PNG eXIf: orientation 6 before the image data (little-endian), 8 after it (big-endian), and the invalid value
    # 0, which must leave the picture as stored.
    rows = rgb_pattern(7, 5)
    base = Image.new("RGB", (7, 5))
    base.putdata([px for row in rows for px in row])
    buffer = io.BytesIO()
    base.save(buffer, format="PNG")
    plain = buffer.getvalue()
    (OUT / "exif_orientation_6.png").write_bytes(insert_png_chunk(plain, b"eXIf", tiff_orientation(6), b"IDAT"))
    (OUT / "exif_orientation_8_after_idat.png").write_bytes(
        insert_png_chunk(plain, b"eXIf", tiff_orientation(8, big_endian=True), b"IEND"))
    (OUT / "exif_orientation_invalid.png").write_bytes(insert_png_chunk(plain, b"eXIf", tiff_orientation(0), b"IDAT"))
    for name in ("exif_orientation_6.png", "exif_orientation_8_after_idat.png", "exif_orientation_invalid.png"):
        record_opencv(name)
    # Whether OpenCV applied each (recorded for the test's documentation of the reference's behaviour).
    assert expected["exif_orientation_6.png"]["width"] == 5, "OpenCV did not apply a PNG eXIf orientation"
    assert expected["exif_orientation_invalid.png"]["width"] == 7


def make_cmyk_fixtures():
    # Smooth colours over the whole CMYK range, including full black (K) and no ink.
    w, h = 24, 16
    cmyk = np.zeros((h, w, 4), np.uint8)
    cmyk[..., 0] = np.arange(w)[None, :] * 11
    cmyk[..., 1] = np.arange(h)[:, None] * 17
    cmyk[..., 2] = 255 - np.arange(w)[None, :] * 5 - np.arange(h)[:, None] * 3
    cmyk[..., 3] = (np.arange(w)[None, :] * 7 + np.arange(h)[:, None] * 9) % 256
    # Pillow writes CMYK with an Adobe APP14 marker (transform 0) and Adobe's inverted samples.
    Image.fromarray(cmyk, "CMYK").save(OUT / "cmyk_adobe.jpg", quality=95)
    record_opencv("cmyk_adobe.jpg")
    # The same file without its APP14 marker: libjpeg still reads 4 components as CMYK.
    data = (OUT / "cmyk_adobe.jpg").read_bytes()
    app14 = data.index(b"\xff\xee")
    length = struct.unpack(">H", data[app14 + 2:app14 + 4])[0]
    (OUT / "cmyk_no_adobe_marker.jpg").write_bytes(data[:app14] + data[app14 + 2 + length:])
    record_opencv("cmyk_no_adobe_marker.jpg")
    # YCCK (Adobe transform 2), written by imagecodecs' libjpeg-turbo from the same CMYK samples.
    (OUT / "ycck.jpg").write_bytes(imagecodecs.jpeg8_encode(cmyk, level=95, colorspace="CMYK", outcolorspace="YCCK"))
    with Image.open(OUT / "ycck.jpg") as check:
        assert check.info.get("adobe_transform") == 2, "imagecodecs did not write YCCK"
    record_opencv("ycck.jpg")


def make_16bit_fixtures():
    # Sample values spread over 0...65535 with every low byte, so that v >> 8 and rounding differ.
    w, h = 9, 7
    def sample(x, y, c):
        return (x * 7919 + y * 104729 + c * 30011 + 128 * ((x + y) % 2)) % 65536
    writers = {
        "grey": dict(greyscale=True, alpha=False, channels=1),
        "grey_alpha": dict(greyscale=True, alpha=True, channels=2),
        "rgb": dict(greyscale=False, alpha=False, channels=3),
        "rgba": dict(greyscale=False, alpha=True, channels=4),
    }
    for kind, spec in writers.items():
        name = f"{kind}_16bit_full.png"
        channels = spec.pop("channels")
        with open(OUT / name, "wb") as f:
            png.Writer(w, h, bitdepth=16, **spec).write(
                f, [[sample(x, y, c) for x in range(w) for c in range(channels)] for y in range(h)])
        record_opencv(name)


def make_webp_fixtures():
    w, h = 24, 16
    im = Image.new("RGB", (w, h))
    im.putdata([(10 * x, 15 * y, 128 + 4 * (x - y)) for y in range(h) for x in range(w)])
    rgba = im.copy()
    rgba.putalpha(Image.new("L", (w, h)))
    rgba.putdata([(*px, (37 * i) % 256) for i, px in enumerate(im.getdata())])
    im.save(OUT / "lossy.webp", quality=80)
    im.save(OUT / "lossless.webp", lossless=True)
    rgba.save(OUT / "lossy_alpha.webp", quality=80)
    rgba.save(OUT / "lossless_alpha.webp", lossless=True, exact=True)
    for name in ("lossy.webp", "lossless.webp", "lossy_alpha.webp", "lossless_alpha.webp"):
        record_opencv(name)
    # EXIF orientation in the extended format's EXIF chunk (OpenCV applies it to WebP too).
    im.save(OUT / "exif_orientation_6.webp", quality=80, exif=b"Exif\x00\x00" + tiff_orientation(6))
    im.save(OUT / "exif_orientation_8_lossless.webp", lossless=True, exif=tiff_orientation(8, big_endian=True))
    # The same with "Exif\0\0" before the TIFF structure inside the chunk, as some writers store it against the
    # specification: OpenCV shows that file as stored.
    data = (OUT / "exif_orientation_6.webp").read_bytes()
    chunk = data.index(b"EXIF")
    size = struct.unpack("<I", data[chunk + 4:chunk + 8])[0]
    payload = b"Exif\x00\x00" + data[chunk + 8:chunk + 8 + size]
    rebuilt = (data[:chunk] + b"EXIF" + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) % 2)
               + data[chunk + 8 + size + size % 2:])
    (OUT / "exif_orientation_6_prefixed.webp").write_bytes(rebuilt[:4] + struct.pack("<I", len(rebuilt) - 8)
                                                           + rebuilt[8:])
    for name in ("exif_orientation_6.webp", "exif_orientation_8_lossless.webp", "exif_orientation_6_prefixed.webp"):
        record_opencv(name)
        assert expected[name]["width"] == (w if "prefixed" in name else h), name
    # Two frames: an animation (must be refused).
    im.save(OUT / "animated.webp", save_all=True, append_images=[im.transpose(Image.FLIP_LEFT_RIGHT)], duration=100,
            lossless=True)
    # The lossless file's VP8L header patched to 16384 x 16384 (its 14-bit fields hold size - 1): imageTooLarge.
    data = bytearray((OUT / "lossless.webp").read_bytes())
    vp8l = data.index(b"VP8L") + 8  # chunk tag (4), chunk size (4), then the signature byte 0x2F
    assert data[vp8l] == 0x2F
    bits = struct.unpack("<I", data[vp8l + 1:vp8l + 5])[0]
    bits = (bits & ~0x0FFFFFFF) | (16383 << 14) | 16383
    struct.pack_into("<I", data, vp8l + 1, bits)
    (OUT / "huge_dimensions.webp").write_bytes(bytes(data))


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
    make_orientation_fixtures()
    make_cmyk_fixtures()
    make_16bit_fixtures()
    make_webp_fixtures()
    make_real_image_fixtures()
    document = {
        "generator": "Tools/make_codec_fixtures.py",
        "pillow": Image.__version__ if hasattr(Image, "__version__") else "",
        "pillow_libjpeg_turbo": features.version("libjpeg_turbo"),
        "pypng": png.__version__,
        "opencv": cv2.__version__,
        "imagecodecs": imagecodecs.__version__,
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
