/*
 * The imports of src/arch/arc.rs that differ on ARC700 (ARCompact, MMUv3); the rest of
 * the C glue is src/arch/arc/glue.c, shared. Interrupt enables are STATUS32.E1/E2, which
 * only `flag` writes (no clri/seti); `flag` also writes Z/N/C/V, so the "cc" clobber.
 */
#include <stdint.h>

#include "kern.h"

#define STATUS_E_MASK 0x6u
#define AUX_STATUS32 0x0A
#define AUX_PID 0x409
#define AUX_SCRATCH_DATA0 0x418
#define AUX_MMU_BUILD 0x6F
#define PID_MMU_ENABLE 0x80000000u

void arc_tlb_flush_all(uint32_t entries);
void arc_tlb_flush_page(uint32_t vpn_asid);

struct Z_env_instance_t;

static inline uint32_t status32(void)
{
	uint32_t v;
	__asm__ volatile("lr %0, [%1]" : "=r"(v) : "i"(AUX_STATUS32) : "memory");
	return v;
}

static inline void set_flags(uint32_t v)
{
	__asm__ volatile("flag %0" : : "r"(v) : "memory", "cc");
}

/* The saved word is the whole STATUS32; restoring it with `flag` puts back exactly the
 * E1/E2 it had (and flags the caller does not keep across the call anyway). */
u32 Z_envZ_arch_irq_disable(struct Z_env_instance_t *e)
{
	uint32_t flags = status32();
	(void)e;
	set_flags(flags & ~STATUS_E_MASK);
	return flags;
}

void Z_envZ_arch_irq_restore(struct Z_env_instance_t *e, u32 flags)
{
	(void)e;
	set_flags((status32() & ~STATUS_E_MASK) | (flags & STATUS_E_MASK));
}

void Z_envZ_arch_irq_enable(struct Z_env_instance_t *e)
{
	(void)e;
	set_flags(status32() | STATUS_E_MASK);
}

void Z_envZ_arch_wait_for_interrupt(struct Z_env_instance_t *e)
{
	(void)e;
	/* sleep 3: enable E1 and E2, then sleep (Linux's ARC700 arch_cpu_idle). */
	__asm__ volatile("sleep 3" : : : "memory");
}

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

void Z_envZ_arch_mmu_switch(struct Z_env_instance_t *e, u32 pgd, u32 asid)
{
	(void)e;
	aux_write(AUX_SCRATCH_DATA0, pgd);
	aux_write(AUX_PID, PID_MMU_ENABLE | (asid & 0xFF));
}

void Z_envZ_arch_tlb_flush_page(struct Z_env_instance_t *e, u32 asid, u32 va)
{
	(void)e;
	/* Probe matches PD0's VPN and ASID (Linux mm/tlb.c passes no V bit for it). */
	arc_tlb_flush_page((va & 0xFFFFE000u) | (asid & 0xFF));
}

/* MMUv3 MMU_BUILD: ways = 2^[23:20], sets = 2^[19:16] (Linux struct bcr_mmu_3). */
void Z_envZ_arch_tlb_flush_all(struct Z_env_instance_t *e)
{
	uint32_t bcr = aux_read(AUX_MMU_BUILD);
	uint32_t sets = 1u << ((bcr >> 16) & 0xF);
	uint32_t ways = 1u << ((bcr >> 20) & 0xF);
	(void)e;
	arc_tlb_flush_all(sets * ways);
}
