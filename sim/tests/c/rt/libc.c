/* A tiny libc for bare-metal test programs on arcsim.
 *
 * Console: ns16550 at 0xF000_0000, reg-shift 2 (THR at +0, LSR at +0x14, THRE = bit 5).
 * Exit: _exit() in crt0.S (semihosting: r8 = 1, r0 = status, swi).
 * Heap: bump allocator between __heap_start and __heap_end (link.ld); free() is a no-op.
 *
 * Built with -fno-builtin -fno-tree-loop-distribute-patterns so that the compiler does not
 * turn these loops back into calls to themselves. Uses the glibc headers of the cross
 * toolchain for declarations only. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void _exit(int) __attribute__((noreturn));

/* ------------------------------------------------------------------ console */

#define UART_BASE 0xF0000000u
#define UART_THR (*(volatile uint32_t *)(UART_BASE + 0x00))
#define UART_LSR (*(volatile uint32_t *)(UART_BASE + 0x14))

static void uart_putc(char c)
{
    while (!(UART_LSR & 0x20))
        ;
    UART_THR = (unsigned char)c;
}

static void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        uart_putc(s[i]);
}

/* FILE is opaque here: every stream goes to the UART, stdin reads EOF. */
FILE *stdin = (FILE *)0x10;
FILE *stdout = (FILE *)0x11;
FILE *stderr = (FILE *)0x12;

int putchar(int c) { uart_putc((char)c); return (unsigned char)c; }
int fputc(int c, FILE *f) { (void)f; return putchar(c); }
int putc(int c, FILE *f) { (void)f; return putchar(c); }
int _IO_putc(int c, FILE *f) { (void)f; return putchar(c); }
int puts(const char *s) { uart_write(s, strlen(s)); uart_putc('\n'); return 1; }
int fputs(const char *s, FILE *f) { (void)f; uart_write(s, strlen(s)); return 1; }
int fflush(FILE *f) { (void)f; return 0; }
size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    (void)f;
    uart_write(p, size * n);
    return n;
}
int getchar(void) { return EOF; }
int fgetc(FILE *f) { (void)f; return EOF; }
int getc(FILE *f) { (void)f; return EOF; }

/* ------------------------------------------------------------------ errno, exit */

static int errno_value;
int *__errno_location(void) { return &errno_value; }

#define MAX_ATEXIT 32
static void (*atexit_fns[MAX_ATEXIT])(void);
static int atexit_count;

int atexit(void (*fn)(void))
{
    if (atexit_count >= MAX_ATEXIT)
        return -1;
    atexit_fns[atexit_count++] = fn;
    return 0;
}

extern void (*__init_array_start[])(void) __attribute__((weak));
extern void (*__init_array_end[])(void) __attribute__((weak));
extern void (*__fini_array_start[])(void) __attribute__((weak));
extern void (*__fini_array_end[])(void) __attribute__((weak));

void __rt_init(void)
{
    size_t n = __init_array_end - __init_array_start;
    for (size_t i = 0; i < n; i++)
        __init_array_start[i]();
}

void exit(int status)
{
    while (atexit_count > 0)
        atexit_fns[--atexit_count]();
    size_t n = __fini_array_end - __fini_array_start;
    while (n > 0)
        __fini_array_start[--n]();
    _exit(status);
}

void abort(void)
{
    static const char msg[] = "\nABORT\n";
    uart_write(msg, sizeof msg - 1);
    _exit(134);
}

void __assert_fail(const char *expr, const char *file, unsigned line, const char *fn)
{
    printf("\nASSERT %s:%u: %s: %s\n", file, line, fn ? fn : "?", expr);
    _exit(134);
}

void __stack_chk_fail(void) { puts("\nSTACK SMASHED"); _exit(134); }

/* Called by crt0's exception entry with the exception registers. */
/* Deliberately simple (no printf, no libgcc): it must work even when the exception came
 * from an instruction that printf's helpers use. */
static void put_hex32(const char *label, unsigned v)
{
    uart_write(label, strlen(label));
    for (int i = 28; i >= 0; i -= 4)
        uart_putc("0123456789abcdef"[(v >> i) & 15]);
}

