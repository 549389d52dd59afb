/* 64-bit arithmetic: libgcc's division helpers, multiply, shifts by every amount,
 * comparisons and conversions to and from double (our FPU-free helpers). */
#include "check.h"
#include <limits.h>

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* bit-by-bit reference division, independent of libgcc */
static uint64_t ref_udiv(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ull << i;
        }
    }
    *rem = r;
    return q;
}

int main(void)
{
    CHECK_EQ(V(0xffffffffull) + V(1ull), 0x100000000ull);
    CHECK_EQ(V(0x100000000ull) - V(1ull), 0xffffffffull);
    CHECK_EQ(V(0xffffffffull) * V(0xffffffffull), 0xfffffffe00000001ull);
    CHECK_EQ(V(-3ll) * V(5ll), -15ll);
    CHECK_EQ((int64_t)V(-2) * (int64_t)V(3), -6ll);                 /* widening */
    CHECK_EQ((uint64_t)V(0x80000000u) * (uint64_t)V(0x80000000u), 0x4000000000000000ull);
    CHECK_EQ((int64_t)V(INT_MIN) * (int64_t)V(INT_MIN), 0x4000000000000000ll);
    CHECK_EQ(V(LLONG_MIN) / V(2ll), -4611686018427387904ll);
    CHECK_EQ(V(-7ll) / V(2ll), -3ll);
    CHECK_EQ(V(-7ll) % V(2ll), -1ll);
    CHECK_EQ(V(7ll) % V(-2ll), 1ll);
    CHECK_EQ(V(0xffffffffffffffffull) / V(3ull), 0x5555555555555555ull);
    CHECK_EQ(V(0xffffffffffffffffull) % V(10ull), 5ull);
    CHECK_EQ(V(1000000000000ull) / V(1000000ull), 1000000ull);

    uint64_t x = 0x0123456789abcdefull;
    for (int i = 0; i < 200; i++) {
        x = mix(x + i);
        uint64_t d = mix(x ^ 0x5555) >> (i % 64);
        if (d == 0)
            d = 1;
        uint64_t r, q = ref_udiv(x, d, &r);
        CHECK_EQ(V(x) / V(d), q);
        CHECK_EQ(V(x) % V(d), r);
        int64_t sx = (int64_t)x, sd = (int64_t)d;
        if (!(sx == LLONG_MIN && sd == -1)) {
            int64_t sq = V(sx) / V(sd), sr = V(sx) % V(sd);
            CHECK_EQ(sq * sd + sr, sx);
            CHECK((sr == 0) || ((sr < 0) == (sx < 0)));
            CHECK((sr < 0 ? -sr : sr) < (sd < 0 ? -(uint64_t)sd : (uint64_t)sd));
        }
    }

    for (int s = 0; s < 64; s++) {
        uint64_t one = V(1ull);
        uint64_t v = one << V(s);
        CHECK_EQ(v >> V(s), 1ull);
        CHECK_EQ(__builtin_ctzll(v), s);
        CHECK_EQ(__builtin_clzll(v), 63 - s);
        int64_t m = V(LLONG_MIN) >> V(s);
        CHECK_EQ(__builtin_clrsbll(m), s);
        CHECK_EQ(V(0xffffffffffffffffull) << V(s) >> V(s), 0xffffffffffffffffull >> s);
    }
    CHECK_EQ(__builtin_popcountll(V(0xf0f0f0f0f0f0f0f1ull)), 33);
    CHECK_EQ(__builtin_bswap64(V(0x1122334455667788ull)), 0x8877665544332211ull);

    CHECK(V(-1ll) < V(0ll));
    CHECK(V(0xffffffffffffffffull) > V(0ull));
    CHECK(V(0x100000000ll) > V(0xffffffffll));
    CHECK(V(-0x100000000ll) < V(-0xffffffffll));

    /* 64-bit <-> double */
    CHECK_EQ((int64_t)V(1e15), 1000000000000000ll);
    CHECK_EQ((int64_t)V(-123456789012.75), -123456789012ll);
    CHECK_EQ((uint64_t)V(18446744073709549568.0), 18446744073709549568ull);
    CHECK_EQ((uint64_t)V(4294967296.5), 4294967296ull);
    CHECK((double)V(1ll << 53) == 9007199254740992.0);
    CHECK((double)V((1ll << 53) + 1) == 9007199254740992.0);      /* ties to even */
    CHECK((double)V((1ll << 53) + 3) == 9007199254740996.0);
    CHECK((double)V(-(1ll << 60)) == -1152921504606846976.0);
    CHECK((double)V(0xffffffffffffffffull) == 18446744073709551616.0);
    CHECK((float)V(0xffffffull) == 16777215.0f);
    CHECK((float)V(0x1000001ull) == 16777216.0f);
    CHECK((float)V(-0x1000003ll) == -16777220.0f);
    CHECK_EQ((int64_t)V(-2.5f), -2ll);
    CHECK_EQ((uint64_t)V(3.0e9f), 3000000000ull);
    CHECK_EQ((uint32_t)V(4.0e9f), 4000000000u);
    CHECK_EQ((uint32_t)V(3.99f), 3u);
    DONE("int64");
}
