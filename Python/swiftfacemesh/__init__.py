"""swiftfacemesh: MediaPipe's legacy face mesh solution (`mp.solutions.face_mesh`) on SwiftFaceMesh, a pure-Swift,
CPU-only reimplementation of MediaPipe's face mesh pipeline. Migrating from MediaPipe 0.10.14 changes the import:

    import swiftfacemesh as mp                      # was: import mediapipe as mp
    face_mesh = mp.solutions.face_mesh.FaceMesh(refine_landmarks=True)

or directly `from swiftfacemesh import FaceMesh`.
"""

from . import solutions
from ._native import BLENDSHAPE_NAMES
from .face_mesh import (LANDMARK_COUNTS, Category, FaceBlendshapes, FaceMesh, FaceMeshResults, HeadPose,
                        NormalizedLandmark, NormalizedLandmarkList)

__version__ = "0.2.0"

__all__ = ["FaceMesh", "FaceMeshResults", "HeadPose", "NormalizedLandmark", "NormalizedLandmarkList", "Category",
           "FaceBlendshapes", "BLENDSHAPE_NAMES", "LANDMARK_COUNTS", "solutions", "__version__"]
