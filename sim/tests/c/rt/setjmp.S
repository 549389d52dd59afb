/* setjmp/longjmp for the bare-metal test runtime: callee-saved r13-r26, fp, sp, blink. */
	.text
	.global	setjmp
	.global	_setjmp
	.global	__sigsetjmp
	.type	setjmp, @function
	.align	4
setjmp:
_setjmp:
__sigsetjmp:
	st	r13, [r0, 0]
	st	r14, [r0, 4]
	st	r15, [r0, 8]
	st	r16, [r0, 12]
	st	r17, [r0, 16]
	st	r18, [r0, 20]
	st	r19, [r0, 24]
	st	r20, [r0, 28]
	st	r21, [r0, 32]
	st	r22, [r0, 36]
	st	r23, [r0, 40]
	st	r24, [r0, 44]
	st	r25, [r0, 48]
	st	r26, [r0, 52]
	st	fp, [r0, 56]
	st	sp, [r0, 60]
	st	blink, [r0, 64]
	j_s.d	[blink]
	mov_s	r0, 0
	.size	setjmp, . - setjmp

	.global	longjmp
	.global	_longjmp
	.global	siglongjmp
	.type	longjmp, @function
	.align	4
longjmp:
_longjmp:
siglongjmp:
	ld	r13, [r0, 0]
	ld	r14, [r0, 4]
	ld	r15, [r0, 8]
	ld	r16, [r0, 12]
	ld	r17, [r0, 16]
	ld	r18, [r0, 20]
	ld	r19, [r0, 24]
	ld	r20, [r0, 28]
	ld	r21, [r0, 32]
	ld	r22, [r0, 36]
	ld	r23, [r0, 40]
	ld	r24, [r0, 44]
	ld	r25, [r0, 48]
	ld	r26, [r0, 52]
	ld	fp, [r0, 56]
	ld	sp, [r0, 60]
	ld	blink, [r0, 64]
	mov.f	r0, r1
	mov.eq	r0, 1
	j	[blink]
	.size	longjmp, . - longjmp
