//! The seam between kernel policy and the machine.
//!
//! `arc.rs` is the real side: on wasm32 (the lowering route to ARC) every function here is
//! an import implemented by the C glue or hand-written ARC assembly in `arc/` (ARCv2), or,
//! for a board with `[cpu] isa = "arcompact"`, in `arcompact/` (ARC700; the few Rust lines
//! that differ are under `cfg(arc_isa = "arcompact")`, docs/arcompact-kernel.md). `fake.rs` is
//! the host side, used by unit tests: it keeps "physical memory" in a host buffer, models
//! user memory through the kernel's own page tables, and lets tests inject faults.
//!
//! Both sides provide the same free functions and types (Hubris style):
//!
//! | item | meaning |
//! |---|---|
//! | `PAGE_SIZE`, `PtRegs` | defined here, shared |
//! | `fn phys_ptr(pa: u32) -> *mut u8` | the kernel's view of a physical byte (identity on ARC) |
//! | `fn frame_pool() -> (u32, u32)` | `[start, end)` of physical memory free for the frame allocator, page aligned |
//! | `fn ram_bounds() -> (u32, u32)`, `fn kernel_text() -> (u32, u32)` | RAM and kernel-code bounds, for the oops's stack scan |
//! | `fn irq_disable() -> IrqFlags`, `fn irq_restore(IrqFlags)`, `fn irq_enable()` | interrupt masking |
//! | `fn wait_for_interrupt()` | idle until an interrupt has been taken (`sleep` on ARC) |
//! | `fn mmu_switch(pgd_pa: u32, asid: u8)` | make this address space current (SCRATCH_DATA0, PID with MMU enable) |
//! | `fn tlb_flush_page(asid: u8, va: u32)` | drop one page's TLB entry of that ASID |
//! | `fn tlb_flush_all()` | drop every TLB entry (ASID rollover) |
//! | `fn get_user_u32(ua: u32) -> Result<u32, Efault>` | fault-tolerant user load (exception table) |
//! | `fn put_user_u32(ua: u32, v: u32) -> Result<(), Efault>` | fault-tolerant user store |
//! | `fn copy_from_user(dst: &mut [u8], ua: u32) -> Result<(), Efault>` | |
//! | `fn copy_to_user(ua: u32, src: &[u8]) -> Result<(), Efault>` | |
//! | `fn fixup_exception(regs: &mut PtRegs) -> bool` | if `regs.ret` is a user-access instruction, point it at its fixup and return true |
//! | `fn fault_must_not_resolve(regs: &PtRegs) -> bool` | `regs.ret` is a user access that runs with interrupts off (the cmpxchg fast path): take its fixup, never fault the page in there |
//! | `struct Context` | a kernel context saved by `context_switch` |
//! | `fn context_new(kstack_top: u32, shadow_top: u32) -> Context` | a context that, when first switched to, returns to user space through the `PtRegs` stored just below `kstack_top` |
//! | `unsafe fn context_switch(prev: *mut Context, next: *const Context)` | save the current kernel context in `prev`, resume `next` |
//! | `fn timer_start(limit: u32)`, `fn timer_ack()` | timer0 periodic tick on IRQ 16 |
//! | `fn console_write(bytes: &[u8])` | board UART, polled |
//! | `fn exit_run(status: u32) -> !` | end the run (semihosting exit or halt) |
//! | `fn user_programs() -> &'static [u8]` | the program table xtask embedded (format in `programs.rs`) |
//! | `fn identity() -> u32`, `fn mmu_build() -> u32` | build registers for the banner |
//! | `MMU_VERSION`, `arch_mmu_name!()` | the MMU the port is written for: 4 (ARCv2, `arc/`), 3 (ARC700, `arcompact/`); the macro is its name as a literal |
//!
//! Everything the kernel knows about the ARC frame is `PtRegs`; its layout is fixed by
//! `arc/entry.S` (docs/design.md lists the words).

#[cfg(target_arch = "wasm32")]
mod arc;
#[cfg(target_arch = "wasm32")]
pub use arc::*;

#[cfg(not(target_arch = "wasm32"))]
pub mod fake;
#[cfg(not(target_arch = "wasm32"))]
pub use fake::*;

pub const PAGE_SHIFT: u32 = 13;
pub const PAGE_SIZE: u32 = 1 << PAGE_SHIFT;

/// A user access touched memory it may not: the `-EFAULT` of Linux's accessors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Efault;