void __rt_exception(unsigned ecr, unsigned eret, unsigned efa, unsigned sp)
{
    put_hex32("\nEXCEPTION ecr=0x", ecr);
    put_hex32(" eret=0x", eret);
    put_hex32(" efa=0x", efa);
    put_hex32(" sp=0x", sp);
    uart_putc('\n');
    _exit(128 + ((ecr >> 16) & 0x7f));
}

/* No caches in the simulator; libgcc's version would make a Linux system call. */
void __clear_cache(void *beg, void *end) { (void)beg; (void)end; }

/* ------------------------------------------------------------------ memory */

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
        while (n >= 4) {
            *(uint32_t *)d = *(const uint32_t *)s;
            d += 4; s += 4; n -= 4;
        }
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n) {
        while (n--)
            *d++ = *s++;
    } else {
        d += n; s += n;
        while (n--)
            *--d = *--s;
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n && ((uintptr_t)d & 3)) { *d++ = (unsigned char)c; n--; }
    uint32_t w = (unsigned char)c * 0x01010101u;
    while (n >= 4) { *(uint32_t *)d = w; d += 4; n -= 4; }
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (size_t i = 0; i < n; i++)
        if (p[i] != q[i])
            return p[i] < q[i] ? -1 : 1;
    return 0;
}

int bcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++)
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    return NULL;
}

void *mempcpy(void *dst, const void *src, size_t n) { return (char *)memcpy(dst, src, n) + n; }

void bzero(void *s, size_t n) { memset(s, 0, n); }

/* ------------------------------------------------------------------ strings */

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) { a++; b++; }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strcpy(char *restrict d, const char *restrict s)
{
    char *r = d;
    while ((*d++ = *s++))
        ;
    return r;
}

char *stpcpy(char *restrict d, const char *restrict s)
{
    while ((*d = *s++))
        d++;
    return d;
}

char *strncpy(char *restrict d, const char *restrict s, size_t n)
{
    size_t i = 0;
    for (; i < n && s[i]; i++)
        d[i] = s[i];
    for (; i < n; i++)
        d[i] = 0;
    return d;
}

char *strcat(char *restrict d, const char *restrict s)
{
    strcpy(d + strlen(d), s);
    return d;
}

char *strncat(char *restrict d, const char *restrict s, size_t n)
{
    char *p = d + strlen(d);
    while (n-- && *s)
        *p++ = *s++;
    *p = 0;
    return d;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *r = NULL;
    for (;; s++) {
        if (*s == (char)c)
            r = s;
        if (!*s)
            return (char *)r;
    }
}

char *strstr(const char *h, const char *n)
{
    size_t ln = strlen(n);
    if (!ln)
        return (char *)h;
    for (; *h; h++)
        if (*h == *n && !strncmp(h, n, ln))
            return (char *)h;
    return NULL;
}

size_t strspn(const char *s, const char *acc)
{
    size_t n = 0;
    while (s[n] && strchr(acc, s[n]))
        n++;
    return n;
}

size_t strcspn(const char *s, const char *rej)
{
    size_t n = 0;
    while (s[n] && !strchr(rej, s[n]))
        n++;
    return n;
}

char *strpbrk(const char *s, const char *acc)
{
    s += strcspn(s, acc);
    return *s ? (char *)s : NULL;
}

char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* ------------------------------------------------------------------ ctype (glibc ABI) */

static unsigned short ctype_b[384];
static int32_t ctype_lower[384], ctype_upper[384];
static const unsigned short *ctype_b_ptr;
static const int32_t *ctype_lower_ptr, *ctype_upper_ptr;

static void ctype_init(void)
{
    for (int i = -128; i < 256; i++) {
        int c = i & 0xff;
        unsigned short m = 0;
        int upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
        int digit = c >= '0' && c <= '9';
        int space = c == ' ' || (c >= '\t' && c <= '\r');
        int print = c >= 0x20 && c < 0x7f;
        if (i < 0 || c >= 0x80) { upper = lower = digit = space = print = 0; }
        if (upper) m |= _ISupper;
        if (lower) m |= _ISlower;
        if (upper || lower) m |= _ISalpha | _ISalnum;
        if (digit) m |= _ISdigit | _ISxdigit | _ISalnum;
        if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) m |= (i >= 0) ? _ISxdigit : 0;
        if (space) m |= _ISspace;
        if (print) m |= _ISprint;
        if (print && c != ' ') m |= _ISgraph;
        if (print && c != ' ' && !upper && !lower && !digit) m |= _ISpunct;
        if ((c < 0x20 || c == 0x7f) && i >= 0) m |= _IScntrl;
        if ((c == ' ' || c == '\t') && i >= 0) m |= _ISblank;
        ctype_b[i + 128] = m;
        ctype_lower[i + 128] = (i >= 0 && upper) ? c + 32 : i;
        ctype_upper[i + 128] = (i >= 0 && lower) ? c - 32 : i;
    }
    ctype_b_ptr = ctype_b + 128;
    ctype_lower_ptr = ctype_lower + 128;
    ctype_upper_ptr = ctype_upper + 128;
}

