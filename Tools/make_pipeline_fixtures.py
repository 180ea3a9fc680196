#!/usr/bin/env python3
"""Generates Tests/Fixtures/Pipeline: reference crops made by the real OpenCV exactly as MediaPipe makes them.

Setup (once):  python3 -m venv Tools/.venv-pipeline
               Tools/.venv-pipeline/bin/pip install -r Tools/requirements-pipeline.txt
Run:           Tools/.venv-pipeline/bin/python Tools/make_pipeline_fixtures.py

The source photo (Tests/Fixtures/Images/mpl_grace_hopper.jpg) is decoded by OpenCV, downscaled, and stored as raw
RGB bytes so the Swift tests need no JPEG decoder. Every expected output is raw RGB bytes (NHWC, uint8), described
in manifest.json. Floats in the manifest are float32 values written exactly (as Python floats).
"""
import json
import math
import os
import sys

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "Pipeline")
PHOTO = os.environ.get("PIPELINE_PHOTO",
                       os.path.join(ROOT, "Tests", "Fixtures", "Images", "mpl_grace_hopper.jpg"))
f32 = np.float32


def exact(value):
    """A float32 as the Python float with the same value (round-trips through JSON exactly)."""
    return float(f32(value))


def save(name, array):
    array = np.ascontiguousarray(array, dtype=np.uint8)
    with open(os.path.join(OUT, name), "wb") as handle:
        handle.write(array.tobytes())
    return name


def box_points(cx, cy, w, h, rotation):
    """cv::boxPoints of the RotatedRect MediaPipe builds: angle = rotation * 180.f / M_PI (float, double, float)."""
    degrees = f32(float(f32(rotation) * f32(180.0)) / math.pi)
    return cv2.boxPoints(((float(f32(cx)), float(f32(cy))), (float(f32(w)), float(f32(h))), float(degrees)))


