/*
 * The C side of the lowering (docs/design.md, ../shared/design/lowering.md): the wasm2c
 * runtime hooks, the one module instance, and the imports the kernel's Rust calls
 * (`Z_envZ_*`). Every access to device registers is here, through volatile pointers,
 * because wasm has no volatile. No C11 atomics or __sync builtins: they would emit
 * LLOCK/SCOND, which the cores this kernel validates do not have.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kern.h"

struct Z_env_instance_t {
	int unused;
};

/* Global only so that ARCv2's syscall entry can call wasm2c's export of
 * trap_syscall_lean itself, with this as its first argument (entry.S). */
Z_kern_instance_t kern;
static struct Z_env_instance_t env;

/* Linker symbols (linker.ld). */
extern char __bss_start[], __bss_end[];
extern char __wasm_base[], __wasm_heap_end[];
extern char __frame_pool_start[], __frame_pool_end[];
extern char __boot_shadow_top[];
extern const uint32_t __start___ex_table[], __stop___ex_table[];
extern const uint32_t user_program_table[], user_program_table_end[];
extern char __text_start[], __text_end[];

/* Assembly (switch.S, uaccess.S, tlb.S, start.S). */
void __switch_to(uint32_t *prev_ksp, const uint32_t *next_ksp);
int arc_get_user_u32(uint32_t ua, uint32_t *out);
int arc_put_user_u32(uint32_t ua, uint32_t val);
uint32_t arc_copy_from_user(uint8_t *dst, uint32_t ua, uint32_t n);
uint32_t arc_copy_to_user(uint32_t ua, const uint8_t *src, uint32_t n);
void arc_tlb_flush_all(uint32_t entries);
void arc_tlb_flush_page(uint32_t pd0);
void arc_exit_run(uint32_t status) __attribute__((noreturn));

#define AUX_PID 0x468
#define AUX_SCRATCH_DATA0 0x46C
#define AUX_MMU_BUILD 0x6F

static inline uint32_t aux_read(uint32_t reg)
{
	uint32_t v;
	__asm__ volatile("lr %0, [%1]" : "=r"(v) : "r"(reg) : "memory");
	return v;
}

static inline void aux_write(uint32_t reg, uint32_t v)
{
	__asm__ volatile("sr %0, [%1]" : : "r"(v), "r"(reg) : "memory");
}

/* ---- wasm2c runtime hooks ------------------------------------------------------------ */

void wasm_rt_allocate_memory(wasm_rt_memory_t *mem, uint32_t initial_pages, uint32_t max_pages)
{
	/* Memory base 0: a wasm address is the ARC address. The size covers the whole
	 * 32-bit space because memory.copy/fill still range-check against it, and the
	 * kernel copies and clears frames far above its statics. */
	(void)initial_pages;
	mem->data = 0;
	mem->pages = max_pages;
	mem->max_pages = max_pages;
	mem->size = UINT32_MAX;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *mem, uint32_t pages)
{
	(void)mem;
	(void)pages;
	return UINT32_MAX;
}

void wasm_rt_free_memory(wasm_rt_memory_t *mem)
{
	(void)mem;
}

#define FUNCREF_SLOTS 1024
static wasm_rt_funcref_t funcref_slots[FUNCREF_SLOTS];

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *t, uint32_t elements, uint32_t max)
{
	if (elements > FUNCREF_SLOTS)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	t->data = funcref_slots;
	t->size = elements;
	t->max_size = max;
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *t)
{
	(void)t;
}

/* Indirect calls compare these indices at run time, so one signature must always map
 * to the same index. Signatures are few; a linear table is enough. */
#define MAX_FUNC_TYPES 128
#define MAX_FUNC_ARITY 16
static struct {
	uint32_t params, results;
	uint8_t types[MAX_FUNC_ARITY];
} func_types[MAX_FUNC_TYPES];
static uint32_t func_type_count;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
	uint8_t types[MAX_FUNC_ARITY];
	uint32_t n = params + results;
	va_list ap;
	if (n > MAX_FUNC_ARITY)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	va_start(ap, results);
	for (uint32_t i = 0; i < n; i++)
		types[i] = (uint8_t)va_arg(ap, int);
	va_end(ap);
	for (uint32_t t = 0; t < func_type_count; t++) {
		if (func_types[t].params != params || func_types[t].results != results)
			continue;
		uint32_t i = 0;
		while (i < n && func_types[t].types[i] == types[i])
			i++;
		if (i == n)
			return t;
	}
	if (func_type_count == MAX_FUNC_TYPES)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	func_types[func_type_count].params = params;
	func_types[func_type_count].results = results;
	for (uint32_t i = 0; i < n; i++)
		func_types[func_type_count].types[i] = types[i];
	return func_type_count++;
}