const unsigned short **__ctype_b_loc(void)
{
    if (!ctype_b_ptr)
        ctype_init();
    return &ctype_b_ptr;
}
const int32_t **__ctype_tolower_loc(void)
{
    if (!ctype_b_ptr)
        ctype_init();
    return &ctype_lower_ptr;
}
const int32_t **__ctype_toupper_loc(void)
{
    if (!ctype_b_ptr)
        ctype_init();
    return &ctype_upper_ptr;
}

#undef isdigit
#undef isspace
#undef isalpha
#undef isupper
#undef islower
#undef isalnum
#undef isxdigit
#undef isprint
#undef tolower
#undef toupper
int isdigit(int c) { return c >= '0' && c <= '9'; }
int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
int isupper(int c) { return c >= 'A' && c <= 'Z'; }
int islower(int c) { return c >= 'a' && c <= 'z'; }
int isalpha(int c) { return isupper(c) || islower(c); }
int isalnum(int c) { return isalpha(c) || isdigit(c); }
int isxdigit(int c) { return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int isprint(int c) { return c >= 0x20 && c < 0x7f; }
int tolower(int c) { return isupper(c) ? c + 32 : c; }
int toupper(int c) { return islower(c) ? c - 32 : c; }

/* ------------------------------------------------------------------ numbers */

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

unsigned long long strtoull(const char *s, char **end, int base)
{
    const char *p = s;
    int neg = 0;
    unsigned long long v = 0;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == '0' ? 8 : 10;
    }
    const char *digits = p;
    for (;; p++) {
        int d;
        if (*p >= '0' && *p <= '9') d = *p - '0';
        else if (*p >= 'a' && *p <= 'z') d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'Z') d = *p - 'A' + 10;
        else break;
        if (d >= base)
            break;
        v = v * base + d;
    }
    if (end)
        *end = (char *)(p == digits ? s : p);
    return neg ? -v : v;
}

long long strtoll(const char *s, char **end, int base) { return (long long)strtoull(s, end, base); }
unsigned long strtoul(const char *s, char **end, int base) { return (unsigned long)strtoull(s, end, base); }
long strtol(const char *s, char **end, int base) { return (long)strtoull(s, end, base); }
int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }

static void swap_bytes(char *a, char *b, size_t n)
{
    while (n--) { char t = *a; *a++ = *b; *b++ = t; }
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    /* insertion sort: stable, small, good enough for tests */
    char *b = base;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp(b + (j - 1) * size, b + j * size) > 0; j--)
            swap_bytes(b + (j - 1) * size, b + j * size, size);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    const char *b = base;
    while (n > 0) {
        const char *mid = b + (n / 2) * size;
        int c = cmp(key, mid);
        if (c == 0)
            return (void *)mid;
        if (c > 0) { b = mid + size; n = n - n / 2 - 1; }
        else n /= 2;
    }
    return NULL;
}

/* ------------------------------------------------------------------ heap */

extern char __heap_start[], __heap_end[];
static char *heap_ptr;

struct block { size_t size; size_t pad; };

void *malloc(size_t n)
{
    if (!heap_ptr)
        heap_ptr = __heap_start;
    size_t need = (n + sizeof(struct block) + 15) & ~(size_t)15;
    if (n > (size_t)(__heap_end - heap_ptr) || need > (size_t)(__heap_end - heap_ptr)) {
        errno_value = ENOMEM;
        return NULL;
    }
    struct block *b = (struct block *)heap_ptr;
    b->size = n;
    heap_ptr += need;
    return b + 1;
}

void free(void *p) { (void)p; }

