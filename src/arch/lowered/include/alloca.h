#ifndef KERNEL_ALLOCA_H
#define KERNEL_ALLOCA_H
#define alloca(n) __builtin_alloca(n)
#endif
