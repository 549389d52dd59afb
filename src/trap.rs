//! The three entries from assembly (docs/design.md, "Rust ⇄ assembly boundary").
//!
//! - `trap_syscall`: Trap with parameter 0 from user mode.
//! - `trap_exception`: every other exception the TLB fast path could not handle. From user
//!   mode a fault the mm cannot resolve becomes a signal; from kernel mode a fault on a user
//!   address is resolved (or, in atomic context, handed to the exception-table fixup) and
//!   anything else is an oops that ends the run.
//! - `trap_irq`: interrupts. The timer tick drives the scheduler; a reschedule that came due
//!   happens here, at the end, when nothing holds preemption off.

use crate::arch::{self, ecr, PtRegs};
use crate::mm::fault::{handle_mm_fault, Access};
use crate::mm::TASK_SIZE;
use crate::signal::{self, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP};
use crate::{board, sched, syscalls, task};

/// Exit status of a run that ended in an oops.
pub const OOPS_STATUS: u32 = 2;

/// # Safety
/// `regs` is the frame the entry code just saved on the current task's kernel stack (so
/// for all three exports).
#[no_mangle]
pub unsafe extern "C" fn trap_syscall(regs: *mut PtRegs) {
    syscall(unsafe { &mut *regs });
}

/// A system call on a frame without the callee-saved registers (ARCv2's entry), number
/// `nr`. Returns the user's r0 in the high word (the entry stores it in the frame: the
/// ARC ABI returns a u64 in r0/r1) and in the low word 0, or 1 if the way back to user
/// mode has work (the entry then saves the rest of the frame and calls
/// `trap_user_work`), or `LEAN_WHOLE_FRAME`, having done nothing, for the calls in
/// `syscalls::WHOLE_FRAME_CALLS` (the entry then saves the rest and calls
/// `trap_syscall`; r0 is the frame's own).
///
/// # Safety
/// As for `trap_syscall`.
#[no_mangle]
pub unsafe extern "C" fn trap_syscall_lean(regs: *mut PtRegs, nr: u32) -> u64 {
    let regs = unsafe { &mut *regs };
    let (r0, answer) = match syscalls::dispatch_lean(regs, nr) {
        Some(r0) => (r0, sched::take_user_work() as u32),
        None => (regs.arg(0), LEAN_WHOLE_FRAME),
    };
    (r0 as u64) << 32 | answer as u64
}

/// `trap_syscall_lean`'s answer for a call it did not run: it needs the whole frame
/// (`entry.S` knows the value: 0 = done, 1 = work on the way back, 2 = this).
pub const LEAN_WHOLE_FRAME: u32 = 2;

/// # Safety
/// As for `trap_syscall`, and the frame is whole.
#[no_mangle]
pub unsafe extern "C" fn trap_user_work(regs: *mut PtRegs) {
    return_to_user_with_work(unsafe { &mut *regs });
}

/// # Safety
/// As for `trap_syscall`.
#[no_mangle]
pub unsafe extern "C" fn trap_exception(regs: *mut PtRegs) {
    exception(unsafe { &mut *regs });
}

/// # Safety
/// As for `trap_syscall`.
#[no_mangle]
pub unsafe extern "C" fn trap_irq(regs: *mut PtRegs, irq: u32) {
    interrupt(unsafe { &mut *regs }, irq);
}

// The bodies of the exports, callable (and able to unwind) in host tests.

pub fn syscall(regs: &mut PtRegs) {
    syscalls::dispatch(regs);
    return_to_user(regs);
}

pub fn exception(regs: &mut PtRegs) {
    if regs.from_user() {
        user_exception(regs);
        return_to_user(regs);
    } else {
        kernel_exception(regs);
    }
}

pub fn interrupt(regs: &mut PtRegs, irq: u32) {
    // Counted as atomic while the handler runs, like Linux's hardirq count.
    sched::preempt_disable();
    if irq == board::TIMER0_IRQ {
        arch::timer_ack();
        sched::tick();
    }
    // Leave the count without the reschedule preempt_enable would do: it comes next, here.
    sched::preempt_enable_no_resched();
    if regs.from_user() {
        // Interrupted in user mode: this is a return to user mode like any other, so
        // kills and signals take effect here too (a task that never enters the kernel
        // would otherwise never see them).
        return_to_user(regs);
    } else if sched::preempt_count() == 0 && sched::need_resched() {
        sched::schedule();
    }
}

