/* Start-up code for bare-metal test programs on arcsim (and QEMU -M virt -semihosting).
 * sp -> __stack_top, bss zeroed, constructors run, main(0, 0), exit(its return value).
 * Every exception and interrupt vector points at __rt_trap, which reports ECR/ERET/EFA
 * on the UART and exits with status 128 + vector. */

	.section .text.start, "ax"
	.global	_start
	.type	_start, @function
_start:
	mov	sp, __stack_top
	mov	fp, 0
	mov	gp, __SDATA_BEGIN__
	mov	r0, __vectors
	sr	r0, [0x25]		; INT_VECTOR_BASE
	; STATUS32.AD: alignment checks off. Only matters on a core with the unaligned-access
	; option (Config::unaligned); without it misaligned accesses fault regardless.
	flag	0x80000
	; zero .bss (8-byte aligned bounds, see link.ld)
	mov	r0, __bss_start
	mov	r1, __bss_end
1:	brhs	r0, r1, 2f
	st.ab	0, [r0, 4]
	b	1b
2:	bl	__rt_init
	mov	r0, 0
	mov	r1, 0
	bl	main
	bl	exit
3:	b	3b
	.size	_start, . - _start

/* void _exit(int status): semihosting exit (r8 = 1, r0 = status, swi). */
	.text
	.global	_exit
	.type	_exit, @function
_exit:
	mov	r8, 1
	swi
	; not reached on a semihosting machine; halt otherwise
	flag	1
4:	b	4b
	.size	_exit, . - _exit

/* Exception / interrupt entry: report and exit. */
	.global	__rt_trap
	.type	__rt_trap, @function
	.align	4
__rt_trap:
	lr	r0, [0x403]		; ECR
	lr	r1, [0x400]		; ERET
	lr	r2, [0x404]		; EFA
	mov	r3, sp
	mov	sp, __exc_stack_top
	bl	__rt_exception
5:	b	5b
	.size	__rt_trap, . - __rt_trap

	.section .vectors, "a"
	.global	__vectors
	.align	4
__vectors:
	.rept	256
	.word	__rt_trap
	.endr
