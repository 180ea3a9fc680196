"""MediaPipe's `mp.solutions` namespace, as far as swiftfacemesh provides it: `face_mesh`."""

from . import face_mesh

__all__ = ["face_mesh"]
