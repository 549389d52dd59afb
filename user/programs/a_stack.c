/* A lock-free (Treiber) stack of NNODES nodes with an ABA counter in its head: threads
 * pop a node, own it for a moment, and push it back. The head is (tag << 16 | index+1)
 * in one 32-bit word (word CAS on syscall 248), or with HEAD64 (tag << 32 | index+1) in a
 * 64-bit word (the runtime's striped lock). A node popped twice at once (lost
 * atomicity, or ABA without the tag) is caught by its owner mark; at the end the stack
 * must hold every node exactly once. */
#include "a_common.h"

#define NNODES 8

#ifdef HEAD64
typedef uint64_t head_t;
#define TAG_SHIFT 32
#define CASE_ID "a.stack64"
#else
typedef uint32_t head_t;
#define TAG_SHIFT 16
#define CASE_ID "a.stack"
#endif
#define IDX(h) ((uint32_t)((h) & 0xFFFF))
#define NEXT_TAG(h) ((((h) >> TAG_SHIFT) + 1) << TAG_SHIFT)

static struct node {
    volatile uint32_t next; /* index+1 of the node below, 0 = none */
    volatile int owner;     /* thread+1 while popped */
} nodes[NNODES];
static _Atomic head_t head;
static volatile int dups, empties;
static volatile int done[NTHREADS];

static uint32_t pop(head_t *seen)
{
    head_t h = atomic_load(&head);
    for (;;) {
        uint32_t i = IDX(h);
        if (!i)
            return 0;
        head_t nh = NEXT_TAG(h) | nodes[i - 1].next;
        if (atomic_compare_exchange_weak(&head, &h, nh)) {
            *seen = nh;
            return i;
        }
    }
}

static void push(uint32_t i, head_t *seen)
{
    head_t h = atomic_load(&head);
    for (;;) {
        nodes[i - 1].next = IDX(h);
        head_t nh = NEXT_TAG(h) | i;
        if (atomic_compare_exchange_weak(&head, &h, nh)) {
            *seen = nh;
            return;
        }
    }
}

static void worker(void *arg)
{
    int me = (int)arg;
    head_t mine = 0;
    int i;
    for (i = 0; keep_going(i); i++) {
        head_t before = atomic_load(&head);
        if (mine && before != mine)
            atomic_fetch_add(&switches, 1);
        uint32_t n = pop(&mine);
        if (!n) {
            empties++;
            sys_sched_yield();
            continue;
        }
        if (nodes[n - 1].owner != 0)
            dups++;
        nodes[n - 1].owner = me + 1;
        spin_delay(3);
        if (nodes[n - 1].owner != me + 1)
            dups++;
        nodes[n - 1].owner = 0;
        push(n, &mine);
        done[me] = i + 1;
    }
}

int main(void)
{
    head_t unused;
    for (uint32_t i = 1; i <= NNODES; i++)
        push(i, &unused);
    struct thread t[NTHREADS];
    if (!threads_start(t, NTHREADS, worker, CASE_ID))
        return 1;
    threads_join(t, NTHREADS);
    /* Walk the stack: NNODES distinct nodes, then the end. */
    int seen[NNODES] = {0};
    int count = 0, bad = 0;
    for (uint32_t i = IDX(head); i && count <= NNODES; i = nodes[i - 1].next, count++) {
        if (i > NNODES || seen[i - 1]++)
            bad++;
    }
    int ok = count == NNODES && !bad && !dups && switches > 0;
    pr("CASE " CASE_ID " %s nodes=%d bad=%d dups=%d empties=%d switches=%u ops=%d,%d,%d,%d\n",
       ok ? "PASS" : "FAIL", count, bad, dups, empties, (u32)switches, done[0], done[1], done[2],
       done[3]);
    return !ok;
}