/// STATUS32 bits the kernel looks at.
pub mod status32 {
    pub const AE: u32 = 1 << 5;
    pub const DE: u32 = 1 << 6;
    pub const U: u32 = 1 << 7;
    pub const Z: u32 = 1 << 11;
    pub const L: u32 = 1 << 12;
    pub const IE: u32 = 1 << 31;
    /// E[3:0] = 1: accept the priority-1 interrupts the kernel uses.
    pub const E1: u32 = 1 << 1;
    /// A fresh user task: user mode, interrupts on, loops enabled.
    pub const USER_INITIAL: u32 = U | IE | E1;
}

/// Register frame saved on the kernel stack by `arc/entry.S` for every exception and
/// interrupt. `ret`/`status32`/`bta` are what `rtie` resumes with.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PtRegs {
    /// r0..=r26 (r26 is gp).
    pub r: [u32; 27],
    pub fp: u32,
    /// r28 at the time of the event: the user sp when the event came from user mode.
    pub sp: u32,
    pub r30: u32,
    pub blink: u32,
    pub lp_count: u32,
    pub lp_start: u32,
    pub lp_end: u32,
    pub r58: u32,
    pub r59: u32,
    pub bta: u32,
    pub ret: u32,
    pub status32: u32,
    /// ECR for exceptions; `IRQ_ECR_MARK | irq` for interrupts.
    pub ecr: u32,
    pub efa: u32,
    pub pad: u32,
}

pub const IRQ_ECR_MARK: u32 = 0xFFFF_0000;
pub const PTREGS_SIZE: u32 = core::mem::size_of::<PtRegs>() as u32;
const _: () = assert!(PTREGS_SIZE == 168);

impl PtRegs {
    pub fn from_user(&self) -> bool {
        self.status32 & status32::U != 0
    }
    pub fn syscall_nr(&self) -> u32 {
        self.r[8]
    }
    pub fn arg(&self, n: usize) -> u32 {
        self.r[n]
    }
    pub fn set_return(&mut self, v: u32) {
        self.r[0] = v;
    }
    pub fn set_z(&mut self, on: bool) {
        if on {
            self.status32 |= status32::Z;
        } else {
            self.status32 &= !status32::Z;
        }
    }
    /// A frame that starts a user thread at `pc` with stack `sp`.
    pub fn new_user(pc: u32, sp: u32) -> PtRegs {
        PtRegs {
            ret: pc,
            sp,
            status32: status32::USER_INITIAL,
            ..PtRegs::default()
        }
    }
}

/// ECR decoding shared by the fault handler and the oops printer.
pub mod ecr {
    pub const VEC_INSN_ERROR: u32 = 2;
    pub const VEC_MACHINE_CHECK: u32 = 3;
    pub const VEC_TLB_MISS_I: u32 = 4;
    pub const VEC_TLB_MISS_D: u32 = 5;
    pub const VEC_PROTV: u32 = 6;
    pub const VEC_PRIVILEGE: u32 = 7;
    pub const VEC_SWI: u32 = 8;
    pub const VEC_TRAP: u32 = 9;
    pub const VEC_EXTENSION: u32 = 10;
    pub const VEC_DIV_ZERO: u32 = 11;
    pub const VEC_DC_ERROR: u32 = 12;
    pub const VEC_MISALIGNED: u32 = 13;

    pub fn vector(ecr: u32) -> u32 {
        (ecr >> 16) & 0xFF
    }
    pub fn cause(ecr: u32) -> u32 {
        (ecr >> 8) & 0xFF
    }
    pub fn param(ecr: u32) -> u32 {
        ecr & 0xFF
    }
    /// Cause codes of TLBMissD and ProtV.
    pub const CAUSE_FETCH: u32 = 0;
    pub const CAUSE_LOAD: u32 = 1;
    pub const CAUSE_STORE: u32 = 2;
    pub const CAUSE_RMW: u32 = 3;

    pub fn vector_name(v: u32) -> &'static str {
        match v {
            0 => "Reset",
            1 => "MemoryError",
            2 => "InstructionError",
            3 => "MachineCheck",
            4 => "TLBMissI",
            5 => "TLBMissD",
            6 => "ProtV",
            7 => "PrivilegeV",
            8 => "SWI",
            9 => "Trap",
            10 => "Extension",
            11 => "DivZero",
            12 => "DCError",
            13 => "Misaligned",
            _ => "Reserved",
        }
    }
}