/// The safe point on every way back to user mode: the task holds nothing of the kernel's
/// here, so a kill ends it, a pending signal is delivered, and a switch away leaves it
/// where a later kill may end it on the spot.
#[inline(always)]
fn return_to_user(regs: &mut PtRegs) {
    // The common case, no work, costs two loads in the caller.
    if sched::take_user_work() {
        return_to_user_with_work(regs);
    }
}

#[inline(never)]
fn return_to_user_with_work(regs: &mut PtRegs) {
    loop {
        task::die_if_killed();
        // Switch first: delivering touches the task table, and leaving a critical
        // section with a reschedule due switches there, where a kill only marks.
        if sched::need_resched() {
            sched::schedule_at_safe_point();
            continue;
        }
        signal::deliver_pending(regs);
        if !sched::need_resched() {
            return;
        }
    }
}

/// The access a TLBMiss/ProtV ECR describes.
fn fault_access(ecr_value: u32) -> Access {
    if ecr::vector(ecr_value) == ecr::VEC_TLB_MISS_I {
        return Access::Exec;
    }
    match ecr::cause(ecr_value) {
        ecr::CAUSE_FETCH => Access::Exec,
        ecr::CAUSE_LOAD => Access::Read,
        _ => Access::Write,
    }
}

fn is_memory_fault(vector: u32) -> bool {
    matches!(
        vector,
        ecr::VEC_TLB_MISS_I | ecr::VEC_TLB_MISS_D | ecr::VEC_PROTV
    )
}

fn user_exception(regs: &mut PtRegs) {
    let vector = ecr::vector(regs.ecr);
    let sig = match vector {
        v if is_memory_fault(v) => {
            // TLBMissI reports the fetch address in EFA as well.
            let resolved = task::current_mm()
                .is_some_and(|mm| handle_mm_fault(mm, regs.efa, fault_access(regs.ecr)).is_ok());
            if resolved {
                return;
            }
            SIGSEGV
        }
        ecr::VEC_PRIVILEGE | ecr::VEC_INSN_ERROR | ecr::VEC_EXTENSION => SIGILL,
        ecr::VEC_MISALIGNED | ecr::VEC_DC_ERROR | 1 => SIGBUS,
        ecr::VEC_DIV_ZERO => SIGFPE,
        ecr::VEC_SWI => SIGTRAP,
        ecr::VEC_TRAP if ecr::param(regs.ecr) == 0 => {
            syscalls::dispatch(regs);
            return;
        }
        ecr::VEC_TRAP => SIGTRAP,
        _ => oops(regs, "unexpected exception from user mode"),
    };
    let addr = match vector {
        v if is_memory_fault(v) || v == ecr::VEC_MISALIGNED => regs.efa,
        _ => regs.ret,
    };
    signal::force_sig(sig, addr);
}

fn kernel_exception(regs: &mut PtRegs) {
    let vector = ecr::vector(regs.ecr);
    // A user accessor touched an absent or protected user page: outside atomic context
    // take the fault for it, and the access is retried. The kernel never executes user
    // memory, so a fetch fault is a bug (or a core that dropped to kernel mode while
    // running user code, as QEMU's user-mode FLAG does): resolving it would only retry
    // the fetch for ever.
    let fetch = fault_access(regs.ecr) == Access::Exec;
    let may_resolve = !sched::in_atomic() && !arch::fault_must_not_resolve(regs);
    if is_memory_fault(vector) && !fetch && regs.efa < TASK_SIZE && may_resolve {
        if let Some(mm) = task::current_mm() {
            if handle_mm_fault(mm, regs.efa, fault_access(regs.ecr)).is_ok() {
                return;
            }
        }
    }
    // Otherwise a faulting accessor (any address, also misaligned) fails through its
    // exception-table entry; a fault anywhere else in the kernel is a bug.
    let accessor_fault = is_memory_fault(vector) || vector == ecr::VEC_MISALIGNED;
    if accessor_fault && arch::fixup_exception(regs) {
        return;
    }
    oops(regs, "kernel fault");
}

