/* Entry point of every validation program.
 * The kernel starts us with sp at the top of the stack and r0 = argc (0);
 * see docs/design.md, "User programs". bss is zero-filled by the loader
 * (p_memsz > p_filesz), and we clear it again in case a loader does not.
 * r1 at entry is kept in `entry_r1`: our kernel puts the address of its
 * canary word there (src/run.rs, initial_regs), a target for case 7e. */
    .section .text.start, "ax"
    .global _start
    .type _start, @function
_start:
    mov     fp, 0
    mov     blink, 0
    mov     r13, r0                 /* keep argc */
    mov     r14, r1                 /* this kernel passes its canary's address in r1 */
    /* clear bss */
    mov     r1, __bss_start
    mov     r2, __bss_end
1:  brhs    r1, r2, 2f
    st.ab   0, [r1, 4]
    b       1b
2:  st      r14, [entry_r1]
    mov     r0, r13
    mov     r1, 0
    bl      main
    /* exit_group(main's return value) */
    mov     r8, 94
    trap_s  0
    /* not reached */
3:  b       3b
    .size _start, . - _start

    .section .bss
    .align 4
    .global entry_r1
entry_r1:
    .word 0
