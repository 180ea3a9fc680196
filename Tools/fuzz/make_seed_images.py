#!/usr/bin/env python3
"""Writes the seed corpora of the FuzzImageDecoder and FuzzWebPDecoder fuzz targets into Tools/fuzz/corpus/images/
and Tools/fuzz/corpus/webp/.

Small (mostly under 2 KB) PNG and JPEG files that together reach every decoding path of ImageCodecs: every PNG
colour type and bit depth (1 to 16), palettes with and without transparency, Adam7 interlacing, several IDAT
chunks and ancillary chunks; baseline, progressive, optimised-Huffman and restart-marker JPEGs with 4:4:4, 4:2:2
and 4:2:0 subsampling, greyscale, RGB-without-YCbCr, CMYK, EXIF and ICC segments, odd sizes. The ImageCodecs test
fixtures of at most 8 KB (Tests/Fixtures/ImageCodecs) are copied in as well. The WebP corpus holds lossy (VP8) and
lossless (VP8L) files, with and without alpha (ALPH chunk, compressed and raw), in the extended VP8X container with
EXIF, XMP and ICC chunks, an animation, 1x1 and odd sizes, lossless images that use the palette, predictor and
colour-cache transforms, and the WebP test fixtures. Also writes the libFuzzer dictionaries dictionaries/images.dict
(markers and chunk names) and dictionaries/webp.dict (RIFF and WebP chunk tags).

Uses Pillow and pypng pinned in Tools/requirements-codecs.txt:
  python3.11 -m venv Tools/.venv-codecs && Tools/.venv-codecs/bin/pip install -r Tools/requirements-codecs.txt
  Tools/.venv-codecs/bin/python Tools/fuzz/make_seed_images.py
"""
import io
import shutil
import struct
import zlib
from pathlib import Path

import png  # pypng
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUTPUT = HERE / "corpus" / "images"
WEBP_OUTPUT = HERE / "corpus" / "webp"
FIXTURES = ROOT / "Tests" / "Fixtures" / "ImageCodecs"
DICTIONARY = HERE / "dictionaries" / "images.dict"
WEBP_DICTIONARY = HERE / "dictionaries" / "webp.dict"
MAXIMUM_FIXTURE_BYTES = 8192


def pattern(width, height):
    """A deterministic RGB image with edges and gradients (compresses to a few hundred bytes)."""
    image = Image.new("RGB", (width, height))
    image.putdata([((29 * x + 3 * y) % 256, (17 * y + 5 * x * y) % 256, (x * 8) % 256)
                   for y in range(height) for x in range(width)])
    return image


def jpeg_seeds():
    base = pattern(16, 16)
    yield "baseline_420.jpg", base, dict(quality=75, subsampling=2)
    yield "baseline_422.jpg", base, dict(quality=75, subsampling=1)
    yield "baseline_444.jpg", base, dict(quality=90, subsampling=0)
    yield "progressive.jpg", base, dict(quality=75, progressive=True)
    yield "optimized.jpg", base, dict(quality=60, optimize=True)
    yield "restart_markers.jpg", pattern(24, 16), dict(quality=75, restart_marker_blocks=1)
    yield "grey.jpg", base.convert("L"), dict(quality=80)
    yield "rgb_no_ycbcr.jpg", base, dict(quality=80, keep_rgb=True, subsampling=0)
    yield "cmyk.jpg", base.convert("CMYK"), dict(quality=80)
    yield "odd_size_17x9.jpg", pattern(17, 9), dict(quality=70)
    yield "one_pixel.jpg", pattern(1, 1), dict(quality=70)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° (the decoder turns the pixels upright)
    yield "exif_icc.jpg", pattern(8, 8), dict(quality=70, exif=exif.tobytes(), icc_profile=b"\0" * 128)


def png_seeds():
    base = pattern(12, 10)
    yield "rgb8.png", base, {}
    yield "rgba8.png", base.convert("RGBA"), {}
    yield "grey8.png", base.convert("L"), {}
    yield "grey_alpha8.png", base.convert("LA"), {}
    yield "palette8.png", base.convert("P", palette=Image.Palette.ADAPTIVE, colors=16), {}
    yield "palette_trns.png", base.convert("P", palette=Image.Palette.ADAPTIVE, colors=4), dict(transparency=1)
    yield "palette2bit.png", base.convert("P", palette=Image.Palette.ADAPTIVE, colors=4), dict(bits=2)
    yield "bilevel.png", base.convert("1"), {}
    yield "grey16.png", base.convert("I;16"), {}
    yield "one_pixel.png", pattern(1, 1), {}


def pypng_seeds():
    """Bit depths and interlacing Pillow cannot write."""
    width, height = 9, 7
    grey = [[(x * 37 + y * 11) % 256 for x in range(width)] for y in range(height)]
    for bits in (1, 2, 4):
        rows = [[value >> (8 - bits) for value in row] for row in grey]
        yield f"grey{bits}bit.png", png.Writer(width, height, greyscale=True, bitdepth=bits), rows
        yield f"interlaced_grey{bits}bit.png", png.Writer(width, height, greyscale=True, bitdepth=bits,
                                                          interlace=True), rows
    rgb = [[channel for x in range(width) for channel in ((x * 29) % 256, (y * 31) % 256, 128)]
           for y in range(height)]
    yield "interlaced_rgb8.png", png.Writer(width, height, greyscale=False, interlace=True), rgb
    rgb16 = [[value * 257 for value in row] for row in rgb]
    yield "rgb16.png", png.Writer(width, height, greyscale=False, bitdepth=16), rgb16
    yield "grey_trns.png", png.Writer(width, height, greyscale=True, transparent=0), grey


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def handmade_pngs():
    """Chunk layouts the encoders do not produce: IDAT split in many chunks, ancillary chunks before IDAT."""
    width, height = 6, 5
    raw = b"".join(b"\0" + bytes((x * 40 + y * 7) % 256 for x in range(width * 3)) for y in range(height))
    compressed = zlib.compress(raw, 9)
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    signature = b"\x89PNG\r\n\x1a\n"
    pieces = [compressed[i:i + 7] for i in range(0, len(compressed), 7)]
    yield "split_idat.png", signature + header + b"".join(chunk(b"IDAT", p) for p in pieces) + chunk(b"IEND", b"")
    ancillary = chunk(b"gAMA", struct.pack(">I", 45455)) + chunk(b"tEXt", b"Comment\0fuzz seed") + \
        chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1)) + chunk(b"sRGB", b"\0")
    yield "ancillary_chunks.png", signature + header + ancillary + chunk(b"IDAT", compressed) + chunk(b"IEND", b"")


