/* NTHREADS threads hammer _Atomic 8-, 16-, 32- and 64-bit counters (fetch_add through
 * the runtime: word CAS on syscall 248 for 1/2/4 bytes, the striped lock for 8). The
 * 64-bit one starts just below 2^32 so its increments carry into the high word. Every
 * counter must equal the sum of what the threads did (modulo its width). */
#include "a_common.h"

#define START64 0xFFFFF000ull

static _Atomic uint8_t c8;
static _Atomic uint16_t c16;
static _Atomic uint32_t c32;
static _Atomic uint64_t c64 = START64;
static volatile int done[NTHREADS];

static void worker(void *arg)
{
    int me = (int)arg;
    uint32_t last = ~0u;
    int i;
    for (i = 0; keep_going(i); i++) {
        note_ticket(atomic_fetch_add(&c32, 1), &last);
        c8++;
        atomic_fetch_add(&c16, 1);
        c64 += 1;
        done[me] = i + 1;
    }
}

int main(void)
{
    struct thread t[NTHREADS];
    if (!threads_start(t, NTHREADS, worker, "a.counters"))
        return 1;
    threads_join(t, NTHREADS);
    uint32_t total = 0;
    for (int i = 0; i < NTHREADS; i++)
        total += done[i];
    uint64_t v64 = c64;
    int ok = c8 == (uint8_t)total && c16 == (uint16_t)total && c32 == total &&
             v64 == START64 + total && switches > 0;
    pr("CASE a.counters %s total=%u c8=%u c16=%u c32=%u c64=0x%x%08x want64=0x%x%08x switches=%u\n",
       ok ? "PASS" : "FAIL", total, (u32)c8, (u32)c16, (u32)c32, (u32)(v64 >> 32), (u32)v64,
       (u32)((START64 + total) >> 32), (u32)(START64 + total), (u32)switches);
    return !ok;
}
