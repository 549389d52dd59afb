/* Calls, recursion, function pointers, varargs, atomics, floats (soft-float calls). */
#include <stdarg.h>

typedef int (*binop)(int, int);
static int plus(int a, int b) { return a + b; }
static int times(int a, int b) { return a * b; }
binop table[2] = { plus, times };

int apply(int which, int a, int b) { return table[which & 1](a, b); }
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int sum(int n, ...) {
    va_list ap; va_start(ap, n); int s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap); return s;
}
int counter;
int bump(void) { return __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST); }
int cas(int *p, int old, int new) { return __sync_val_compare_and_swap(p, old, new); }
int xchg(int *p, int v) { return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL); }
float fmix(float a, float b) { return a * b + a / b; }
double dmix(double a, double b) { return a * b - a / b; }
int f2i(double d) { return (int)d; }
double i2f(long long v) { return (double)v; }
long long big(int a, long long b, int c, long long d, int e, int f, int g) { return a + b + c + d + e + f + g; }
void spin(volatile int *flag) { while (!*flag) { } }
int many_locals(int a) {
    volatile int v[40];
    for (int i = 0; i < 40; i++) v[i] = a + i;
    return v[a & 31];
}