def webp_seeds():
    base = pattern(16, 16)
    with_alpha = base.copy()
    with_alpha.putalpha(Image.new("L", (16, 16)))
    with_alpha.putdata([(*px, (41 * i) % 256) for i, px in enumerate(base.getdata())])
    exif = Image.Exif()
    exif[0x0112] = 6
    few_colours = base.convert("P", palette=Image.Palette.ADAPTIVE, colors=4).convert("RGB")
    yield "lossy.webp", base, dict(quality=75)
    yield "lossy_low_quality.webp", base, dict(quality=5, method=0)
    yield "lossy_alpha.webp", with_alpha, dict(quality=75)
    yield "lossy_alpha_uncompressed.webp", with_alpha, dict(quality=75, alpha_quality=100, method=0)
    yield "lossless.webp", base, dict(lossless=True)
    yield "lossless_alpha.webp", with_alpha, dict(lossless=True, exact=True)
    yield "lossless_palette.webp", few_colours, dict(lossless=True, quality=100, method=6)
    yield "lossless_fast.webp", pattern(17, 9), dict(lossless=True, quality=0, method=0)
    yield "one_pixel_lossy.webp", pattern(1, 1), dict(quality=75)
    yield "one_pixel_lossless.webp", pattern(1, 1), dict(lossless=True)
    yield "odd_size_23x7.webp", pattern(23, 7), dict(quality=60)
    yield "extended_metadata.webp", pattern(8, 8), dict(quality=70, exif=exif.tobytes(), icc_profile=b"\0" * 128,
                                                        xmp=b"<x:xmpmeta/>")
    yield "animated.webp", base, dict(save_all=True, append_images=[base.transpose(Image.FLIP_LEFT_RIGHT)],
                                      duration=50, lossless=True)


def write_dictionary():
    markers = [b"\xff\xd8", b"\xff\xd9", b"\xff\xda", b"\xff\xdb", b"\xff\xc4", b"\xff\xc0", b"\xff\xc1",
               b"\xff\xc2", b"\xff\xc3", b"\xff\xc9", b"\xff\xdd", b"\xff\xd0", b"\xff\xe0", b"\xff\xe1",
               b"\xff\xe2", b"\xff\xee", b"\xff\xfe", b"JFIF\0", b"Exif\0\0", b"Adobe", b"ICC_PROFILE\0",
               b"\x89PNG\r\n\x1a\n"]
    chunks = [b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD",
              b"hIST", b"pHYs", b"tIME", b"tEXt", b"zTXt", b"iTXt", b"acTL", b"fcTL", b"fdAT"]
    with open(DICTIONARY, "w") as handle:
        handle.write("# libFuzzer dictionary for PNG and JPEG; written by Tools/fuzz/make_seed_images.py\n")
        for entry in markers + chunks:
            handle.write(dictionary_line(entry))
    tags = [b"RIFF", b"WEBP", b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP", b"EXIF", b"XMP ",
            b"\x9d\x01\x2a", b"\x2f"]
    with open(WEBP_DICTIONARY, "w") as handle:
        handle.write("# libFuzzer dictionary for WebP; written by Tools/fuzz/make_seed_images.py\n")
        for entry in tags:
            handle.write(dictionary_line(entry))


def dictionary_line(entry):
    return '"' + "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\x{b:02x}" for b in entry) + '"\n'


def main():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    DICTIONARY.parent.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, image, options in jpeg_seeds():
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", **options)
        files[name] = buffer.getvalue()
    for name, image, options in png_seeds():
        buffer = io.BytesIO()
        image.save(buffer, "PNG", **options)
        files[name] = buffer.getvalue()
    for name, writer, rows in pypng_seeds():
        buffer = io.BytesIO()
        writer.write(buffer, rows)
        files[name] = buffer.getvalue()
    files.update(handmade_pngs())
    for name, data in files.items():
        (OUTPUT / name).write_bytes(data)
    WEBP_OUTPUT.mkdir(parents=True, exist_ok=True)
    webp_files = {}
    for name, image, options in webp_seeds():
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", **options)
        webp_files[name] = buffer.getvalue()
    for name, data in webp_files.items():
        (WEBP_OUTPUT / name).write_bytes(data)
    copied = 0
    for fixture in sorted(FIXTURES.glob("*")):
        if fixture.suffix in (".png", ".jpg", ".webp") and fixture.stat().st_size <= MAXIMUM_FIXTURE_BYTES:
            destination = WEBP_OUTPUT if fixture.suffix == ".webp" else OUTPUT
            shutil.copyfile(fixture, destination / f"fixture_{fixture.name}")
            copied += 1
    write_dictionary()
    total = sum(len(data) for data in files.values())
    print(f"{len(files)} + {len(webp_files)} generated seeds ({total} bytes) and {copied} fixtures in {OUTPUT} and "
          f"{WEBP_OUTPUT}")


if __name__ == "__main__":
    main()
