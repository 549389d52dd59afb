/* Loads and stores of every width, structs, arrays, strings, loops and switches. */
struct point { int x, y; short tag; signed char kind; long long big; };

volatile unsigned char bytes[64];
volatile unsigned short halves[32];
struct point pts[8];
long long longs[4];

void fill(struct point *p, int n) {
    for (int i = 0; i < n; i++) {
        p[i].x = i; p[i].y = -i; p[i].tag = (short)(i * 7); p[i].kind = (signed char)-i;
        p[i].big = (long long)i << 40;
    }
}
int sum_bytes(void) { int s = 0; for (int i = 0; i < 64; i++) s += bytes[i]; return s; }
int sum_halves(void) { int s = 0; for (int i = 0; i < 32; i++) s += (short)halves[i]; return s; }
void copy(struct point *d, const struct point *s) { *d = *s; }
unsigned long strlen2(const char *s) { const char *p = s; while (*p) p++; return p - s; }
/* Struct copies call memcpy; a freestanding program provides it. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memcpy(void *d, const void *s, unsigned long n) {
    char *dd = d; const char *ss = s;
    while (n--) *dd++ = *ss++;
    return d;
}
int dispatch(int op, int a, int b) {
    switch (op) {
    case 0: return a + b; case 1: return a - b; case 2: return a * b; case 3: return a & b;
    case 4: return a | b; case 5: return a ^ b; case 6: return a << b; case 7: return a >> b;
    case 8: return a / (b | 1); default: return -1;
    }
}
long long load64(int i) { return longs[i & 3]; }
void store64(int i, long long v) { longs[i & 3] = v; }
int nested(int n) { int t = 0; for (int i = 0; i < n; i++) for (int j = i; j < n; j++) t += i ^ j; return t; }
