//! The real ARC side of `arch`: every function is an import that the C glue
//! (`arc/glue.c`) or the assembly behind it implements. Wasm addresses are ARC addresses,
//! so a pointer passed across is the machine address of the same object.

use super::{Efault, PtRegs, PAGE_SIZE};

mod ffi {
    extern "C" {
        pub fn arch_lr(reg: u32) -> u32;
        pub fn arch_sr(reg: u32, v: u32);
        pub fn arch_mmio_read32(addr: u32) -> u32;
        pub fn arch_mmio_write32(addr: u32, v: u32);
        pub fn arch_irq_disable() -> u32;
        pub fn arch_irq_restore(flags: u32);
        pub fn arch_irq_enable();
        pub fn arch_wait_for_interrupt();
        pub fn arch_get_user_u32(ua: u32, out: *mut u32) -> i32;
        pub fn arch_put_user_u32(ua: u32, v: u32) -> i32;
        pub fn arch_copy_from_user(dst: *mut u8, ua: u32, n: u32) -> u32;
        pub fn arch_copy_to_user(ua: u32, src: *const u8, n: u32) -> u32;
        pub fn arch_fixup_exception(regs: *mut super::PtRegs) -> u32;
        pub fn arch_fault_must_not_resolve(pc: u32) -> u32;
        pub fn arch_context_switch(prev: *mut super::Context, next: *const super::Context);
        pub fn arch_context_init(ctx: *mut super::Context, kstack_top: u32, shadow_top: u32);
        pub fn arch_mmu_switch(pgd: u32, asid: u32);
        pub fn arch_tlb_flush_page(asid: u32, va: u32);
        pub fn arch_tlb_flush_all();
        pub fn arch_exit_run(status: u32) -> !;
        pub fn arch_user_programs() -> u32;
        pub fn arch_user_programs_len() -> u32;
        pub fn arch_text_start() -> u32;
        pub fn arch_text_end() -> u32;
        pub fn arch_frame_pool_start() -> u32;
        pub fn arch_frame_pool_end() -> u32;
    }
}

const AUX_IDENTITY: u32 = 0x04;
const AUX_MMU_BUILD: u32 = 0x6F;
const AUX_TIMER0_CONTROL: u32 = 0x22;
const AUX_TIMER0_LIMIT: u32 = 0x23;
const AUX_TIMER0_COUNT: u32 = 0x21;
// ARCv2's interrupt controller; ARC700's is in timer_start.
#[cfg(not(arc_isa = "arcompact"))]
const AUX_IRQ_SELECT: u32 = 0x40B;
#[cfg(not(arc_isa = "arcompact"))]
const AUX_IRQ_ENABLE: u32 = 0x40C;
#[cfg(not(arc_isa = "arcompact"))]
const AUX_IRQ_PRIORITY: u32 = 0x206;
/// CONTROL: IE (interrupt enable) | NH (count only when not halted).
const TIMER_CONTROL_IE_NH: u32 = 0b11;

pub fn lr(reg: u32) -> u32 {
    unsafe { ffi::arch_lr(reg) }
}

pub fn sr(reg: u32, v: u32) {
    unsafe { ffi::arch_sr(reg, v) }
}

pub fn mmio_read32(addr: u32) -> u32 {
    unsafe { ffi::arch_mmio_read32(addr) }
}

pub fn mmio_write32(addr: u32, v: u32) {
    unsafe { ffi::arch_mmio_write32(addr, v) }
}

pub fn identity() -> u32 {
    lr(AUX_IDENTITY)
}

/// The MMU version the refill handlers and the TLB glue of this port are written for.
#[cfg(not(arc_isa = "arcompact"))]
pub const MMU_VERSION: u32 = 4;
#[cfg(arc_isa = "arcompact")]
pub const MMU_VERSION: u32 = 3;

/// `MMU_VERSION` as a literal, for messages built with `concat!`.
#[cfg(not(arc_isa = "arcompact"))]
#[macro_export]
macro_rules! arch_mmu_name {
    () => {
        "MMUv4"
    };
}
#[cfg(arc_isa = "arcompact")]
#[macro_export]
macro_rules! arch_mmu_name {
    () => {
        "MMUv3"
    };
}

pub fn mmu_build() -> u32 {
    lr(AUX_MMU_BUILD)
}

pub fn phys_ptr(pa: u32) -> *mut u8 {
    pa as usize as *mut u8
}

/// `[start, end)` of the kernel's code, for telling return addresses on a stack apart.
pub fn kernel_text() -> (u32, u32) {
    unsafe { (ffi::arch_text_start(), ffi::arch_text_end()) }
}

/// `[start, end)` of RAM, which holds every kernel stack.
pub fn ram_bounds() -> (u32, u32) {
    let base = crate::board::RAM_BASE;
    (base, base + crate::board::RAM_SIZE)
}

pub fn frame_pool() -> (u32, u32) {
    let start = unsafe { ffi::arch_frame_pool_start() };
    let end = unsafe { ffi::arch_frame_pool_end() };
    (
        (start + PAGE_SIZE - 1) & !(PAGE_SIZE - 1),
        end & !(PAGE_SIZE - 1),
    )
}

/// Saved interrupt state: the operand `clri` returned, which `seti` restores exactly
/// (on ARC700 the STATUS32 whose E1/E2 `flag` restores).
#[derive(Clone, Copy, Debug)]
pub struct IrqFlags(u32);