/// Print everything the frame says and end the run with a failure status.
pub fn oops(regs: &PtRegs, why: &str) -> ! {
    let vector = ecr::vector(regs.ecr);
    kprintln!(
        "OOPS {why}: {} cause={} param={:#x} ECR={:#010x} EFA={:#010x} ERET={:#010x} STATUS32={:#010x} BTA={:#010x}",
        ecr::vector_name(vector),
        ecr::cause(regs.ecr),
        ecr::param(regs.ecr),
        regs.ecr,
        regs.efa,
        regs.ret,
        regs.status32,
        regs.bta
    );
    for row in regs.r.chunks(4).enumerate() {
        let (n, words) = row;
        let mut line = crate::kprint::Line::new();
        for (k, w) in words.iter().enumerate() {
            let _ =
                core::fmt::Write::write_fmt(&mut line, format_args!(" r{}={:#010x}", n * 4 + k, w));
        }
        line.finish();
    }
    kprintln!(
        " fp={:#010x} sp={:#010x} blink={:#010x} r30={:#010x} lp_count={:#010x}",
        regs.fp,
        regs.sp,
        regs.blink,
        regs.r30,
        regs.lp_count
    );
    print_call_chain(regs);
    arch::exit_run(OOPS_STATUS)
}

/// Words scanned above the faulting frame, and return addresses printed at most.
const STACK_SCAN_WORDS: u32 = 512;
const CALL_CHAIN_MAX: usize = 16;

