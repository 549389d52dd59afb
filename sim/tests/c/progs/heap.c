/* malloc/calloc/realloc (bump allocator), a linked list, qsort and bsearch. */
#include "check.h"
#include <string.h>

struct item { int key; struct item *next; char name[12]; };

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    struct item *head = 0;
    for (int i = 0; i < 100; i++) {
        struct item *it = malloc(sizeof *it);
        CHECK(it != 0);
        CHECK(((uintptr_t)it & 7) == 0);
        it->key = i * i;
        snprintf(it->name, sizeof it->name, "n%d", i);
        it->next = head;
        head = it;
    }
    int count = 0, sum = 0;
    for (struct item *it = head; it; it = it->next) {
        count++;
        sum += it->key;
    }
    CHECK_EQ(count, 100);
    CHECK_EQ(sum, 328350);
    CHECK(strcmp(head->name, "n99") == 0);

    int *z = calloc(V(1000u), sizeof(int));
    int zeros = 0;
    for (int i = 0; i < 1000; i++)
        zeros += z[i] == 0;
    CHECK_EQ(zeros, 1000);
    char *s = malloc(4);
    memcpy(s, "abc", 4);
    s = realloc(s, 1000);
    CHECK(strcmp(s, "abc") == 0);
    s[999] = 1;

    int v[64];
    uint32_t x = 12345;
    for (int i = 0; i < 64; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (int)(x >> 8) - (1 << 22);
    }
    qsort(v, 64, sizeof v[0], cmp_int);
    for (int i = 1; i < 64; i++)
        CHECK(v[i - 1] <= v[i]);
    int key = v[37];
    int *found = bsearch(&key, v, 64, sizeof v[0], cmp_int);
    CHECK(found && *found == key);
    DONE("heap");
}
