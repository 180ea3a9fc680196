"""Rotated square ROI crops of photos with bilinear resampling, quantized to uint8 (numpy only).

Conventions (pixel coordinates: x right, y down, pixel (i, j) covers [i, i+1) x [j, j+1), centre at +0.5):
an ROI is a square of side `size` source pixels centred at (center_x, center_y), rotated by `rotation` radians:
its x axis points along (cos r, sin r) in the image (so a positive angle turns the ROI clockwise on screen and the
content of the crop appears turned counter-clockwise). Output pixel (u, v) of an N x N crop samples the source at
    p = c + size * (a * (cos r, sin r) + b * (-sin r, cos r)),  a = (u + 0.5) / N - 0.5,  b = (v + 0.5) / N - 0.5
(a negated when mirrored), bilinearly between the four nearest pixel centres; neighbours outside the image
read 0 (black). The result is rounded to the nearest integer (ties to even) and clipped to 0...255.
"""

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class RegionOfInterest:
    """A rotated square region of a photo, in source pixels and radians (see the module docstring)."""

    center_x: float
    center_y: float
    size: float
    rotation: float = 0.0
    mirrored: bool = False

    def as_json(self) -> dict:
        return {"center_x": self.center_x, "center_y": self.center_y, "size": self.size,
                "rotation_degrees": round(math.degrees(self.rotation), 6), "mirrored": self.mirrored}


def load_rgb(path) -> np.ndarray:
    """A photo as an H x W x 3 uint8 RGB array (grey images are replicated into three channels)."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def crop(image: np.ndarray, roi: RegionOfInterest, side: int) -> np.ndarray:
    """The `side` x `side` x 3 uint8 crop of `image` (H x W x 3 uint8) over `roi`."""
    height, width, _ = image.shape
    steps = (np.arange(side, dtype=np.float64) + 0.5) / side - 0.5
    a = steps[None, :] * (-1.0 if roi.mirrored else 1.0)      # along the ROI's x axis, per column u
    b = steps[:, None]                                         # along the ROI's y axis, per row v
    cos_r, sin_r = math.cos(roi.rotation), math.sin(roi.rotation)
    x = roi.center_x + roi.size * (a * cos_r - b * sin_r) - 0.5
    y = roi.center_y + roi.size * (a * sin_r + b * cos_r) - 0.5
    x0, y0 = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]

    source = image.astype(np.float64)

    def pixel(yy, xx):
        inside = (xx >= 0) & (xx < width) & (yy >= 0) & (yy < height)
        values = source[np.clip(yy, 0, height - 1), np.clip(xx, 0, width - 1)]
        return values * inside[..., None]

    top = pixel(y0, x0) * (1 - fx) + pixel(y0, x0 + 1) * fx
    bottom = pixel(y0 + 1, x0) * (1 - fx) + pixel(y0 + 1, x0 + 1) * fx
    result = top * (1 - fy) + bottom * fy
    return np.clip(np.round(result), 0, 255).astype(np.uint8)


def letterbox_roi(image: np.ndarray, rotation: float = 0.0) -> RegionOfInterest:
    """The square ROI around the whole image (side = the longer side), so the crop is letterboxed with black."""
    height, width, _ = image.shape
    return RegionOfInterest(width / 2, height / 2, float(max(width, height)), rotation)


def eye_line_angle(left_x, left_y, right_x, right_y) -> float:
    """The angle (radians) of the line from the image-left point to the image-right point."""
    return math.atan2(right_y - left_y, right_x - left_x)