/// The call chain as far as it can be had: the lowered C keeps no frame chain to unwind,
/// so, as Linux does without an unwinder, print BLINK and then every word on the kernel
/// stack above the frame that points into kernel code, innermost first. A word that only
/// looks like a code address can appear too; the host symbolises the list from kernel.elf
/// (`cargo xtask run`).
fn print_call_chain(regs: &PtRegs) {
    let (text_lo, text_hi) = arch::kernel_text();
    let in_text = |w: u32| (text_lo..text_hi).contains(&w) && w & 1 == 0;
    if in_text(regs.blink) {
        kprintln!(" CALL {:#010x} (blink)", regs.blink);
    }
    let (ram_lo, ram_hi) = arch::ram_bounds();
    let mut found = 0;
    let mut sp = regs.sp & !3;
    for _ in 0..STACK_SCAN_WORDS {
        if found == CALL_CHAIN_MAX || sp < ram_lo || sp > ram_hi - 4 {
            break;
        }
        // Safety: a kernel RAM address, checked above; the stack is identity-mapped.
        let w = unsafe { (arch::phys_ptr(sp) as *const u32).read() };
        if in_text(w) {
            kprintln!(" CALL {w:#010x} (stack {sp:#010x})");
            found += 1;
        }
        sp += 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::{fake, status32};
    use crate::mm::{self, pagetable::pte, vma::Prot};
    use crate::task::ExitStatus;
    use crate::testing;

    const DATA: u32 = 0x1_0000;
    const PC: u32 = 0x1_0020;

    fn user_frame(ecr_value: u32, efa: u32) -> PtRegs {
        PtRegs {
            ecr: ecr_value,
            efa,
            ret: PC,
            status32: status32::USER_INITIAL,
            ..PtRegs::default()
        }
    }

    fn kernel_frame(ecr_value: u32, efa: u32) -> PtRegs {
        PtRegs {
            ecr: ecr_value,
            efa,
            ret: fake::UACCESS_PC,
            status32: 0,
            ..PtRegs::default()
        }
    }

    const LOAD_MISS: u32 = 0x0005_0100;
    const STORE_MISS: u32 = 0x0005_0200;
    const STORE_PROTV: u32 = 0x0006_0208;

    /// The signal a user exception ends the process with.
    fn fatal(ecr_value: u32, efa: u32) -> ExitStatus {
        let p = testing::process(&[(DATA, 0x2000, Prot::R)]);
        testing::expect_task_end(|| exception(&mut user_frame(ecr_value, efa)));
        testing::status_of(p.pid).expect("group ended")
    }

    fn sig_of(s: ExitStatus) -> u32 {
        match s {
            ExitStatus::Signal { sig, .. } => sig,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn user_fault_in_an_area_is_resolved_without_a_signal() {
        let _t = testing::setup();
        let p = testing::process(&[(DATA, 0x2000, Prot::R | Prot::W)]);
        let mut regs = user_frame(STORE_MISS, DATA + 4);
        exception(&mut regs);
        assert_eq!(regs.ret, PC, "the instruction is retried");
        assert_ne!(mm::with(p.mm, |m| m.pt.get(DATA)) & pte::WRITE, 0);
        assert_eq!(crate::signal::pending(), None);
    }

    #[test]
    fn unresolvable_user_faults_are_sigsegv_with_the_report_fields() {
        let _t = testing::setup();
        assert_eq!(
            fatal(LOAD_MISS, 0x3000_0000),
            ExitStatus::Signal {
                sig: SIGSEGV,
                addr: 0x3000_0000,
                pc: PC,
                word: None
            }
        );
        // A store to a read-only page: the report shows the word left unchanged.
        let p = testing::process(&[(DATA, 0x2000, Prot::R | Prot::W)]);
        arch::put_user_u32(DATA + 8, 0x6666_0006).unwrap();
        mm::with(p.mm, |m| m.protect(DATA, DATA + 0x2000, Prot::R)).unwrap();
        testing::expect_task_end(|| exception(&mut user_frame(STORE_PROTV, DATA + 8)));
        assert_eq!(
            testing::status_of(p.pid),
            Some(ExitStatus::Signal {
                sig: SIGSEGV,
                addr: DATA + 8,
                pc: PC,
                word: Some(0x6666_0006)
            })
        );
        assert_eq!(
            sig_of(fatal(0x0006_0008, 0x8000_0000)),
            SIGSEGV,
            "user access to kernel space"
        );
        assert_eq!(
            sig_of(fatal(0x0004_0000, DATA)),
            SIGSEGV,
            "fetch from a non-executable area"
        );
    }

    #[test]
    fn other_exceptions_map_to_their_signals() {
        let _t = testing::setup();
        let cases = [
            (ecr::VEC_PRIVILEGE << 16, SIGILL),
            (ecr::VEC_INSN_ERROR << 16, SIGILL),
            (ecr::VEC_MISALIGNED << 16 | 0x0100, SIGBUS),
            (ecr::VEC_DIV_ZERO << 16, SIGFPE),
            (ecr::VEC_TRAP << 16 | 1, SIGTRAP),
            (ecr::VEC_SWI << 16, SIGTRAP),
        ];
        for (ecr_value, sig) in cases {
            assert_eq!(
                sig_of(fatal(ecr_value, DATA + 2)),
                sig,
                "ECR {ecr_value:#x}"
            );
        }
    }

    #[test]
    fn trap_with_parameter_zero_is_a_system_call() {
        let _t = testing::setup();
        let p = testing::process(&[]);
        let mut regs = user_frame(ecr::VEC_TRAP << 16, 0);
        regs.r[8] = crate::syscalls::NR_GETPID;
        exception(&mut regs);
        assert_eq!(regs.r[0], p.pid);
    }

    #[test]
    fn kernel_fault_on_a_user_address_resolves_or_fixes_up() {
        let _t = testing::setup();
        let p = testing::process(&[(DATA, 0x4000, Prot::R | Prot::W)]);
        let mut regs = kernel_frame(STORE_MISS, DATA);
        exception(&mut regs);
        assert_eq!(
            regs.ret,
            fake::UACCESS_PC,
            "resolved: the access is retried"
        );
        assert_ne!(mm::with(p.mm, |m| m.pt.get(DATA)) & pte::PRESENT, 0);

        sched::preempt_disable();
        let mut regs = kernel_frame(STORE_MISS, DATA + 0x2000);
        exception(&mut regs);
        sched::preempt_enable();
        assert_eq!(
            regs.ret,
            fake::UACCESS_FIXUP_PC,
            "atomic: exception-table fixup"
        );
        assert_eq!(
            mm::with(p.mm, |m| m.pt.get(DATA + 0x2000)),
            0,
            "and nothing was mapped"
        );

        let mut regs = kernel_frame(STORE_MISS, DATA + 0x2000);
        regs.ret = fake::NOFAULT_UACCESS_PC;
        exception(&mut regs);
        assert_eq!(
            regs.ret,
            fake::UACCESS_FIXUP_PC,
            "an interrupts-off accessor (cmpxchg fast path): fixup"
        );
        assert_eq!(mm::with(p.mm, |m| m.pt.get(DATA + 0x2000)), 0);

        let mut regs = kernel_frame(LOAD_MISS, 0x3000_0000);
        exception(&mut regs);
        assert_eq!(regs.ret, fake::UACCESS_FIXUP_PC, "no area: fixup");

        let mut regs = kernel_frame(LOAD_MISS, 0x6000_0000);
        exception(&mut regs);
        assert_eq!(
            regs.ret,
            fake::UACCESS_FIXUP_PC,
            "beyond user space: fixup, not an oops"
        );
    }

    #[test]
    fn kernel_fault_elsewhere_is_an_oops() {
        let _t = testing::setup();
        let _p = testing::process(&[]);
        fake::take_console();
        let status = testing::expect_exit_run(|| {
            let mut regs = kernel_frame(LOAD_MISS, 0x3000_0000);
            regs.ret = 0x8000_4444;
            exception(&mut regs);
        });
        assert_eq!(status, OOPS_STATUS);
        let out = fake::take_console();
        assert!(out.contains("OOPS kernel fault: TLBMissD cause=1"), "{out}");
        assert!(
            out.contains("EFA=0x30000000") && out.contains("ERET=0x80004444"),
            "{out}"
        );
        assert!(out.contains(" r26=0x00000000"), "{out}");
        assert!(
            !out.contains(" CALL "),
            "no code addresses, no call chain: {out}"
        );
    }

    /// Kernel mode fetching from user text (QEMU drops to kernel mode on a user FLAG) is
    /// an oops, not a fault to resolve and retry for ever.
    #[test]
    fn kernel_mode_fetch_from_user_text_is_an_oops() {
        let _t = testing::setup();
        let _p = testing::process(&[(DATA, 0x2000, Prot::R | Prot::X)]);
        fake::take_console();
        for ecr_value in [0x0004_0000, 0x0006_0008] {
            let status = testing::expect_exit_run(|| {
                let mut regs = kernel_frame(ecr_value, DATA + 0x10);
                regs.ret = DATA + 0x10;
                exception(&mut regs);
            });
            assert_eq!(status, OOPS_STATUS, "ECR {ecr_value:#x}");
            let out = fake::take_console();
            assert!(
                out.contains("OOPS kernel fault") && out.contains("ERET=0x00010010"),
                "{out}"
            );
        }
    }

    #[test]
    fn oops_lists_blink_and_code_addresses_on_the_kernel_stack() {
        let _t = testing::setup();
        let _p = testing::process(&[]);
        let stack = crate::mm::frame::alloc().unwrap();
        let (text, _) = fake::FAKE_TEXT;
        let word = |off: u32, v: u32| unsafe { (arch::phys_ptr(stack + off) as *mut u32).write(v) };
        word(0, 0x1234); // data, not code
        word(8, text + 0x1230); // a return address
        word(12, text + 0x1231); // odd: not an instruction address
        word(20, text + 0x2000);
        fake::take_console();
        let status = testing::expect_exit_run(|| {
            let mut regs = kernel_frame(LOAD_MISS, 0x3000_0000);
            regs.ret = 0x8000_4444; // not a user-access instruction: no fixup
            regs.sp = stack;
            regs.blink = text + 0x40;
            exception(&mut regs);
        });
        assert_eq!(status, OOPS_STATUS);
        let out = fake::take_console();
        let calls: std::vec::Vec<&str> = out.lines().filter(|l| l.starts_with(" CALL ")).collect();
        assert_eq!(calls.len(), 3, "{out}");
        assert!(
            calls[0].starts_with(&format!(" CALL {:#010x} (blink)", text + 0x40)),
            "{out}"
        );
        assert!(calls[1].starts_with(&format!(
            " CALL {:#010x} (stack {:#010x})",
            text + 0x1230,
            stack + 8
        )));
        assert!(calls[2].starts_with(&format!(" CALL {:#010x}", text + 0x2000)));
    }

    #[test]
    fn timer_interrupt_ticks_and_preempts_only_outside_atomic_sections() {
        let _t = testing::setup();
        let _p = testing::process(&[]);
        testing::spawn_sibling();
        let me = sched::current();
        sched::preempt_disable();
        interrupt(&mut PtRegs::default(), board::TIMER0_IRQ);
        assert_eq!(sched::ticks(), 1);
        assert_eq!(sched::current(), me, "atomic: the switch waits");
        assert!(sched::need_resched());
        sched::preempt_enable();
        assert_ne!(sched::current(), me, "switched at preempt_enable");
        let other = sched::current();
        interrupt(&mut PtRegs::default(), board::TIMER0_IRQ);
        assert_eq!(sched::current(), me, "switched at the end of trap_irq");
        assert_ne!(me, other);
        interrupt(&mut PtRegs::default(), 24);
        assert_eq!(sched::ticks(), 2, "other lines do not tick");
    }
}
