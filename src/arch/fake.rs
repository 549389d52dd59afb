//! The host side of the arch seam, for unit tests.
//!
//! "Physical memory" is a host buffer at `FAKE_RAM_BASE`. User accesses walk the page tables
//! the kernel installed with `mmu_switch`, exactly as the TLB refill would (PRESENT plus the
//! kernel permission bit the accessor needs). A miss is delivered to `trap::exception`
//! as a kernel-mode TLBMissD/ProtV at a user-access PC, so the kernel's own fault policy runs:
//! it either resolves the fault (the access is retried) or takes `fixup_exception` (the access
//! returns `Efault`), as the exception table does on ARC. Context switches are recorded, not
//! performed, with one exception that lets tests run whole programs: a test may register a
//! *task body* (a Rust function standing in for user code) for an entry PC. The first switch
//! to a fresh task starting at that PC runs the body there and then; the body ends the task
//! through the kernel (exit, a fatal signal), and the "dead task switched back in" panic that
//! follows on the host brings control back to the switch that started it. Tests serialise on
//! `testing::setup`, which calls `reset`.

extern crate std;

use super::{ecr, Efault, PtRegs, PAGE_SIZE};
use std::boxed::Box;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::vec::Vec;

pub const FAKE_RAM_BASE: u32 = 0x8000_0000;
pub const FAKE_RAM_SIZE: u32 = 8 << 20;
/// The PC a fake user access "faults" at, and where `fixup_exception` sends it.
pub const UACCESS_PC: u32 = 0x8000_1000;
pub const UACCESS_FIXUP_PC: u32 = 0x8000_1004;
const IDENTITY: u32 = 0x0000_0054;
const MMU_BUILD: u32 = 0x04E2_1A4A;

/// What a task body panics with to hand control back to the switch that started it once
/// the kernel has switched it out without ending it (e.g. preempted for the idle context):
/// on the host it is never resumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchedOut;

/// What `exit_run` panics with on the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitRun(pub u32);

#[derive(Clone, Copy, Debug)]
pub struct IrqFlags(bool);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub kstack_top: u32,
    pub shadow_top: u32,
}

struct Machine {
    irq_on: bool,
    pgd: u32,
    asid: u8,
    tlb_flushes: Vec<(u8, u32)>,
    tlb_flush_alls: u32,
    switches: Vec<(u32, u32)>,
    console: Vec<u8>,
    timer_limit: Option<u32>,
    timer_acks: u32,
    fail_next_get: bool,
    fail_next_put: bool,
    user_faults: u32,
    irq_before_next_put: bool,
    switch_hook: Option<fn()>,
    bodies: Vec<(u32, fn())>,
    started: Vec<u32>,
    programs: &'static [u8],
}

static MACHINE: Mutex<Machine> = Mutex::new(Machine {
    irq_on: false,
    pgd: 0,
    asid: 0,
    tlb_flushes: Vec::new(),
    tlb_flush_alls: 0,
    switches: Vec::new(),
    console: Vec::new(),
    timer_limit: None,
    timer_acks: 0,
    fail_next_get: false,
    fail_next_put: false,
    user_faults: 0,
    irq_before_next_put: false,
    switch_hook: None,
    bodies: Vec::new(),
    started: Vec::new(),
    programs: &[],
});

static RAM: OnceLock<usize> = OnceLock::new();

fn machine() -> MutexGuard<'static, Machine> {
    MACHINE.lock().unwrap_or_else(|e| e.into_inner())
}

fn ram() -> *mut u8 {
    *RAM.get_or_init(|| {
        let words = std::vec![0u64; (FAKE_RAM_SIZE / 8) as usize];
        Box::leak(words.into_boxed_slice()).as_mut_ptr() as usize
    }) as *mut u8
}

/// Back to power-on state: RAM zeroed, no address space, interrupts off, logs empty.
pub fn reset() {
    // Safety: the buffer is FAKE_RAM_SIZE bytes long.
    unsafe { core::ptr::write_bytes(ram(), 0, FAKE_RAM_SIZE as usize) };
    let mut m = machine();
    m.irq_on = false;
    m.pgd = 0;
    m.asid = 0;
    m.tlb_flushes.clear();
    m.tlb_flush_alls = 0;
    m.switches.clear();
    m.console.clear();
    m.timer_limit = None;
    m.timer_acks = 0;
    m.fail_next_get = false;
    m.fail_next_put = false;
    m.user_faults = 0;
    m.irq_before_next_put = false;
    m.switch_hook = None;
    m.bodies.clear();
    m.started.clear();
    m.programs = &[];
}

