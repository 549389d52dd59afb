//! Signals, default actions only: every fatal signal terminates the whole thread group and
//! leaves a `TASK ... signal=` record. There are no handlers, masks or queues.
//!
//! A signal raised against the running task (`force_sig`) is held until the task is about
//! to return to user space (`deliver_pending`), so a system call like arc_usr_cmpxchg can
//! still set its return value first, as Linux does. Signals to other groups (`kill`) act at
//! once: their threads are switched out and are simply never resumed.

use crate::arch::PtRegs;
use crate::mm;
use crate::task::{self, ExitStatus, PendingSignal};

pub const SIGILL: u32 = 4;
pub const SIGTRAP: u32 = 5;
pub const SIGBUS: u32 = 7;
pub const SIGFPE: u32 = 8;
pub const SIGKILL: u32 = 9;
pub const SIGSEGV: u32 = 11;
pub const SIGTERM: u32 = 15;
pub const SIGCHLD: u32 = 17;
pub const SIGCONT: u32 = 18;
pub const SIGURG: u32 = 23;
pub const SIGWINCH: u32 = 28;
/// Signals 32..=64 are real-time signals; their default action also terminates.
pub const NSIG: u32 = 64;

const NAMES: [&str; 32] = [
    "SIG0",
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
];

pub fn name(sig: u32) -> &'static str {
    NAMES.get(sig as usize).copied().unwrap_or("SIGRT")
}

/// Default action "ignore". (Stop signals also end up here: there is no job control.)
pub fn ignored_by_default(sig: u32) -> bool {
    matches!(sig, SIGCHLD | SIGCONT | SIGURG | SIGWINCH | 19..=22)
}

/// Raise `sig` against the running task, caused at user address `addr`.
pub fn force_sig(sig: u32, addr: u32) {
    task::with_current(|t| {
        t.pending.get_or_insert(PendingSignal { sig, addr });
    });
}

pub fn pending() -> Option<PendingSignal> {
    task::with_current(|t| t.pending)
}

/// The report fields of a death by `sig` at `addr` in address space `mm`, with the task
/// stopped at `pc`.
pub fn status(mm: mm::MmId, sig: u32, addr: u32, pc: u32) -> ExitStatus {
    let word = mm::with(mm, |m| m.pt.peek_u32(addr));
    ExitStatus::Signal {
        sig,
        addr,
        pc,
        word,
    }
}

/// On the way back to user space: a pending fatal signal ends the group here.
pub fn deliver_pending(regs: &PtRegs) {
    if crate::sched::current() == crate::sched::IDLE {
        return;
    }
    if let Some(p) = pending() {
        let mm = task::with_current(|t| t.mm);
        task::exit_group(status(mm, p.sig, p.addr, regs.ret));
    }
}

/// kill(2) against group `tgid` (not the caller's own group).
pub fn kill_other(tgid: u32, sig: u32, user_regs_pa: u32) {
    if ignored_by_default(sig) {
        return;
    }
    // Safety: the target's saved user frame lies at the top of its kernel stack.
    let pc = unsafe { (crate::arch::phys_ptr(user_regs_pa) as *const PtRegs).read_unaligned() }.ret;
    task::kill_group(
        tgid,
        ExitStatus::Signal {
            sig,
            addr: 0,
            pc,
            word: None,
        },
    );
}
