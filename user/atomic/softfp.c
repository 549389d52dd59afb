/* FPU-free versions of the libgcc helpers that Debian's ARC libgcc.a (built for
 * hs38_linux with the FPU) implements with FPU instructions (../shared/arc/facts.md,
 * "Toolchain surprises"): float <-> 64-bit integer conversions, complex multiply and
 * divide, integer powers. The `sim` core has no FPU, and em4 code is soft-float, so
 * linking libgcc's would raise Instruction Error. The algorithms are libgcc2.c's,
 * simplified where it only matters for infinities and NaNs (noted below), and use the
 * soft-float 32-bit operations, which libgcc has without FPU instructions. */

typedef long long i64;
typedef unsigned long long u64;
typedef unsigned int u32;

#define TWO32 4294967296.0

double __floatundidf(u64 a)
{
    /* hi * 2^32 is exact; one rounding in the addition. */
    return (double)(u32)(a >> 32) * TWO32 + (double)(u32)a;
}

double __floatdidf(i64 a)
{
    return (double)(int)(a >> 32) * TWO32 + (double)(u32)a;
}

/* To float with a single rounding: above 2^53, shift into 53 bits keeping a sticky
 * bit, so the exact double conversion keeps every bit float rounding needs. */
float __floatundisf(u64 a)
{
    int s = 0;
    while (a >> 53) {
        a = (a >> 1) | (a & 1);
        s++;
    }
    double d = __floatundidf(a);
    while (s--)
        d *= 2.0;
    return (float)d;
}

float __floatdisf(i64 a)
{
    return a < 0 ? -__floatundisf(-(u64)a) : __floatundisf((u64)a);
}

u64 __fixunsdfdi(double a)
{
    if (!(a > 0.0))
        return 0;
    u32 hi = (u32)(a / TWO32);
    double rest = a - (double)hi * TWO32;
    return ((u64)hi << 32) + (u32)rest;
}

i64 __fixdfdi(double a)
{
    return a < 0.0 ? -(i64)__fixunsdfdi(-a) : (i64)__fixunsdfdi(a);
}

u64 __fixunssfdi(float a)
{
    return __fixunsdfdi((double)a);
}

i64 __fixsfdi(float a)
{
    return __fixdfdi((double)a);
}

/* Complex multiply: (a + ib)(c + id). Annex G's recovery of infinities from NaN
 * results is left out. */
#define MUL3(NAME, T, CT)                                                               \
    CT NAME(T a, T b, T c, T d)                                                         \
    {                                                                                   \
        CT r;                                                                           \
        __real__ r = a * c - b * d;                                                     \
        __imag__ r = a * d + b * c;                                                     \
        return r;                                                                       \
    }
MUL3(__mulsc3, float, _Complex float)
MUL3(__muldc3, double, _Complex double)

/* Complex divide (a + ib) / (c + id): Smith's algorithm (no Annex G special cases). */
#define DIV3(NAME, T, CT)                                                               \
    CT NAME(T a, T b, T c, T d)                                                         \
    {                                                                                   \
        CT r;                                                                           \
        T ac = c < 0 ? -c : c, ad = d < 0 ? -d : d;                                     \
        if (ac < ad) {                                                                  \
            T ratio = c / d, den = c * ratio + d;                                       \
            __real__ r = (a * ratio + b) / den;                                         \
            __imag__ r = (b * ratio - a) / den;                                         \
        } else {                                                                        \
            T ratio = d / c, den = d * ratio + c;                                       \
            __real__ r = (b * ratio + a) / den;                                         \
            __imag__ r = (b - a * ratio) / den;                                         \
        }                                                                               \
        return r;                                                                       \
    }
DIV3(__divsc3, float, _Complex float)
DIV3(__divdc3, double, _Complex double)

#define POWI(NAME, T)                                                                   \
    T NAME(T x, int m)                                                                  \
    {                                                                                   \
        unsigned n = m < 0 ? -(unsigned)m : (unsigned)m;                                \
        T y = n % 2 ? x : 1;                                                            \
        while (n >>= 1) {                                                               \
            x = x * x;                                                                  \
            if (n % 2)                                                                  \
                y = y * x;                                                              \
        }                                                                               \
        return m < 0 ? 1 / y : y;                                                       \
    }
POWI(__powisf2, float)
POWI(__powidf2, double)
