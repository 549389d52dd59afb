/* Integer-only replacements for the libgcc helpers that Debian's ARC libgcc.a builds with
 * HS FPU instructions (see /work/shared/arc/facts.md, "Toolchain surprises"):
 *   _fixdfdi _fixsfdi _fixunsdfdi _fixunssfdi _fixunssfsi
 *   _floatdidf _floatdisf _floatundidf _floatundisf
 *   _powidf2 _powisf2 _muldc3 _mulsc3 _divdc3 _divsc3
 * Linked before -lgcc, so the linker never pulls the FPU versions in. Conversions follow
 * soft-fp: truncation toward zero, saturation on overflow, round-to-nearest-even for
 * integer -> float. The complex helpers follow libgcc2.c (C99 Annex G recovery of
 * infinities). Arithmetic on double/float here goes through libgcc's soft-fp routines,
 * which are FPU-free. */
#include <stdint.h>

typedef union { double d; uint64_t u; } dbits;
typedef union { float f; uint32_t u; } fbits;

/* ---------------------------------------------------------------- float -> integer */

static uint64_t d_to_u64_mag(uint64_t bits, int *overflow)
{
    int exp = (int)((bits >> 52) & 0x7ff);
    uint64_t mant = (bits & 0xFFFFFFFFFFFFFull) | (1ull << 52);
    *overflow = 0;
    if (exp < 1023)
        return 0;
    int e = exp - 1075;
    if (exp - 1023 >= 64) {
        *overflow = 1;
        return ~0ull;
    }
    return e >= 0 ? mant << e : mant >> -e;
}

long long __fixdfdi(double a)
{
    dbits b = { .d = a };
    int sign = (int)(b.u >> 63), ovf;
    int exp = (int)((b.u >> 52) & 0x7ff);
    if (exp == 0x7ff && (b.u & 0xFFFFFFFFFFFFFull))
        return INT64_MAX; /* NaN */
    uint64_t m = d_to_u64_mag(b.u, &ovf);
    if (sign) {
        if (ovf || m > (1ull << 63))
            return INT64_MIN;
        return (long long)(0 - m);
    }
    if (ovf || m > (uint64_t)INT64_MAX)
        return INT64_MAX;
    return (long long)m;
}

unsigned long long __fixunsdfdi(double a)
{
    dbits b = { .d = a };
    int ovf;
    if (b.u >> 63)
        return 0;
    uint64_t m = d_to_u64_mag(b.u, &ovf);
    return ovf ? ~0ull : m;
}

static uint64_t f_to_u64_mag(uint32_t bits, int *overflow)
{
    int exp = (int)((bits >> 23) & 0xff);
    uint64_t mant = (bits & 0x7FFFFF) | (1u << 23);
    *overflow = 0;
    if (exp < 127)
        return 0;
    int e = exp - 150;
    if (exp - 127 >= 64) {
        *overflow = 1;
        return ~0ull;
    }
    return e >= 0 ? mant << e : mant >> -e;
}

long long __fixsfdi(float a)
{
    fbits b = { .f = a };
    int sign = (int)(b.u >> 31), ovf;
    if (((b.u >> 23) & 0xff) == 0xff && (b.u & 0x7FFFFF))
        return INT64_MAX;
    uint64_t m = f_to_u64_mag(b.u, &ovf);
    if (sign) {
        if (ovf || m > (1ull << 63))
            return INT64_MIN;
        return (long long)(0 - m);
    }
    if (ovf || m > (uint64_t)INT64_MAX)
        return INT64_MAX;
    return (long long)m;
}

unsigned long long __fixunssfdi(float a)
{
    fbits b = { .f = a };
    int ovf;
    if (b.u >> 31)
        return 0;
    uint64_t m = f_to_u64_mag(b.u, &ovf);
    return ovf ? ~0ull : m;
}

