import CBLAS
import CPUFeatures