pub fn phys_ptr(pa: u32) -> *mut u8 {
    assert!(
        (FAKE_RAM_BASE..FAKE_RAM_BASE + FAKE_RAM_SIZE).contains(&pa),
        "physical address {pa:#x} outside fake RAM"
    );
    // Safety: in bounds, checked above.
    unsafe { ram().add((pa - FAKE_RAM_BASE) as usize) }
}

/// The fake's "kernel text": the first 64 KiB of fake RAM, for the oops's stack scan.
pub const FAKE_TEXT: (u32, u32) = (FAKE_RAM_BASE, FAKE_RAM_BASE + 0x1_0000);

pub fn kernel_text() -> (u32, u32) {
    FAKE_TEXT
}

pub fn ram_bounds() -> (u32, u32) {
    (FAKE_RAM_BASE, FAKE_RAM_BASE + FAKE_RAM_SIZE)
}

pub fn frame_pool() -> (u32, u32) {
    (FAKE_RAM_BASE, FAKE_RAM_BASE + FAKE_RAM_SIZE)
}

pub fn irq_disable() -> IrqFlags {
    let mut m = machine();
    let was = m.irq_on;
    m.irq_on = false;
    IrqFlags(was)
}

pub fn irq_restore(flags: IrqFlags) {
    machine().irq_on = flags.0;
}

pub fn irq_enable() {
    machine().irq_on = true;
}

/// On the host an interrupt "arrives" at once: a timer tick if the timer runs.
pub fn wait_for_interrupt() {
    if machine().timer_limit.is_some() {
        let mut regs = PtRegs {
            ecr: super::IRQ_ECR_MARK | 16,
            ..PtRegs::default()
        };
        crate::trap::interrupt(&mut regs, 16);
    }
}

pub fn mmu_switch(pgd_pa: u32, asid: u8) {
    let mut m = machine();
    m.pgd = pgd_pa;
    m.asid = asid;
}

pub fn tlb_flush_page(asid: u8, va: u32) {
    machine().tlb_flushes.push((asid, va & !(PAGE_SIZE - 1)));
}

pub fn tlb_flush_all() {
    machine().tlb_flush_alls += 1;
}

fn read_phys_u32(pa: u32) -> u32 {
    // Safety: phys_ptr checks the range; fake RAM has no alignment rule.
    unsafe { (phys_ptr(pa) as *const u32).read_unaligned() }
}

/// The refill's view: the physical address for `ua` if the current page tables let the
/// kernel access it (PRESENT and RK, or WK for a store). Kernel addresses are untranslated.
fn translate(ua: u32, write: bool) -> Result<u32, u32> {
    let cause = if write {
        ecr::CAUSE_STORE
    } else {
        ecr::CAUSE_LOAD
    };
    let miss = ecr::VEC_TLB_MISS_D << 16 | cause << 8;
    let protv = ecr::VEC_PROTV << 16 | cause << 8 | 0x08;
    if ua >= 0x8000_0000 {
        return if ua < FAKE_RAM_BASE + FAKE_RAM_SIZE {
            Ok(ua)
        } else {
            Err(protv)
        };
    }
    let pgd = machine().pgd;
    if pgd == 0 {
        return Err(miss);
    }
    let table = read_phys_u32(pgd + (ua >> 21) * 4);
    if table == 0 {
        return Err(miss);
    }
    let pte = read_phys_u32(table + ((ua >> 13) & 0xFF) * 4);
    if pte & (1 << 7) == 0 {
        return Err(miss);
    }
    let need = if write { 1 << 5 } else { 1 << 6 };
    if pte & need == 0 {
        return Err(protv);
    }
    Ok((pte & !(PAGE_SIZE - 1)) | (ua & (PAGE_SIZE - 1)))
}

