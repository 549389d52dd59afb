/* wasm2c's output defines float helpers (wasm_fabs, wasm_sqrt, ...) whether or not the
 * module uses floating point. They need these names declared; the kernel uses no floats,
 * so the helpers are never called and none of these is linked. */
#ifndef KERNEL_MATH_H
#define KERNEL_MATH_H
#define NAN __builtin_nanf("")
#define INFINITY __builtin_inff()
#define isnan(x) __builtin_isnan(x)
#define signbit(x) __builtin_signbit(x)
double fabs(double);
float fabsf(float);
double ceil(double);
float ceilf(float);
double floor(double);
float floorf(float);
double trunc(double);
float truncf(float);
double nearbyint(double);
float nearbyintf(float);
double sqrt(double);
float sqrtf(float);
#endif
