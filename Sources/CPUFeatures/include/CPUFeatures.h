#ifndef SWIFTFACEMESH_CPUFEATURES_H
#define SWIFTFACEMESH_CPUFEATURES_H
/// Returns 1 when the running CPU supports AVX2 and FMA (the instruction set the numeric targets are compiled for
/// by default), 0 otherwise. Always 1 on non-x86 machines. Compiled without special flags, so it is safe to call
/// on any CPU.
int facemesh_cpu_supports_avx2_fma(void);
/// Returns 1 when the running CPU supports AVX-512F, 0 otherwise.
int facemesh_cpu_supports_avx512f(void);
/// Returns 1 when the running CPU (and operating system) supports what the AVX-512 kernels are compiled for
/// (`-target-cpu skylake-avx512`: AVX-512 F, BW, CD, DQ and VL), 0 otherwise and on non-x86-64 machines.
int facemesh_cpu_supports_avx512_kernels(void);
#endif