/// One byte-or-word user access: translate, else raise the exception the hardware would and
/// let the kernel decide between resolving (retry) and the exception-table fixup (Efault).
fn user_access<T>(ua: u32, write: bool, f: impl Fn(u32) -> T) -> Result<T, Efault> {
    for _ in 0..8 {
        let injected = {
            let mut m = machine();
            let flag = if write {
                &mut m.fail_next_put
            } else {
                &mut m.fail_next_get
            };
            core::mem::replace(flag, false)
        };
        let cause = if write {
            ecr::CAUSE_STORE
        } else {
            ecr::CAUSE_LOAD
        };
        let result = if injected {
            Err(ecr::VEC_TLB_MISS_D << 16 | cause << 8)
        } else {
            translate(ua, write)
        };
        match result {
            Ok(pa) => return Ok(f(pa)),
            Err(ecr_value) => {
                machine().user_faults += 1;
                let mut regs = PtRegs {
                    ret: UACCESS_PC,
                    ecr: ecr_value,
                    efa: ua,
                    ..PtRegs::default()
                };
                crate::trap::exception(&mut regs);
                if regs.ret == UACCESS_FIXUP_PC {
                    return Err(Efault);
                }
            }
        }
    }
    panic!("user access at {ua:#x} livelocked: the fault handler returns without mapping");
}

fn misaligned(ua: u32) -> Result<(), Efault> {
    if ua.is_multiple_of(4) {
        return Ok(());
    }
    // The core (no unaligned option) raises Misaligned; the kernel must fix it up.
    let mut regs = PtRegs {
        ret: UACCESS_PC,
        ecr: ecr::VEC_MISALIGNED << 16,
        efa: ua,
        ..PtRegs::default()
    };
    crate::trap::exception(&mut regs);
    assert_eq!(
        regs.ret, UACCESS_FIXUP_PC,
        "misaligned user access not fixed up"
    );
    Err(Efault)
}

pub fn get_user_u32(ua: u32) -> Result<u32, Efault> {
    misaligned(ua)?;
    user_access(ua, false, read_phys_u32)
}

pub fn put_user_u32(ua: u32, v: u32) -> Result<(), Efault> {
    misaligned(ua)?;
    if core::mem::replace(&mut machine().irq_before_next_put, false) {
        let mut regs = PtRegs {
            ecr: super::IRQ_ECR_MARK | 16,
            ..PtRegs::default()
        };
        crate::trap::interrupt(&mut regs, 16);
    }
    user_access(ua, true, |pa| {
        // Safety: phys_ptr checks the range.
        unsafe { (phys_ptr(pa) as *mut u32).write_unaligned(v) }
    })
}

pub fn copy_from_user(dst: &mut [u8], ua: u32) -> Result<(), Efault> {
    for (i, byte) in dst.iter_mut().enumerate() {
        // Safety: phys_ptr checks the range.
        *byte = user_access(ua.wrapping_add(i as u32), false, |pa| unsafe {
            *phys_ptr(pa)
        })?;
    }
    Ok(())
}

pub fn copy_to_user(ua: u32, src: &[u8]) -> Result<(), Efault> {
    for (i, &byte) in src.iter().enumerate() {
        // Safety: phys_ptr checks the range.
        user_access(ua.wrapping_add(i as u32), true, |pa| unsafe {
            *phys_ptr(pa) = byte
        })?;
    }
    Ok(())
}

pub fn fixup_exception(regs: &mut PtRegs) -> bool {
    if regs.ret == UACCESS_PC || regs.ret == NOFAULT_UACCESS_PC {
        regs.ret = UACCESS_FIXUP_PC;
        true
    } else {
        false
    }
}

/// The PC of a fake user access that must not be resolved in place (as the ARC side's
/// cmpxchg fast path, which runs with interrupts off).
pub const NOFAULT_UACCESS_PC: u32 = UACCESS_PC + 0x40;

pub fn fault_must_not_resolve(regs: &PtRegs) -> bool {
    regs.ret == NOFAULT_UACCESS_PC
}

pub fn context_new(kstack_top: u32, shadow_top: u32) -> Context {
    machine().started.retain(|&k| k != kstack_top);
    Context {
        kstack_top,
        shadow_top,
    }
}