unsigned int __fixunssfsi(float a)
{
    fbits b = { .f = a };
    int ovf;
    if (b.u >> 31)
        return 0;
    uint64_t m = f_to_u64_mag(b.u, &ovf);
    return (ovf || m > 0xFFFFFFFFull) ? 0xFFFFFFFFu : (unsigned int)m;
}

/* ---------------------------------------------------------------- integer -> float */

static int clz64(uint64_t v)
{
    int n = 0;
    if (!(v >> 32)) { n += 32; v <<= 32; }
    if (!(v >> 48)) { n += 16; v <<= 16; }
    if (!(v >> 56)) { n += 8; v <<= 8; }
    if (!(v >> 60)) { n += 4; v <<= 4; }
    if (!(v >> 62)) { n += 2; v <<= 2; }
    if (!(v >> 63)) { n += 1; }
    return n;
}

/* |v| (v != 0) rounded to nearest-even into an IEEE value with `mbits` fraction bits. */
static uint64_t round_u64(uint64_t v, int mbits, int bias)
{
    int p = 63 - clz64(v); /* position of the leading one */
    uint64_t mant;
    if (p <= mbits) {
        mant = v << (mbits - p);
    } else {
        int sh = p - mbits;
        mant = v >> sh;
        uint64_t rem = v & ((1ull << sh) - 1);
        uint64_t half = 1ull << (sh - 1);
        if (rem > half || (rem == half && (mant & 1)))
            mant++;
        if (mant >> (mbits + 1)) {
            mant >>= 1;
            p++;
        }
    }
    return ((uint64_t)(p + bias) << mbits) | (mant & ((1ull << mbits) - 1));
}

double __floatundidf(unsigned long long a)
{
    dbits b = { .u = a ? round_u64(a, 52, 1023) : 0 };
    return b.d;
}

double __floatdidf(long long a)
{
    uint64_t mag = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
    dbits b = { .u = mag ? round_u64(mag, 52, 1023) : 0 };
    if (a < 0)
        b.u |= 1ull << 63;
    return b.d;
}

float __floatundisf(unsigned long long a)
{
    fbits b = { .u = a ? (uint32_t)round_u64(a, 23, 127) : 0 };
    return b.f;
}

float __floatdisf(long long a)
{
    uint64_t mag = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
    fbits b = { .u = mag ? (uint32_t)round_u64(mag, 23, 127) : 0 };
    if (a < 0)
        b.u |= 1u << 31;
    return b.f;
}

/* ---------------------------------------------------------------- powi (libgcc2.c) */

double __powidf2(double x, int m)
{
    unsigned int n = m < 0 ? -(unsigned int)m : (unsigned int)m;
    double y = n % 2 ? x : 1;
    while (n >>= 1) {
        x = x * x;
        if (n % 2)
            y = y * x;
    }
    return m < 0 ? 1 / y : y;
}

float __powisf2(float x, int m)
{
    unsigned int n = m < 0 ? -(unsigned int)m : (unsigned int)m;
    float y = n % 2 ? x : 1;
    while (n >>= 1) {
        x = x * x;
        if (n % 2)
            y = y * x;
    }
    return m < 0 ? 1 / y : y;
}

/* ---------------------------------------------------------------- complex (libgcc2.c) */

#define isnan_(x) __builtin_isnan(x)
#define isinf_(x) __builtin_isinf(x)
#define isfinite_(x) __builtin_isfinite(x)

