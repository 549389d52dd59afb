/* The libc shim's string and memory functions, and printf to the UART. */
#include "check.h"
#include <string.h>

static char big[300];

int main(void)
{
    char buf[64];
    const char *hello = V("hello, world");
    CHECK_EQ(strlen(hello), 12u);
    CHECK_EQ(strlen(V("")), 0u);
    CHECK(strcmp(hello, "hello, world") == 0);
    CHECK(strcmp(V("abc"), "abd") < 0);
    CHECK(strcmp(V("abd"), "abc") > 0);
    CHECK(strcmp(V("ab"), "abc") < 0);
    CHECK(strcmp(V("\xff"), "a") > 0);          /* compares as unsigned char */
    CHECK(strncmp(V("abcdef"), "abcxyz", 3) == 0);
    CHECK(strncmp(V("abcdef"), "abcxyz", 4) < 0);
    strcpy(buf, hello);
    CHECK(strcmp(buf, hello) == 0);
    CHECK(strchr(buf, 'w') == buf + 7);
    CHECK(strrchr(buf, 'o') == buf + 8);
    CHECK(strstr(buf, "world") == buf + 7);
    CHECK(strchr(buf, 'z') == 0);

    for (unsigned off = 0; off < 4; off++)
        for (unsigned len = 0; len < 40; len += 3) {
            memset(big, 0x5a, sizeof big);
            memset(big + 10 + off, off + 1, len);
            CHECK_EQ(big[9 + off], 0x5a);
            CHECK_EQ(big[10 + off + len], 0x5a);
            if (len)
                CHECK_EQ(big[10 + off + len - 1], off + 1);
        }
    for (unsigned i = 0; i < 100; i++)
        big[i] = (char)i;
    memmove(big + 3, big, 50);                 /* overlapping forward */
    CHECK_EQ(big[3], 0);
    CHECK_EQ(big[52], 49);
    memmove(big, big + 7, 50);                 /* overlapping backward */
    CHECK_EQ(big[0], 4);
    memcpy(big + 200, V("0123456789"), 10);
    CHECK(memcmp(big + 200, "0123456789", 10) == 0);
    CHECK(memcmp(big + 200, "0123456780", 10) > 0);

    char *dup = strdup(hello);
    CHECK(dup && strcmp(dup, hello) == 0 && dup != hello);
    int n = snprintf(buf, 8, "%s", hello);
    CHECK_EQ(n, 12);
    CHECK(strcmp(buf, "hello, ") == 0);
    sprintf(buf, "[%08x] [%-6d] [%+d] [%o] [%#x] [%.3s] [%lld]", 0xbeef, -42, 7, 8, 255, "abcdef", -9000000000ll);
    CHECK(strcmp(buf, "[0000beef] [-42   ] [+7] [10] [0xff] [abc] [-9000000000]") == 0);
    puts(buf);
    printf("%s %u %d %x %c\n", "printf:", 4000000000u, -2147483647 - 1, 0xdeadbeefu, '!');
    CHECK_EQ(atoi(V("-1234")), -1234);
    CHECK_EQ(strtoul(V("0x1F"), 0, 0), 31u);
    CHECK_EQ(strtol(V("-077"), 0, 0), -63);
    DONE("strings");
}