bool wasm_rt_is_initialized(void)
{
	return true;
}

static void console_puts(const char *s);

void wasm_rt_trap(wasm_rt_trap_t code)
{
	static const char digits[] = "0123456789";
	char msg[] = "\nkernel: wasm trap N (lowered Rust hit unreachable/bounds/indirect-call check)\n";
	for (char *p = msg; *p; p++)
		if (*p == 'N')
			*p = digits[(unsigned)code % 10];
	console_puts(msg);
	arc_exit_run(3);
}

/* ---- freestanding libc pieces that GCC and wasm2c expect ----------------------------- */

/* Frames are 8 KiB and 8-aligned: copying and clearing them (fork, COW, demand zero) is
 * the bulk of a page fault, so the aligned case moves 8 bytes per instruction (LDD/STD). */
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
		uint64_t *dq = dst;
		const uint64_t *sq = src;
		for (size_t i = 0; i < n / 8; i++)
			dq[i] = sq[i];
		return dst;
	}
	if ((((uintptr_t)d | (uintptr_t)s | n) & 3) == 0) {
		uint32_t *dw = dst;
		const uint32_t *sw = src;
		for (size_t i = 0; i < n / 4; i++)
			dw[i] = sw[i];
		return dst;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint32_t w = (uint8_t)c * 0x01010101u;
	if ((((uintptr_t)d | n) & 7) == 0) {
		uint64_t q = (uint64_t)w << 32 | w;
		uint64_t *dq = dst;
		for (size_t i = 0; i < n / 8; i++)
			dq[i] = q;
		return dst;
	}
	if ((((uintptr_t)d | n) & 3) == 0) {
		uint32_t *dw = dst;
		for (size_t i = 0; i < n / 4; i++)
			dw[i] = w;
		return dst;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

void abort(void)
{
	console_puts("\nkernel: abort() from lowered code\n");
	arc_exit_run(3);
}

/* ---- console before Rust is up (and for traps): polled board UART --------------------- */

#include "board_uart.h"

static void console_puts(const char *s)
{
	volatile uint32_t *uart = (volatile uint32_t *)BOARD_UART_BASE;
	for (; *s; s++) {
		if (*s == '\n') {
			while (!(uart[5 << BOARD_UART_REG_SHIFT >> 2] & 0x20))
				;
			uart[0] = '\r';
		}
		while (!(uart[5 << BOARD_UART_REG_SHIFT >> 2] & 0x20))
			;
		uart[0] = (uint8_t)*s;
	}
}

/* ---- imports of the kernel's Rust (src/arch/arc.rs) ---------------------------------- */

u32 Z_envZ_arch_lr(struct Z_env_instance_t *e, u32 reg)
{
	(void)e;
	return aux_read(reg);
}

void Z_envZ_arch_sr(struct Z_env_instance_t *e, u32 reg, u32 v)
{
	(void)e;
	aux_write(reg, v);
}

u32 Z_envZ_arch_mmio_read32(struct Z_env_instance_t *e, u32 addr)
{
	(void)e;
	return *(volatile uint32_t *)addr;
}

void Z_envZ_arch_mmio_write32(struct Z_env_instance_t *e, u32 addr, u32 v)
{
	(void)e;
	*(volatile uint32_t *)addr = v;
}

/* ARC700 does these with flag/sleep 3 (src/arch/arcompact/isa.c). */
#ifndef __ARC700__
u32 Z_envZ_arch_irq_disable(struct Z_env_instance_t *e)
{
	uint32_t flags;
	(void)e;
	__asm__ volatile("clri %0" : "=r"(flags) : : "memory");
	return flags;
}

void Z_envZ_arch_irq_restore(struct Z_env_instance_t *e, u32 flags)
{
	(void)e;
	__asm__ volatile("seti %0" : : "r"(flags) : "memory");
}

void Z_envZ_arch_irq_enable(struct Z_env_instance_t *e)
{
	(void)e;
	__asm__ volatile("seti" : : : "memory");
}

void Z_envZ_arch_wait_for_interrupt(struct Z_env_instance_t *e)
{
	(void)e;
	/* sleep with operand bit 4: enable interrupts at priority threshold 1 while idle. */
	__asm__ volatile("sleep 0x11" : : : "memory");
}

#endif

u32 Z_envZ_arch_get_user_u32(struct Z_env_instance_t *e, u32 ua, u32 out)
{
	(void)e;
	return (u32)arc_get_user_u32(ua, (uint32_t *)out);
}

u32 Z_envZ_arch_put_user_u32(struct Z_env_instance_t *e, u32 ua, u32 val)
{
	(void)e;
	return (u32)arc_put_user_u32(ua, val);
}

u32 Z_envZ_arch_copy_from_user(struct Z_env_instance_t *e, u32 dst, u32 ua, u32 n)
{
	(void)e;
	return arc_copy_from_user((uint8_t *)dst, ua, n);
}

u32 Z_envZ_arch_copy_to_user(struct Z_env_instance_t *e, u32 ua, u32 src, u32 n)
{
	(void)e;
	return arc_copy_to_user(ua, (const uint8_t *)src, n);
}

/* PtRegs word 37 is `ret` (docs/design.md). */
#define PTREGS_RET 37

u32 Z_envZ_arch_fixup_exception(struct Z_env_instance_t *e, u32 regs_addr)
{
	uint32_t *regs = (uint32_t *)regs_addr;
	(void)e;
	for (const uint32_t *x = __start___ex_table; x < __stop___ex_table; x += 2) {
		if (x[0] == regs[PTREGS_RET]) {
			regs[PTREGS_RET] = x[1];
			return 1;
		}
	}
	return 0;
}

/* The cmpxchg fast path's accesses run with interrupts off (entry.S): a fault there is
 * never resolved in place but goes to the fixup, and the call to the Rust path. */
extern const char arc_cas_user_load[], arc_cas_user_store[];

u32 Z_envZ_arch_fault_must_not_resolve(struct Z_env_instance_t *e, u32 pc)
{
	(void)e;
#ifdef CMPXCHG_FAST_PATH
	return pc == (u32)(uintptr_t)arc_cas_user_load || pc == (u32)(uintptr_t)arc_cas_user_store;
#else
	return 0;
#endif
}

/* struct Context { ksp, ssp } (src/arch/arc.rs). The shadow stack pointer is part of a
 * task's context: save ours, switch kernel stacks, and on the way back in restore the
 * value that was saved when *this* task switched out (`prev` is our own context then). */
void Z_envZ_arch_context_switch(struct Z_env_instance_t *e, u32 prev, u32 next)
{
	uint32_t *p = (uint32_t *)prev;
	(void)e;
	p[1] = kern.w2c___stack_pointer;
	__switch_to(&p[0], (const uint32_t *)next);
	kern.w2c___stack_pointer = p[1];
}

/* A new task's first switch lands in ret_from_fork (switch.S), which calls this with the
 * shadow stack top from the initial switch frame before returning to user space. */
void arc_task_first_run(uint32_t shadow_top)
{
	kern.w2c___stack_pointer = shadow_top;
}

/* Initial switch frame of a new task, just below its user PtRegs (switch.S layout:
 * r13..r26, fp, blink). __switch_to pops it and "returns" to ret_from_fork. */
void ret_from_fork(void);
#define PTREGS_SIZE 168
#define SWITCH_FRAME_WORDS 16

void Z_envZ_arch_context_init(struct Z_env_instance_t *e, u32 ctx, u32 kstack_top, u32 shadow_top)
{
	uint32_t *c = (uint32_t *)ctx;
	uint32_t *frame = (uint32_t *)(kstack_top - PTREGS_SIZE) - SWITCH_FRAME_WORDS;
	(void)e;
	for (int i = 0; i < SWITCH_FRAME_WORDS; i++)
		frame[i] = 0;
	frame[0] = shadow_top;                  /* r13 */
	frame[15] = (uint32_t)ret_from_fork;    /* blink */
	c[0] = (uint32_t)frame;
	c[1] = shadow_top;
}

/* MMUv3 registers and commands: src/arch/arcompact/isa.c. */
#ifndef __ARC700__
void Z_envZ_arch_mmu_switch(struct Z_env_instance_t *e, u32 pgd, u32 asid)
{
	(void)e;
	aux_write(AUX_SCRATCH_DATA0, pgd);
	aux_write(AUX_PID, 0x80000000u | (asid & 0xFF));
}

void Z_envZ_arch_tlb_flush_page(struct Z_env_instance_t *e, u32 asid, u32 va)
{
	(void)e;
	/* DeleteEntry matches PD0's VPN, V and ASID. */
	arc_tlb_flush_page((va & 0xFFFFE000u) | (1u << 9) | (asid & 0xFF));
}

void Z_envZ_arch_tlb_flush_all(struct Z_env_instance_t *e)
{
	uint32_t bcr = aux_read(AUX_MMU_BUILD);
	uint32_t sets = 64u << ((bcr >> 8) & 3);
	uint32_t ways = 2u * ((bcr >> 10) & 3);
	(void)e;
	arc_tlb_flush_all(sets * ways);
}

#endif

void Z_envZ_arch_exit_run(struct Z_env_instance_t *e, u32 status)
{
	(void)e;
	arc_exit_run(status);
}

u32 Z_envZ_arch_user_programs(struct Z_env_instance_t *e)
{
	(void)e;
	return (u32)user_program_table;
}

u32 Z_envZ_arch_user_programs_len(struct Z_env_instance_t *e)
{
	(void)e;
	return (u32)((const char *)user_program_table_end - (const char *)user_program_table);
}

u32 Z_envZ_arch_text_start(struct Z_env_instance_t *e)
{
	(void)e;
	return (u32)__text_start;
}

u32 Z_envZ_arch_text_end(struct Z_env_instance_t *e)
{
	(void)e;
	return (u32)__text_end;
}

u32 Z_envZ_arch_frame_pool_start(struct Z_env_instance_t *e)
{
	(void)e;
	return (u32)__frame_pool_start;
}

u32 Z_envZ_arch_frame_pool_end(struct Z_env_instance_t *e)
{
	(void)e;
	return (u32)__frame_pool_end;
}

/* ---- entry points from assembly ------------------------------------------------------- */

/* LLVM gives wasm leaf functions a 128-byte red zone below __stack_pointer; an
 * asynchronous entry must not call Rust on top of it (lowering.md). */
#define RED_ZONE 128

#define ASYNC_ENTRY(call)                                                  \
	do {                                                               \
		uint32_t saved = kern.w2c___stack_pointer;                 \
		kern.w2c___stack_pointer = (saved - RED_ZONE) & ~15u;      \
		call;                                                      \
		kern.w2c___stack_pointer = saved;                          \
	} while (0)

void arc_trap_exception(uint32_t regs)
{
	ASYNC_ENTRY(Z_kernZ_trap_exception(&kern, regs));
}

void arc_trap_irq(uint32_t regs, uint32_t irq)
{
	ASYNC_ENTRY(Z_kernZ_trap_irq(&kern, regs, irq));
}

/* Syscalls come only from user mode (exception_entry checks), where no Rust frame is live
 * on this task's shadow stack: its pointer is at the stack's top, and there is no red zone
 * to step over, so these are plain tail calls. (ARCv2's lean entry calls wasm2c's
 * trap_syscall_lean export itself; ARC700's entry and ARCv2's whole-frame calls come
 * here.) */
void arc_trap_syscall(uint32_t regs)
{
	Z_kernZ_trap_syscall(&kern, regs);
}

void arc_trap_user_work(uint32_t regs)
{
	Z_kernZ_trap_user_work(&kern, regs);
}

/* Called once from start.S with the MMU off and interrupts disabled. */
void arc_c_start(void)
{
	/* Wasm assumes fresh memory is zero: its data segments are copied in by
	 * instantiate, the rest of the statics (up to __heap_base, which xtask passes to
	 * the linker and linker.ld checks) must read as zero. */
	for (uint32_t *p = (uint32_t *)__wasm_base; p < (uint32_t *)__wasm_heap_end; p++)
		*p = 0;
	Z_kern_init_module();
	Z_kern_instantiate(&kern, &env);
	kern.w2c___stack_pointer = (uint32_t)__boot_shadow_top;
	Z_kernZ_kernel_main(&kern);
	console_puts("\nkernel: kernel_main returned\n");
	arc_exit_run(5);
}
