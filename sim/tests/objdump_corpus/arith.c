/* Integer arithmetic, shifts, 64-bit math, division and bit tricks. */
typedef unsigned long long u64;
typedef long long i64;

int add3(int a, int b, int c) { return a + b * 3 - (c << 2); }
unsigned udiv(unsigned a, unsigned b) { return a / b + a % b; }
int sdiv(int a, int b) { return a / b - a % b; }
i64 mul64(i64 a, i64 b) { return a * b; }
u64 shl64(u64 a, int n) { return (a << n) | (a >> (64 - n)); }
i64 div64(i64 a, i64 b) { return a / b; }
int clz(unsigned x) { return __builtin_clz(x) + __builtin_ctz(x) + __builtin_popcount(x); }
unsigned bswap(unsigned x) { return __builtin_bswap32(x); }
int minmax(int a, int b) { return (a < b ? a : b) * (a > b ? a : b); }
int absdiff(int a, int b) { int d = a - b; return d < 0 ? -d : d; }
unsigned char narrow(unsigned x) { return (unsigned char)(x >> 3); }
short sext(int x) { return (short)x; }
int bits(unsigned x) { return ((x >> 5) & 0x1f) | ((x & 0x400) ? 1 : 0); }
unsigned rotl(unsigned x, int n) { return (x << n) | (x >> (32 - n)); }
int cmp_chain(int a, int b, int c) { return (a == b) + (b != c) * 2 + (a < c) * 4 + ((unsigned)a >= (unsigned)c) * 8; }
int big_const(int a) { return a * 123456789 + 0x7fff1234; }
u64 mac(const unsigned *a, const unsigned *b, int n) {
    u64 s = 0;
    for (int i = 0; i < n; i++) s += (u64)a[i] * b[i];
    return s;
}