void *calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        return NULL;
    void *p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    struct block *b = (struct block *)p - 1;
    void *q = malloc(n);
    if (q)
        memcpy(q, p, b->size < n ? b->size : n);
    return q;
}

void *aligned_alloc(size_t align, size_t n)
{
    if (n > (size_t)-1 - align) {
        errno_value = ENOMEM;
        return NULL;
    }
    char *p = malloc(n + align);
    if (!p)
        return NULL;
    return (void *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p = aligned_alloc(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

/* ------------------------------------------------------------------ printf-lite */

struct sink {
    char *buf;      /* NULL: UART */
    size_t cap;     /* bytes that may be stored, excluding the NUL */
    size_t len;     /* bytes produced so far */
};

static void sink_put(struct sink *s, char c)
{
    if (!s->buf)
        uart_putc(c);
    else if (s->len < s->cap)
        s->buf[s->len] = c;
    s->len++;
}

static void sink_pad(struct sink *s, char c, int n)
{
    while (n-- > 0)
        sink_put(s, c);
}

/* Emits digits[] (most significant first) with sign/prefix, width and precision. */
static void emit_number(struct sink *s, const char *prefix, const char *digits, int ndig,
                        int width, int prec, int left, int zero)
{
    int plen = (int)strlen(prefix);
    int zeros = prec > ndig ? prec - ndig : 0;
    int total = plen + zeros + ndig;
    if (!left && !(zero && prec < 0))
        sink_pad(s, ' ', width - total);
    for (int i = 0; i < plen; i++)
        sink_put(s, prefix[i]);
    if (!left && zero && prec < 0)
        sink_pad(s, '0', width - total);
    sink_pad(s, '0', zeros);
    for (int i = 0; i < ndig; i++)
        sink_put(s, digits[i]);
    if (left)
        sink_pad(s, ' ', width - total);
}

static int utoa_rev(unsigned long long v, unsigned base, int upper, char *out)
{
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        out[n++] = dig[v % base];
        v /= base;
    } while (v);
    return n;
}

static void emit_unsigned(struct sink *s, unsigned long long v, unsigned base, int upper, const char *prefix,
                          int width, int prec, int left, int zero)
{
    char rev[70], fwd[70];
    int n = (v == 0 && prec == 0) ? 0 : utoa_rev(v, base, upper, rev);
    for (int i = 0; i < n; i++)
        fwd[i] = rev[n - 1 - i];
    emit_number(s, prefix, fwd, n, width, prec, left, zero);
}

/* %f / %e / %g with plain double arithmetic: good to ~15 digits, not exactly rounded. */
static void emit_double(struct sink *s, double v, char conv, int width, int prec, int left, int zero,
                        const char *signch)
{
    char buf[400];
    int n = 0;
    const char *prefix = signch;
    if (v != v) {
        emit_number(s, "", "nan", 3, width, -1, left, 0);
        return;
    }
    if (v < 0) { v = -v; prefix = "-"; }
    if (v > 1.7976931348623157e308) {
        emit_number(s, prefix, "inf", 3, width, -1, left, 0);
        return;
    }
    if (prec < 0)
        prec = 6;
    int exp10 = 0;
    char c = conv | 0x20;
    int strip = 0; /* %g: drop trailing zeros of the fraction */
    if (c == 'g') {
        strip = 1;
        double t = v;
        while (t >= 10.0) { t /= 10.0; exp10++; }
        while (t > 0 && t < 1.0) { t *= 10.0; exp10--; }
        if (prec == 0) prec = 1;
        c = (exp10 < -4 || exp10 >= prec) ? 'e' : 'f';
        prec = c == 'e' ? prec - 1 : prec - 1 - exp10;
    }
    exp10 = 0;
    if (c == 'e' && v != 0) {
        while (v >= 10.0) { v /= 10.0; exp10++; }
        while (v < 1.0) { v *= 10.0; exp10--; }
    }
    double r = 0.5;
    for (int i = 0; i < prec; i++)
        r /= 10.0;
    v += r;
    if (c == 'e' && v >= 10.0) { v /= 10.0; exp10++; }
    /* integer part */
    double ip = 1.0;
    int ndig = 1;
    while (ip * 10.0 <= v) { ip *= 10.0; ndig++; }
    for (int i = 0; i < ndig && n < 330; i++) {
        int d = (int)(v / ip);
        if (d > 9) d = 9;
        buf[n++] = (char)('0' + d);
        v -= d * ip;
        ip /= 10.0;
    }
    if (prec > 0) {
        buf[n++] = '.';
        for (int i = 0; i < prec && n < 380; i++) {
            v *= 10.0;
            int d = (int)v;
            if (d > 9) d = 9;
            buf[n++] = (char)('0' + d);
            v -= d;
        }
    }
    if (strip && prec > 0) {
        while (n > 0 && buf[n - 1] == '0')
            n--;
        if (n > 0 && buf[n - 1] == '.')
            n--;
    }
    if (c == 'e') {
        buf[n++] = conv >= 'a' ? 'e' : 'E';
        buf[n++] = exp10 < 0 ? '-' : '+';
        int e = exp10 < 0 ? -exp10 : exp10;
        if (e >= 100) buf[n++] = (char)('0' + e / 100);
        buf[n++] = (char)('0' + (e / 10) % 10);
        buf[n++] = (char)('0' + e % 10);
    }
    emit_number(s, prefix, buf, n, width, -1, left, zero);
}

static int format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            sink_put(s, *fmt);
            continue;
        }
        fmt++;
        int left = 0, zero = 0, plus = 0, space = 0, alt = 0;
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '0') zero = 1;
            else if (*fmt == '+') plus = 1;
            else if (*fmt == ' ') space = 1;
            else if (*fmt == '#') alt = 1;
            else break;
        }
        int width = 0, prec = -1;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) { left = 1; width = -width; }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        int lng = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
        for (;; fmt++) {
            if (*fmt == 'l') lng = lng == 1 ? 2 : 1;
            else if (*fmt == 'h') lng = lng == -1 ? -2 : -1;
            else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') lng = *fmt == 'j' ? 2 : 1;
            else if (*fmt == 'L' || *fmt == 'q') lng = 2;
            else break;
        }
        char conv = *fmt;
        if (!conv)
            break;
        switch (conv) {
        case 'd':
        case 'i': {
            long long v = lng == 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            if (lng == -1) v = (short)v;
            if (lng == -2) v = (signed char)v;
            unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
            emit_unsigned(s, u, 10, 0, v < 0 ? "-" : plus ? "+" : space ? " " : "", width, prec, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long long v = lng == 2 ? va_arg(ap, unsigned long long)
                                 : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            if (lng == -1) v = (unsigned short)v;
            if (lng == -2) v = (unsigned char)v;
            unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            const char *prefix = "";
            if (alt && v && base == 16) prefix = conv == 'X' ? "0X" : "0x";
            if (alt && base == 8) prefix = "0";
            emit_unsigned(s, v, base, conv == 'X', prefix, width, prec, left, zero);
            break;
        }
        case 'p':
            emit_unsigned(s, (uintptr_t)va_arg(ap, void *), 16, 0, "0x", width, prec, left, zero);
            break;
        case 'c': {
            char ch = (char)va_arg(ap, int);
            emit_number(s, "", &ch, 1, width, -1, left, 0);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str) str = "(null)";
            int n = (int)(prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str));
            emit_number(s, "", str, n, width, -1, left, 0);
            break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
            double v = va_arg(ap, double); /* long double == double on ARC */
            emit_double(s, v, conv, width, prec, left, zero, plus ? "+" : space ? " " : "");
            break;
        }
        case 'n':
            *va_arg(ap, int *) = (int)s->len;
            break;
        case '%':
            sink_put(s, '%');
            break;
        default:
            sink_put(s, '%');
            sink_put(s, conv);
            break;
        }
    }
    return (int)s->len;
}

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    struct sink s = { buf, cap ? cap - 1 : 0, 0 };
    int n = format(&s, fmt, ap);
    if (cap)
        buf[s.len < s.cap ? s.len : s.cap] = 0;
    return n;
}

int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

int vsprintf(char *buf, const char *fmt, va_list ap) { return vsnprintf(buf, (size_t)INT_MAX, fmt, ap); }

int sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    struct sink s = { NULL, 0, 0 };
    return format(&s, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vfprintf(FILE *f, const char *fmt, va_list ap) { (void)f; return vprintf(fmt, ap); }

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}
