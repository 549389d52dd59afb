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

#[no_mangle]
pub extern "C" fn trap_syscall(regs: *mut PtRegs) {
    // Safety: the entry code passes the frame it just saved on this task's kernel stack.
    let regs = unsafe { &mut *regs };
    syscalls::dispatch(regs);
    return_to_user(regs);
}

#[no_mangle]
pub extern "C" fn trap_exception(regs: *mut PtRegs) {
    // Safety: as in trap_syscall.
    let regs = unsafe { &mut *regs };
    if regs.from_user() {
        user_exception(regs);
        return_to_user(regs);
    } else {
        kernel_exception(regs);
    }
}

#[no_mangle]
pub extern "C" fn trap_irq(_regs: *mut PtRegs, irq: u32) {
    // Counted as atomic while the handler runs, like Linux's hardirq count.
    sched::preempt_disable();
    if irq == board::TIMER0_IRQ {
        arch::timer_ack();
        sched::tick();
    }
    // Leave the count without the reschedule preempt_enable would do: it comes next, here.
    sched::preempt_enable_no_resched();
    if sched::preempt_count() == 0 && sched::need_resched() {
        sched::schedule();
    }
}

fn return_to_user(regs: &mut PtRegs) {
    signal::deliver_pending(regs);
    if sched::need_resched() {
        sched::schedule();
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
    matches!(vector, ecr::VEC_TLB_MISS_I | ecr::VEC_TLB_MISS_D | ecr::VEC_PROTV)
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
    if is_memory_fault(vector) && regs.efa < TASK_SIZE {
        // A user accessor touched an absent or protected user page. Outside atomic context
        // take the fault for it (the access is then retried); otherwise, or if the address
        // is bad, the access fails through its exception-table entry.
        if !sched::in_atomic() {
            if let Some(mm) = task::current_mm() {
                if handle_mm_fault(mm, regs.efa, fault_access(regs.ecr)).is_ok() {
                    return;
                }
            }
        }
        if arch::fixup_exception(regs) {
            return;
        }
    }
    if vector == ecr::VEC_MISALIGNED && arch::fixup_exception(regs) {
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
            let _ = core::fmt::Write::write_fmt(&mut line, format_args!(" r{}={:#010x}", n * 4 + k, w));
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
    arch::exit_run(OOPS_STATUS)
}
