/* TLB-miss-heavy: user code reads one word from each of 4096 pages (4x the 1024-entry
   TLB), 512 rounds, so every access misses. The refill handler maps VA page p to
   PA 0x80400000 + p with InsertEntry, like a software refill without page-table walk. */
    .section .vectors, "ax"
vectors:
    .word _start, fail, fail, fail, refill, refill, fail, fail, user_swi
    .rept 247
    .word fail
    .endr

    .text
    .global _start
_start:
    mov     sp, 0x80100000
    mov     r0, vectors
    sr      r0, [0x25]              ; INT_VECTOR_BASE
    mov     r0, 0x80000001
    sr      r0, [0x468]             ; PID: MMU on, ASID 1
    mov     r0, user
    sr      r0, [0x400]             ; ERET
    mov     r0, 0x80
    sr      r0, [0x402]             ; ERSTATUS: user mode
    mov     r0, 0x80200000
    sr      r0, [0x0d]              ; AUX_USER_SP
    rtie

refill:
    lr      r10, [0x404]            ; EFA
    and     r10, r10, 0xFFFFE000
    add     r10, r10, 0x80400000
    or      r10, r10, 0x7E          ; all permissions
    sr      r10, [0x461]            ; TLBPD1 (TLBPD0 was loaded by the miss)
    mov     r11, 7
    sr      r11, [0x465]            ; InsertEntry
    rtie

user_swi:                           ; the exit request of the user code (swi)
    b       bench_end

fail:
    lr      r0, [0x403]
    flag    1                       ; halt without the end marker: a broken run

    .section .user, "ax"
user:
    mov     r5, 512                 ; rounds
1:  mov     r1, 0x100000            ; first page VA
    mov     lp_count, 4096
    lp      2f
    ld      r2, [r1]
    add     r3, r3, r2
    add     r1, r1, 0x2000
2:  sub.f   r5, r5, 1
    bnz     1b
    mov     r0, 0
    mov     r8, 1
    swi