/// Records the switch and returns at once, as if `next` ran and switched back.
///
/// # Safety
/// Both pointers must be valid.
pub unsafe fn context_switch(prev: *mut Context, next: *const Context) {
    let (p, n) = unsafe { ((*prev).kstack_top, (*next).kstack_top) };
    let hook = {
        let mut m = machine();
        m.switches.push((p, n));
        m.switch_hook.take()
    };
    if let Some(hook) = hook {
        hook();
    }
    run_body(n);
}

/// Run the registered body of a fresh task whose kernel stack tops at `kstack_top`.
fn run_body(kstack_top: u32) {
    if kstack_top == 0 {
        return;
    }
    let frame = kstack_top - super::PTREGS_SIZE;
    if !(FAKE_RAM_BASE..FAKE_RAM_BASE + FAKE_RAM_SIZE).contains(&frame) {
        return;
    }
    // Safety: the frame lies inside fake RAM (checked above).
    let pc = unsafe { (phys_ptr(frame) as *const PtRegs).read_unaligned() }.ret;
    let body = {
        let mut m = machine();
        if m.started.contains(&kstack_top) {
            return;
        }
        let Some(&(_, body)) = m.bodies.iter().find(|(at, _)| *at == pc) else {
            return;
        };
        m.started.push(kstack_top);
        body
    };
    let Err(payload) = std::panic::catch_unwind(body) else {
        panic!("task body at {pc:#x} returned without ending its task");
    };
    if payload.is::<SwitchedOut>() {
        return;
    }
    let text = payload.downcast_ref::<&str>().copied().unwrap_or_default();
    if !text.contains("dead task was switched back in") {
        std::panic::resume_unwind(payload);
    }
}

pub fn timer_start(limit: u32) {
    machine().timer_limit = Some(limit);
}

pub fn timer_ack() {
    machine().timer_acks += 1;
}

pub fn console_write(bytes: &[u8]) {
    machine().console.extend_from_slice(bytes);
}

pub fn exit_run(status: u32) -> ! {
    std::panic::panic_any(ExitRun(status))
}

pub fn user_programs() -> &'static [u8] {
    machine().programs
}

pub fn identity() -> u32 {
    IDENTITY
}

/// The host model stands in for the ARCv2 port.
pub const MMU_VERSION: u32 = 4;

/// As on ARC (`arc.rs`): the ARCv2 port's MMU as a literal.
#[macro_export]
macro_rules! arch_mmu_name {
    () => {
        "MMUv4"
    };
}

pub fn mmu_build() -> u32 {
    MMU_BUILD
}

// Test hooks.

/// The next `get_user_u32`/`copy_from_user` byte faults once as if the page were absent.
pub fn inject_get_user_fault() {
    machine().fail_next_get = true;
}

/// The next `put_user_u32`/`copy_to_user` byte faults once as if the page were absent.
pub fn inject_put_user_fault() {
    machine().fail_next_put = true;
}

/// Console output since the last call.
pub fn take_console() -> std::string::String {
    let bytes = core::mem::take(&mut machine().console);
    std::string::String::from_utf8_lossy(&bytes).into_owned()
}

pub fn tlb_flushes() -> Vec<(u8, u32)> {
    machine().tlb_flushes.clone()
}

pub fn tlb_flush_alls() -> u32 {
    machine().tlb_flush_alls
}

/// `(prev.kstack_top, next.kstack_top)` of every context switch so far.
pub fn switches() -> Vec<(u32, u32)> {
    machine().switches.clone()
}

pub fn current_mmu() -> (u32, u8) {
    let m = machine();
    (m.pgd, m.asid)
}

pub fn timer_limit() -> Option<u32> {
    machine().timer_limit
}

pub fn user_faults() -> u32 {
    machine().user_faults
}

/// When a task starting at `entry` first runs, `body` runs in its place (see the top).
pub fn set_task_body(entry: u32, body: fn()) {
    machine().bodies.push((entry, body));
}

/// A timer interrupt arrives just before the next `put_user_u32` stores.
pub fn inject_irq_before_next_put_user() {
    machine().irq_before_next_put = true;
}

/// Run `hook` once, at the next context switch: what "the other task" does while it has
/// the CPU.
pub fn set_switch_hook(hook: fn()) {
    machine().switch_hook = Some(hook);
}

pub fn set_user_programs(table: Vec<u8>) {
    machine().programs = Box::leak(table.into_boxed_slice());
}
