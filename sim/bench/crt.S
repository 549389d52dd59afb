/* Minimal start-up for compute.c: stack, call main, then bench_end (exit.S). */
    .text
    .global _start
_start:
    mov     sp, 0x80800000
    bl      main
    b       bench_end
