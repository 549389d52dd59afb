/* Bitfields, packed structs, unions, structs passed and returned by value, varargs. */
#include "check.h"
#include <stdarg.h>
#include <string.h>

struct bits {
    unsigned a : 3;
    signed b : 5;
    unsigned c : 12;
    signed d : 12;
};

struct __attribute__((packed)) packed {
    char c;
    int i;
    short s;
    long long ll;
};

union pun {
    uint32_t w;
    uint16_t h[2];
    uint8_t b[4];
    float f;
};

struct small { char c; short s; };
struct pair { int a, b; };
struct big { int v[9]; long long ll; char tail[3]; };

static struct pair swap_pair(struct pair p) { struct pair r = { p.b, p.a }; return r; }
static struct small bump(struct small s) { s.c++; s.s--; return s; }

static struct big make_big(int seed)
{
    struct big b;
    for (int i = 0; i < 9; i++)
        b.v[i] = seed * i;
    b.ll = (long long)seed << 40;
    memcpy(b.tail, "xyz", 3);
    return b;
}

static long long sum_big(struct big b)
{
    long long s = b.ll;
    for (int i = 0; i < 9; i++)
        s += b.v[i];
    return s + b.tail[0] + b.tail[2];
}

static long long vsum(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    long long s = 0;
    for (int i = 0; i < n; i++) {
        int kind = va_arg(ap, int);
        switch (kind) {
        case 0: s += va_arg(ap, int); break;
        case 1: s += va_arg(ap, long long); break;
        case 2: s += (long long)(va_arg(ap, double) * 2); break;
        case 3: { struct pair p = va_arg(ap, struct pair); s += p.a * 10 + p.b; break; }
        case 4: s += (unsigned char)va_arg(ap, int); break;
        }
    }
    va_end(ap);
    return s;
}

static int vformat(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, 64, fmt, ap);
    va_end(ap);
    return n;
}

int main(void)
{
    struct bits bf;
    memset(&bf, 0, sizeof bf);
    bf.a = V(9u);          /* truncated to 3 bits: 1 */
    bf.b = V(-3);
    bf.c = V(0xfffu);
    bf.d = V(-2048);
    CHECK_EQ(bf.a, 1u);
    CHECK_EQ(bf.b, -3);
    CHECK_EQ(bf.c, 0xfffu);
    CHECK_EQ(bf.d, -2048);
    bf.b += V(20);         /* 17 wraps in 5 signed bits to -15 */
    CHECK_EQ(bf.b, -15);
    CHECK_EQ(bf.c, 0xfffu);
    CHECK_EQ(sizeof(struct bits), 4u);
    uint32_t raw;
    memcpy(&raw, &bf, 4);
    CHECK_EQ(raw, 1u | (17u << 3) | (0xfffu << 8) | (0x800u << 20));

    struct packed pk;
    CHECK_EQ(sizeof pk, 15u);
    pk.c = V(1);
    pk.i = V(0x12345678);
    pk.s = V(-2);
    pk.ll = V(0x1122334455667788ll);
    volatile struct packed *vp = &pk;
    CHECK_EQ(vp->i, 0x12345678);
    CHECK_EQ(vp->s, -2);
    CHECK_EQ(vp->ll, 0x1122334455667788ll);
    unsigned char bytes[15];
    memcpy(bytes, &pk, 15);
    CHECK_EQ(bytes[1], 0x78);
    CHECK_EQ(bytes[4], 0x12);
    CHECK_EQ(bytes[7], 0x88);
    CHECK_EQ(bytes[14], 0x11);

    union pun u;
    u.w = V(0x11223344u);
    CHECK_EQ(u.b[0], 0x44);     /* little endian */
    CHECK_EQ(u.h[1], 0x1122);
    u.f = V(1.0f);
    CHECK_EQ(u.w, 0x3f800000u);

    volatile struct pair vp12 = { 1, 2 };
    struct pair p = swap_pair(vp12);
    CHECK_EQ(p.a, 2);
    CHECK_EQ(p.b, 1);
    volatile struct small vsm = { 'a', 0 };
    struct small s = bump(vsm);
    CHECK_EQ(s.c, 'b');
    CHECK_EQ(s.s, -1);
    struct big b = make_big(V(3));
    CHECK_EQ(sum_big(b), (3ll << 40) + 3 * 36 + 'x' + 'z');

    CHECK_EQ(vsum(5, 0, V(-5), 1, V(1ll << 40), 2, V(1.25), 3, (struct pair){ V(4), V(2) }, 4, V(0x1ff)),
             -5 + (1ll << 40) + 2 + 42 + 0xff);
    char buf[64];
    int n = vformat(buf, "%d|%5s|%-4x|%llu|%c%%", -12, "ab", 0xbe, 1234567890123ull, 'q');
    CHECK_EQ(n, (int)strlen("-12|   ab|be  |1234567890123|q%"));
    CHECK(strcmp(buf, "-12|   ab|be  |1234567890123|q%") == 0);
    printf("vformat: %s\n", buf);
    DONE("structs");
}