#define MUL_BODY(T, CT, COPYSIGN, FABS, INF)                                        \
    T ac = a * c, bd = b * d, ad = a * d, bc = b * c;                                \
    T x = ac - bd, y = ad + bc;                                                      \
    if (isnan_(x) && isnan_(y)) {                                                    \
        int recalc = 0;                                                              \
        if (isinf_(a) || isinf_(b)) {                                                \
            a = COPYSIGN(isinf_(a) ? 1 : 0, a);                                      \
            b = COPYSIGN(isinf_(b) ? 1 : 0, b);                                      \
            if (isnan_(c)) c = COPYSIGN(0, c);                                       \
            if (isnan_(d)) d = COPYSIGN(0, d);                                       \
            recalc = 1;                                                              \
        }                                                                            \
        if (isinf_(c) || isinf_(d)) {                                                \
            c = COPYSIGN(isinf_(c) ? 1 : 0, c);                                      \
            d = COPYSIGN(isinf_(d) ? 1 : 0, d);                                      \
            if (isnan_(a)) a = COPYSIGN(0, a);                                       \
            if (isnan_(b)) b = COPYSIGN(0, b);                                       \
            recalc = 1;                                                              \
        }                                                                            \
        if (!recalc && (isinf_(ac) || isinf_(bd) || isinf_(ad) || isinf_(bc))) {     \
            if (isnan_(a)) a = COPYSIGN(0, a);                                       \
            if (isnan_(b)) b = COPYSIGN(0, b);                                       \
            if (isnan_(c)) c = COPYSIGN(0, c);                                       \
            if (isnan_(d)) d = COPYSIGN(0, d);                                       \
            recalc = 1;                                                              \
        }                                                                            \
        if (recalc) {                                                                \
            x = INF * (a * c - b * d);                                               \
            y = INF * (a * d + b * c);                                               \
        }                                                                            \
    }                                                                                \
    CT res;                                                                          \
    __real__ res = x;                                                                \
    __imag__ res = y;                                                                \
    return res;

#define DIV_BODY(T, CT, COPYSIGN, FABS, INF)                                        \
    T denom, ratio, x, y;                                                            \
    if (FABS(c) < FABS(d)) {                                                         \
        ratio = c / d;                                                               \
        denom = (c * ratio) + d;                                                     \
        x = ((a * ratio) + b) / denom;                                               \
        y = ((b * ratio) - a) / denom;                                               \
    } else {                                                                         \
        ratio = d / c;                                                               \
        denom = (d * ratio) + c;                                                     \
        x = ((b * ratio) + a) / denom;                                               \
        y = (b - (a * ratio)) / denom;                                               \
    }                                                                                \
    if (isnan_(x) && isnan_(y)) {                                                    \
        if (c == 0.0 && d == 0.0 && (!isnan_(a) || !isnan_(b))) {                    \
            x = COPYSIGN(INF, c) * a;                                                \
            y = COPYSIGN(INF, c) * b;                                                \
        } else if ((isinf_(a) || isinf_(b)) && isfinite_(c) && isfinite_(d)) {       \
            a = COPYSIGN(isinf_(a) ? 1 : 0, a);                                      \
            b = COPYSIGN(isinf_(b) ? 1 : 0, b);                                      \
            x = INF * (a * c + b * d);                                               \
            y = INF * (b * c - a * d);                                               \
        } else if ((isinf_(c) || isinf_(d)) && isfinite_(a) && isfinite_(b)) {       \
            c = COPYSIGN(isinf_(c) ? 1 : 0, c);                                      \
            d = COPYSIGN(isinf_(d) ? 1 : 0, d);                                      \
            x = 0.0 * (a * c + b * d);                                               \
            y = 0.0 * (b * c - a * d);                                               \
        }                                                                            \
    }                                                                                \
    CT res;                                                                          \
    __real__ res = x;                                                                \
    __imag__ res = y;                                                                \
    return res;

_Complex double __muldc3(double a, double b, double c, double d)
{
    MUL_BODY(double, _Complex double, __builtin_copysign, __builtin_fabs, __builtin_inf())
}

_Complex float __mulsc3(float a, float b, float c, float d)
{
    MUL_BODY(float, _Complex float, __builtin_copysignf, __builtin_fabsf, __builtin_inff())
}

_Complex double __divdc3(double a, double b, double c, double d)
{
    DIV_BODY(double, _Complex double, __builtin_copysign, __builtin_fabs, __builtin_inf())
}

_Complex float __divsc3(float a, float b, float c, float d)
{
    DIV_BODY(float, _Complex float, __builtin_copysignf, __builtin_fabsf, __builtin_inff())
}
