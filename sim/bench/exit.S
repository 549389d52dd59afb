/* The benchmarks' end, the same on arcsim and on QEMU's virt board (one image for both,
   so they can be timed side by side): "BENCH-END" on the ns16550 at 0xF0000000
   (registers 4 bytes apart), then halt. Semihosting would end arcsim, but QEMU's ARC
   model takes the `swi` as an ordinary exception and never stops. Kernel mode. */
    .text
    .global bench_end
bench_end:
    mov     r2, 0xF0000000
    mov     r3, bench_msg
1:  ldb.ab  r4, [r3, 1]
    breq    r4, 0, 3f
2:  ld      r5, [r2, 0x14]          ; LSR
    bbit0   r5, 5, 2b               ; THRE: transmit holding register empty
    st      r4, [r2]                ; THR
    b       1b
3:  flag    1
    b       3b

    .section .rodata
bench_msg:
    .asciz  "BENCH-END\n"
