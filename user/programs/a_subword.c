/* Adjacent sub-word fields in one word: thread i increments byte b[i] (alternately
 * fetch_add and a compare_exchange loop), and the two halfwords h[0], h[1] of another
 * word are shared by threads {0,2} and {1,3}. A sub-word CAS that wrote back a stale
 * neighbour would lose that neighbour's increments. */
#include "a_common.h"

static struct {
    _Atomic uint8_t b[4];
} w8 __attribute__((aligned(4)));
static struct {
    _Atomic uint16_t h[2];
} w16 __attribute__((aligned(4)));
static _Atomic uint32_t ticket;
static volatile int done[NTHREADS];

static void worker(void *arg)
{
    int me = (int)arg;
    uint32_t last = ~0u;
    int i;
    for (i = 0; keep_going(i); i++) {
        note_ticket(atomic_fetch_add(&ticket, 1), &last);
        if (i & 1) {
            atomic_fetch_add(&w8.b[me & 3], 1);
        } else {
            uint8_t e = atomic_load(&w8.b[me & 3]);
            while (!atomic_compare_exchange_weak(&w8.b[me & 3], &e, (uint8_t)(e + 1)))
                ;
        }
        w16.h[me & 1] += 1;
        done[me] = i + 1;
    }
}

int main(void)
{
    struct thread t[NTHREADS];
    if (NTHREADS != 4) {
        pr("CASE a.subword FAIL setup=nthreads\n");
        return 1;
    }
    if (!threads_start(t, NTHREADS, worker, "a.subword"))
        return 1;
    threads_join(t, NTHREADS);
    int ok = switches > 0;
    for (int i = 0; i < 4; i++)
        ok &= w8.b[i] == (uint8_t)done[i];
    for (int j = 0; j < 2; j++)
        ok &= w16.h[j] == (uint16_t)(done[j] + done[j + 2]);
    pr("CASE a.subword %s done=%d,%d,%d,%d b=%u,%u,%u,%u h=%u,%u switches=%u\n",
       ok ? "PASS" : "FAIL", done[0], done[1], done[2], done[3], (u32)w8.b[0], (u32)w8.b[1],
       (u32)w8.b[2], (u32)w8.b[3], (u32)w16.h[0], (u32)w16.h[1], (u32)switches);
    return !ok;
}
