/* 32-bit integer arithmetic edge cases. */
#include "check.h"
#include <limits.h>

static int32_t sdiv(int32_t a, int32_t b) { return a / b; }
static int32_t smod(int32_t a, int32_t b) { return a % b; }
static uint32_t udiv(uint32_t a, uint32_t b) { return a / b; }
static uint32_t umod(uint32_t a, uint32_t b) { return a % b; }

int main(void)
{
    /* wrapping unsigned arithmetic */
    CHECK_EQ(V(0xffffffffu) + V(1u), 0u);
    CHECK_EQ(V(0u) - V(1u), 0xffffffffu);
    CHECK_EQ(V(0x80000000u) * V(2u), 0u);
    CHECK_EQ(V(0x10001u) * V(0x10001u), 0x00020001u);
    /* signed multiply, negative operands */
    CHECK_EQ(V(-7) * V(6), -42);
    CHECK_EQ((uint32_t)V(-46341) * (uint32_t)V(46341), 0x7fffede7u);
    CHECK_EQ(V(INT_MIN) / V(1), INT_MIN);
    /* division truncates toward zero, remainder has the dividend's sign */
    CHECK_EQ(sdiv(V(7), V(2)), 3);
    CHECK_EQ(sdiv(V(-7), V(2)), -3);
    CHECK_EQ(sdiv(V(7), V(-2)), -3);
    CHECK_EQ(sdiv(V(-7), V(-2)), 3);
    CHECK_EQ(smod(V(7), V(2)), 1);
    CHECK_EQ(smod(V(-7), V(2)), -1);
    CHECK_EQ(smod(V(7), V(-2)), 1);
    CHECK_EQ(smod(V(-7), V(-2)), -1);
    CHECK_EQ(sdiv(V(INT_MIN), V(2)), -1073741824);
    CHECK_EQ(sdiv(V(INT_MAX), V(-1)), -INT_MAX);
    CHECK_EQ(udiv(V(0xffffffffu), V(3u)), 0x55555555u);
    CHECK_EQ(umod(V(0xffffffffu), V(10u)), 5u);
    CHECK_EQ(udiv(V(0x80000000u), V(0xffffffffu)), 0u);
    CHECK_EQ(umod(V(0x80000000u), V(0xffffffffu)), 0x80000000u);
    /* division by constants (GCC uses multiply-high sequences) */
    for (int32_t i = -1000; i <= 1000; i += 7) {
        int32_t x = V(i) * 12345;
        CHECK_EQ(x / 10, sdiv(x, 10));
        CHECK_EQ(x % 7, smod(x, 7));
        CHECK_EQ((uint32_t)x / 3u, udiv((uint32_t)x, 3u));
        CHECK_EQ((uint32_t)x % 1000u, umod((uint32_t)x, 1000u));
    }
    /* shifts */
    for (int s = 0; s < 32; s++) {
        uint32_t one = V(1u);
        CHECK_EQ(one << V(s), 1ull << s);
        CHECK_EQ(V(0x80000000u) >> V(s), 0x80000000ull >> s);
        CHECK_EQ((uint32_t)(V(INT_MIN) >> V(s)), (uint32_t)(int32_t)(INT_MIN / (1ll << s) - 0));
    }
    CHECK_EQ(V(-1) >> 31, -1);
    CHECK_EQ(V(-17) >> 2, -5);
    /* rotates the compiler recognises */
    {
        uint32_t x = V(0x12345678u);
        unsigned r = V(8u);
        CHECK_EQ((x >> r) | (x << (32 - r)), 0x78123456u);
        CHECK_EQ((x << 4) | (x >> 28), 0x23456781u);
    }
    /* comparisons signed vs unsigned */
    CHECK(V(-1) < V(1));
    CHECK(V(0xffffffffu) > V(1u));
    CHECK(V(INT_MIN) < V(INT_MAX));
    CHECK((uint32_t)V(INT_MIN) > (uint32_t)V(INT_MAX));
    /* min/max/abs idioms */
    {
        int a = V(-5), b = V(3);
        CHECK_EQ(a < b ? a : b, -5);
        CHECK_EQ(a > b ? a : b, 3);
        CHECK_EQ(abs(a), 5);
        CHECK_EQ(a < 0 ? -a : a, 5);
    }
    /* sign/zero extension of narrow types */
    {
        volatile signed char sc = -128;
        volatile unsigned char uc = 200;
        volatile short ss = -32768;
        volatile unsigned short us = 65535;
        CHECK_EQ((int)sc, -128);
        CHECK_EQ((int)uc, 200);
        CHECK_EQ((int)ss, -32768);
        CHECK_EQ((int)us, 65535);
        CHECK_EQ((signed char)V(0x1ff), -1);
        CHECK_EQ((unsigned short)V(-1), 65535);
    }
    /* builtins: clz/ctz/popcount/bswap/clrsb */
    CHECK_EQ(__builtin_clz(V(1u)), 31);
    CHECK_EQ(__builtin_clz(V(0x80000000u)), 0);
    CHECK_EQ(__builtin_clz(V(0x00010000u)), 15);
    CHECK_EQ(__builtin_ctz(V(0x80000000u)), 31);
    CHECK_EQ(__builtin_ctz(V(0x00000100u)), 8);
    CHECK_EQ(__builtin_popcount(V(0xf0f0f0f1u)), 17);
    CHECK_EQ(__builtin_bswap32(V(0x11223344u)), 0x44332211u);
    CHECK_EQ(__builtin_bswap16(V((uint16_t)0x1122)), 0x2211);
    CHECK_EQ(__builtin_clrsb(V(0)), 31);
    CHECK_EQ(__builtin_clrsb(V(-1)), 31);
    CHECK_EQ(__builtin_clrsb(V(1)), 30);
    CHECK_EQ(__builtin_ffs(V(0)), 0);
    CHECK_EQ(__builtin_ffs(V(0x50)), 5);
    /* overflow builtins */
    {
        int r;
        CHECK(__builtin_add_overflow(V(INT_MAX), V(1), &r));
        CHECK(!__builtin_add_overflow(V(INT_MAX), V(-1), &r) && r == INT_MAX - 1);
        CHECK(__builtin_sub_overflow(V(INT_MIN), V(1), &r));
        CHECK(__builtin_mul_overflow(V(65536), V(65536), &r));
        CHECK(!__builtin_mul_overflow(V(-65536), V(32768), &r) && r == INT_MIN);
        unsigned u;
        CHECK(__builtin_add_overflow(V(0xffffffffu), V(1u), &u) && u == 0);
        CHECK(__builtin_sub_overflow(V(0u), V(1u), &u));
        CHECK(__builtin_umul_overflow(V(0x10000u), V(0x10000u), &u));
    }
    DONE("arith");
}
