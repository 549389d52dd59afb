/* Minimal start-up for compute.c: stack, call main, semihosting exit with its result. */
    .text
    .global _start
_start:
    mov     sp, 0x80800000
    bl      main
    mov     r8, 1
    swi
