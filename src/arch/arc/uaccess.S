/*
 * User memory access from the kernel. Each instruction that touches a user address has
 * an entry in __ex_table: if it faults and the fault cannot (in_atomic) or may not be
 * resolved, the exception path resumes at the fixup, which returns an error instead.
 */
	.section .text, "ax"

/* int arc_get_user_u32(u32 uaddr, u32 *out): 0 or -EFAULT */
	.balign 4
	.global arc_get_user_u32
	.type arc_get_user_u32, @function
arc_get_user_u32:
.Lget:	ld	r2, [r0]
	st	r2, [r1]
	j_s.d	[blink]
	mov_s	r0, 0
	.size arc_get_user_u32, . - arc_get_user_u32

/* int arc_put_user_u32(u32 uaddr, u32 val): 0 or -EFAULT */
	.balign 4
	.global arc_put_user_u32
	.type arc_put_user_u32, @function
arc_put_user_u32:
.Lput:	st	r1, [r0]
	j_s.d	[blink]
	mov_s	r0, 0
	.size arc_put_user_u32, . - arc_put_user_u32

.Lefault:
	j_s.d	[blink]
	mov	r0, -14

/* u32 arc_copy_from_user(u8 *dst, u32 uaddr, u32 n): bytes NOT copied */
	.balign 4
	.global arc_copy_from_user
	.type arc_copy_from_user, @function
arc_copy_from_user:
	breq	r2, 0, .Lcopy_done
.Lfrom_loop:
.Lfrom:	ldb	r3, [r1]
	stb.ab	r3, [r0, 1]
	add	r1, r1, 1
	sub	r2, r2, 1
	brne	r2, 0, .Lfrom_loop
	b	.Lcopy_done
	.size arc_copy_from_user, . - arc_copy_from_user

/* u32 arc_copy_to_user(u32 uaddr, const u8 *src, u32 n): bytes NOT copied */
	.balign 4
	.global arc_copy_to_user
	.type arc_copy_to_user, @function
arc_copy_to_user:
	breq	r2, 0, .Lcopy_done
.Lto_loop:
	ldb.ab	r3, [r1, 1]
.Lto:	stb	r3, [r0]
	add	r0, r0, 1
	sub	r2, r2, 1
	brne	r2, 0, .Lto_loop
.Lcopy_done:
	j_s.d	[blink]
	mov_s	r0, r2
	.size arc_copy_to_user, . - arc_copy_to_user

	.section __ex_table, "a"
	.balign 4
	.word .Lget, .Lefault
	.word .Lput, .Lefault
	.word .Lfrom, .Lcopy_done
	.word .Lto, .Lcopy_done