pub fn irq_disable() -> IrqFlags {
    IrqFlags(unsafe { ffi::arch_irq_disable() })
}

pub fn irq_restore(flags: IrqFlags) {
    unsafe { ffi::arch_irq_restore(flags.0) }
}

pub fn irq_enable() {
    unsafe { ffi::arch_irq_enable() }
}

pub fn wait_for_interrupt() {
    unsafe { ffi::arch_wait_for_interrupt() }
}

pub fn mmu_switch(pgd_pa: u32, asid: u8) {
    unsafe { ffi::arch_mmu_switch(pgd_pa, asid as u32) }
}

pub fn tlb_flush_page(asid: u8, va: u32) {
    let f = irq_disable();
    unsafe { ffi::arch_tlb_flush_page(asid as u32, va) };
    irq_restore(f);
}

pub fn tlb_flush_all() {
    let f = irq_disable();
    unsafe { ffi::arch_tlb_flush_all() };
    irq_restore(f);
}

pub fn get_user_u32(ua: u32) -> Result<u32, Efault> {
    let mut v = 0u32;
    match unsafe { ffi::arch_get_user_u32(ua, &mut v) } {
        0 => Ok(v),
        _ => Err(Efault),
    }
}

pub fn put_user_u32(ua: u32, v: u32) -> Result<(), Efault> {
    match unsafe { ffi::arch_put_user_u32(ua, v) } {
        0 => Ok(()),
        _ => Err(Efault),
    }
}

pub fn copy_from_user(dst: &mut [u8], ua: u32) -> Result<(), Efault> {
    match unsafe { ffi::arch_copy_from_user(dst.as_mut_ptr(), ua, dst.len() as u32) } {
        0 => Ok(()),
        _ => Err(Efault),
    }
}

pub fn copy_to_user(ua: u32, src: &[u8]) -> Result<(), Efault> {
    match unsafe { ffi::arch_copy_to_user(ua, src.as_ptr(), src.len() as u32) } {
        0 => Ok(()),
        _ => Err(Efault),
    }
}

pub fn fixup_exception(regs: &mut PtRegs) -> bool {
    unsafe { ffi::arch_fixup_exception(regs) != 0 }
}

pub fn fault_must_not_resolve(regs: &PtRegs) -> bool {
    unsafe { ffi::arch_fault_must_not_resolve(regs.ret) != 0 }
}

/// A saved kernel context: ARC kernel sp and wasm shadow-stack pointer.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    ksp: u32,
    ssp: u32,
}

/// The context of a new task. Its first switch-in returns to user space through the
/// `PtRegs` that the caller has stored just below `kstack_top`.
pub fn context_new(kstack_top: u32, shadow_top: u32) -> Context {
    let mut ctx = Context::default();
    unsafe { ffi::arch_context_init(&mut ctx, kstack_top, shadow_top) };
    ctx
}

/// # Safety
/// `prev` and `next` must be live contexts; `next` must have been made by `context_new`
/// or saved by an earlier switch. Call with interrupts disabled.
pub unsafe fn context_switch(prev: *mut Context, next: *const Context) {
    ffi::arch_context_switch(prev, next)
}

/// Periodic tick on timer0 (IRQ 16 on ARCv2, 3 on ARC700). On ARCv2 at priority 1, as
/// Linux runs it: priority 0 would be the fast-interrupt path, which pushes no frame.
pub fn timer_start(limit: u32) {
    #[cfg(not(arc_isa = "arcompact"))]
    {
        sr(AUX_IRQ_SELECT, crate::board::TIMER0_IRQ);
        sr(AUX_IRQ_PRIORITY, 1);
        sr(AUX_IRQ_ENABLE, 1);
    }
    // ARC700's in-core controller has no per-line priority: each line is level 1 or 2
    // (AUX_IRQ_LEV, all level 1 here) and enabled by its bit in AUX_IENABLE.
    #[cfg(arc_isa = "arcompact")]
    {
        const AUX_IRQ_LEV: u32 = 0x200;
        const AUX_IENABLE: u32 = 0x40C;
        let bit = 1 << crate::board::TIMER0_IRQ;
        sr(AUX_IRQ_LEV, lr(AUX_IRQ_LEV) & !bit);
        sr(AUX_IENABLE, lr(AUX_IENABLE) | bit);
    }
    sr(AUX_TIMER0_CONTROL, 0);
    sr(AUX_TIMER0_LIMIT, limit);
    sr(AUX_TIMER0_COUNT, 0);
    sr(AUX_TIMER0_CONTROL, TIMER_CONTROL_IE_NH);
}

/// Rewriting CONTROL with IP clear acknowledges the interrupt and lowers the line.
pub fn timer_ack() {
    sr(AUX_TIMER0_CONTROL, TIMER_CONTROL_IE_NH);
}

pub fn console_write(bytes: &[u8]) {
    crate::console::write_bytes(bytes);
}

pub fn exit_run(status: u32) -> ! {
    unsafe { ffi::arch_exit_run(status) }
}

pub fn user_programs() -> &'static [u8] {
    unsafe {
        let addr = ffi::arch_user_programs();
        let len = ffi::arch_user_programs_len();
        core::slice::from_raw_parts(addr as usize as *const u8, len as usize)
    }
}