def tensor_crop(image, cx, cy, w, h, rotation, out_w, out_h, border):
    """MediaPipe ImageToTensorConverter (OpenCV): boxPoints → tensor corners, warpPerspective INTER_LINEAR."""
    src = box_points(cx, cy, w, h, rotation)
    dst = np.array([[0, out_h], [0, 0], [out_w, 0], [out_w, out_h]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=border)


def letterbox_roi(width, height, tensor_w=128, tensor_h=128):
    """MediaPipe GetRoi (whole image) + PadRoi (keep aspect ratio), in float32."""
    w, h = f32(width), f32(height)
    tensor_aspect = f32(tensor_h) / f32(tensor_w)
    roi_aspect = h / w
    if tensor_aspect > roi_aspect:
        new_w, new_h = w, w * tensor_aspect
    else:
        new_w, new_h = h / tensor_aspect, h
    return f32(0.5) * w, f32(0.5) * h, new_w, new_h


def round_half_away(value):
    """std::round on a float32 value."""
    value = float(f32(value))
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def eye_input(image, x_center, y_center, width, height, rotation, mirrored, size=64):
    """The iris cascade's eye input: ImageCroppingCalculator (integer centre and size, corners to pixel centres,
    warpPerspective INTER_NEAREST, BORDER_REPLICATE) then ImageTransformationCalculator (FIT into size×size:
    INTER_AREA when shrinking, INTER_LINEAR otherwise, black letterbox, horizontal flip when mirrored)."""
    img_h, img_w = image.shape[:2]
    cx = round_half_away(f32(x_center) * f32(img_w))
    cy = round_half_away(f32(y_center) * f32(img_h))
    cw = round_half_away(f32(width) * f32(img_w))
    ch = round_half_away(f32(height) * f32(img_h))
    src = box_points(cx, cy, cw, ch, rotation)
    dst = np.array([[0, ch - 1], [0, 0], [cw - 1, 0], [cw - 1, ch - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    crop = cv2.warpPerspective(image, matrix, (cw, ch), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
    scale = min(f32(size) / f32(cw), f32(size) / f32(ch))
    target_w, target_h = round_half_away(f32(cw) * scale), round_half_away(f32(ch) * scale)
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(crop, (target_w, target_h), interpolation=interpolation)
    top, left = (size - target_h) // 2, (size - target_w) // 2
    boxed = cv2.copyMakeBorder(resized, top, size - target_h - top, left, size - target_w - left,
                               cv2.BORDER_CONSTANT, value=(0, 0, 0))
    if mirrored:
        boxed = cv2.flip(boxed, 1)
    in_aspect, padding = f32(cw) / f32(ch), [0.0, 0.0, 0.0, 0.0]
    if in_aspect < 1:
        padding[0] = padding[2] = exact((f32(1) - in_aspect) / f32(2))
    elif in_aspect > 1:
        padding[1] = padding[3] = exact((f32(1) - f32(1) / in_aspect) / f32(2))
    return crop, boxed, padding


def main():
    os.makedirs(OUT, exist_ok=True)
    photo = cv2.imread(PHOTO, cv2.IMREAD_COLOR)
    if photo is None:
        sys.exit(f"cannot read {PHOTO}")
    rgb = cv2.cvtColor(photo, cv2.COLOR_BGR2RGB)
    # Portrait 160×180 (face and shoulders) and landscape 192×120 (a horizontal band through the face).
    portrait = cv2.resize(rgb[0:576, 0:512], (160, 180), interpolation=cv2.INTER_AREA)
    landscape = cv2.resize(rgb[80:400, 0:512], (192, 120), interpolation=cv2.INTER_AREA)
    images = {
        "portrait": {"file": save("portrait_160x180.rgb", portrait), "width": 160, "height": 180},
        "landscape": {"file": save("landscape_192x120.rgb", landscape), "width": 192, "height": 120},
    }
    pixels = {"portrait": portrait, "landscape": landscape}

    borders = {"replicate": cv2.BORDER_REPLICATE, "zero": cv2.BORDER_CONSTANT}
    crop_cases = [
        # name, image, cx, cy, w, h, rotation (rad), out_w, out_h, border
        ("inside_axis_aligned", "portrait", 80.3, 85.7, 100.2, 100.2, 0.0, 96, 96, "replicate"),
        ("rotated_30deg", "portrait", 75.1, 90.4, 110.3, 110.3, math.radians(30), 96, 96, "replicate"),
        ("rotated_90deg", "portrait", 80.0, 90.0, 120.0, 120.0, math.pi / 2, 64, 64, "replicate"),
        ("rotated_minus_143deg", "portrait", 100.0, 70.0, 130.0, 130.0, -2.5, 96, 96, "replicate"),
        ("partly_outside_replicate", "portrait", 20.5, 160.2, 90.0, 90.0, -0.4, 64, 64, "replicate"),
        ("partly_outside_zero", "portrait", 20.5, 160.2, 90.0, 90.0, -0.4, 64, 64, "zero"),
        ("larger_than_image", "portrait", 80.0, 90.0, 400.0, 400.0, 0.7, 64, 64, "replicate"),
        ("magnified_small_roi", "portrait", 70.37, 60.81, 10.3, 10.3, 0.25, 64, 64, "replicate"),
        ("non_square_roi_and_tensor", "landscape", 96.4, 58.9, 100.0, 70.0, 0.2, 96, 64, "replicate"),
        ("face_model_192", "portrait", 78.6, 88.2, 150.7, 150.7, 0.1, 192, 192, "replicate"),
    ]
    crops = []
    for name, image, cx, cy, w, h, rotation, out_w, out_h, border in crop_cases:
        result = tensor_crop(pixels[image], cx, cy, w, h, rotation, out_w, out_h, borders[border])
        crops.append({
            "name": name, "image": image,
            "centerX": exact(cx), "centerY": exact(cy), "width": exact(w), "height": exact(h),
            "rotation": exact(rotation), "outputWidth": out_w, "outputHeight": out_h, "border": border,
            "expected": save(f"crop_{name}_{out_w}x{out_h}.rgb", result),
        })

    letterboxes = []
    for image in ("portrait", "landscape"):
        info = images[image]
        cx, cy, w, h = letterbox_roi(info["width"], info["height"])
        result = tensor_crop(pixels[image], cx, cy, w, h, 0.0, 128, 128, cv2.BORDER_CONSTANT)
        letterboxes.append({"image": image, "expected": save(f"letterbox_{image}_128x128.rgb", result),
                            "centerX": exact(cx), "centerY": exact(cy), "width": exact(w), "height": exact(h)})

    eye_cases = [
        # name, x_center, y_center, width, height (normalized by 160, 180), rotation, mirrored
        ("enlarge_image_left_eye", 68.4 / 160, 62.3 / 180, 27.6 / 160, 27.6 / 180, 0.12, False),
        ("enlarge_image_right_eye_mirrored", 92.7 / 160, 61.8 / 180, 25.3 / 160, 25.3 / 180, -0.08, True),
        ("odd_size_rotation_zero", 70.2 / 160, 63.0 / 180, 33.0 / 160, 33.0 / 180, 0.0, False),
        ("shrink_area", 80.0 / 160, 90.0 / 180, 90.4 / 160, 90.4 / 180, 0.3, False),
        ("shrink_exact_half", 80.0 / 160, 90.0 / 180, 128.0 / 160, 128.0 / 180, 0.0, True),
        ("non_square_letterbox_mirrored", 75.0 / 160, 70.0 / 180, 40.0 / 160, 30.0 / 180, 0.2, True),
        ("non_square_shrink", 80.0 / 160, 88.0 / 180, 100.0 / 160, 70.0 / 180, 0.0, False),
    ]
    eyes = []
    for name, xc, yc, w, h, rotation, mirrored in eye_cases:
        crop, boxed, padding = eye_input(portrait, xc, yc, w, h, rotation, mirrored)
        eyes.append({
            "name": name, "image": "portrait", "xCenter": exact(xc), "yCenter": exact(yc), "width": exact(w),
            "height": exact(h), "rotation": exact(rotation), "mirrored": mirrored,
            "cropWidth": crop.shape[1], "cropHeight": crop.shape[0], "padding": padding,
            "crop": save(f"eye_{name}_crop_{crop.shape[1]}x{crop.shape[0]}.rgb", crop),
            "expected": save(f"eye_{name}_64x64.rgb", boxed),
        })

    manifest = {
        "generator": "Tools/make_pipeline_fixtures.py",
        "opencv": cv2.__version__, "numpy": np.__version__,
        "source": "mpl_grace_hopper.jpg decoded by OpenCV, RGB, resized with INTER_AREA",
        "images": images, "crops": crops, "letterboxes": letterboxes, "eyes": eyes,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)
        handle.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
