"""MediaPipe's `mp.solutions.face_mesh` module: `FaceMesh` and the landmark counts."""

from ..face_mesh import FaceMesh, FaceMeshResults, HeadPose, NormalizedLandmark, NormalizedLandmarkList

#: Landmarks per face: 468 (MediaPipe's FACEMESH_NUM_LANDMARKS) and 478 with irises.
FACEMESH_NUM_LANDMARKS = 468
FACEMESH_NUM_LANDMARKS_WITH_IRISES = 478

__all__ = ["FaceMesh", "FaceMeshResults", "HeadPose", "NormalizedLandmark", "NormalizedLandmarkList",
           "FACEMESH_NUM_LANDMARKS", "FACEMESH_NUM_LANDMARKS_WITH_IRISES"]
