//! Signals as Linux ARC has them: rt_sigaction, rt_sigprocmask, rt_sigreturn, the ARC
//! `rt_sigframe` (siginfo, then a ucontext whose mcontext is ARC's `user_regs_struct`
//! followed by `user_regs_arcv2`) on the user stack, the handler returning through the
//! user's SA_RESTORER stub. Without a handler the default action applies: a fatal signal
//! ends the thread group and leaves a `TASK ... signal=` record.
//!
//! Everything is delivered at the task's return to user mode (`deliver_pending`): a signal
//! the task raised itself (`force_sig`: a fault, a bad cmpxchg pointer) after its system
//! call has set its return value, as Linux does; one from kill(2) (`send`) from the
//! sigpending set once unblocked. A frame the kernel cannot write, or a sigreturn frame
//! that cannot be read or asks for more than user mode may have, is SIGSEGV.

use crate::arch::{status32, PtRegs};
use crate::errno::{Errno, EFAULT, EINVAL};
use crate::mm::{self, TASK_SIZE};
use crate::task::{self, ExitStatus, PendingSignal, SigAction};
use crate::umem;

pub const SIGILL: u32 = 4;
pub const SIGTRAP: u32 = 5;
pub const SIGBUS: u32 = 7;
pub const SIGFPE: u32 = 8;
pub const SIGKILL: u32 = 9;
pub const SIGUSR1: u32 = 10;
pub const SIGSTOP: u32 = 19;
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

/// Every signal at its default action.
pub const DEFAULT_ACTIONS: [SigAction; NSIG as usize] = [SigAction {
    handler: 0,
    flags: 0,
    restorer: 0,
    mask: 0,
}; NSIG as usize];

pub const SIG_DFL: u32 = 0;
pub const SIG_IGN: u32 = 1;
pub const SA_SIGINFO: u32 = 0x0000_0004;
pub const SA_RESTORER: u32 = 0x0400_0000;
pub const SA_ONSTACK: u32 = 0x0800_0000;
pub const SA_RESTART: u32 = 0x1000_0000;
pub const SA_NODEFER: u32 = 0x4000_0000;
pub const SA_RESETHAND: u32 = 0x8000_0000;
const SA_KNOWN: u32 =
    SA_SIGINFO | SA_RESTORER | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND | 0x3;

// si_code values (asm-generic siginfo.h).
pub const SI_USER: u32 = 0;
pub const SI_KERNEL: u32 = 0x80;
pub const SEGV_MAPERR: u32 = 1;
pub const SEGV_ACCERR: u32 = 2;
pub const BUS_ADRALN: u32 = 1;
pub const ILL_ILLOPC: u32 = 1;
pub const ILL_PRVOPC: u32 = 5;
pub const TRAP_BRKPT: u32 = 1;

/// Never blocked, caught or ignored.
const UNCATCHABLE: u64 = 1 << (SIGKILL - 1) | 1 << (SIGSTOP - 1);

fn bit(sig: u32) -> u64 {
    1u64 << (sig - 1)
}

/// Raise `sig` against the running task, caused at user address `addr`; `si_code` is
/// derived from the signal (for SIGSEGV: whether an area covers `addr`).
pub fn force_sig(sig: u32, addr: u32) {
    let code = match sig {
        SIGSEGV => {
            let mapped = addr < TASK_SIZE
                && task::current_mm().is_some_and(|m| mm::with(m, |m| m.vmas.find(addr).is_some()));
            if mapped {
                SEGV_ACCERR
            } else {
                SEGV_MAPERR
            }
        }
        SIGBUS => BUS_ADRALN,
        SIGTRAP => TRAP_BRKPT,
        _ => SI_KERNEL,
    };
    force_sig_code(sig, code, addr);
}

/// A new mask may unblock a pending signal: the way back to user mode must look.
fn set_blocked(mask: u64) {
    task::with_current(|t| t.blocked = mask & !UNCATCHABLE);
    crate::sched::note_user_work(crate::sched::current());
}

pub fn force_sig_code(sig: u32, code: u32, addr: u32) {
    task::with_current(|t| {
        t.pending.get_or_insert(PendingSignal { sig, addr, code });
    });
    crate::sched::note_user_work(crate::sched::current());
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

fn fatal(regs: &PtRegs, sig: u32, addr: u32) -> ! {
    let mm = task::with_current(|t| t.mm);
    task::exit_group(status(mm, sig, addr, regs.ret))
}

fn is_handler(a: &SigAction) -> bool {
    a.handler != SIG_DFL && a.handler != SIG_IGN
}

/// On the way back to user space: run the handler of one pending signal, or apply its
/// default action.
pub fn deliver_pending(regs: &mut PtRegs) {
    if crate::sched::current() == crate::sched::IDLE {
        return;
    }
    let (fault, set, blocked, tgid, pid) =
        task::with_current(|t| (t.pending.take(), t.sigpending, t.blocked, t.tgid, t.pid));
    if let Some(p) = fault {
        // A signal the task caused cannot be ignored or held back: with no handler to
        // take it (or with it blocked) it is fatal, as Linux's force_sig_fault makes it.
        let action = task::group_actions(tgid)[(p.sig - 1) as usize];
        if is_handler(&action) && blocked & bit(p.sig) == 0 {
            let info = SigInfo {
                sig: p.sig,
                code: p.code,
                word3: p.addr,
                word4: 0,
            };
            handle(regs, p.sig, &action, &info);
            return;
        }
        fatal(regs, p.sig, p.addr);
    }
    let ready = set & !blocked;
    if ready == 0 {
        return;
    }
    let sig = ready.trailing_zeros() + 1;
    task::with_current(|t| t.sigpending &= !bit(sig));
    let action = task::group_actions(tgid)[(sig - 1) as usize];
    if is_handler(&action) {
        let info = SigInfo {
            sig,
            code: SI_USER,
            word3: pid,
            word4: 0,
        };
        handle(regs, sig, &action, &info);
    } else if action.handler == SIG_DFL && !ignored_by_default(sig) {
        fatal(regs, sig, 0);
    }
}

/// The siginfo fields the kernel fills: si_signo, si_code and the first two words of the
/// union (si_addr for faults; si_pid, si_uid for kill).
struct SigInfo {
    sig: u32,
    code: u32,
    word3: u32,
    word4: u32,
}

// The ARC rt_sigframe, in bytes from its start (Linux arch/arc/kernel/signal.c):
// struct siginfo (128), then struct ucontext { uc_flags, uc_link, stack_t uc_stack (3
// words), struct sigcontext uc_mcontext, sigset_t uc_sigmask }, then sigret_magic.
pub const SIGINFO_SIZE: u32 = 128;
pub const UC_OFFSET: u32 = SIGINFO_SIZE;
pub const MCONTEXT_OFFSET: u32 = UC_OFFSET + 20;
/// user_regs_struct (40 words) + user_regs_arcv2 (r30, r58, r59).
pub const MCONTEXT_WORDS: usize = 43;
pub const SIGMASK_OFFSET: u32 = MCONTEXT_OFFSET + MCONTEXT_WORDS as u32 * 4;
pub const MAGIC_OFFSET: u32 = SIGMASK_OFFSET + 8;
pub const FRAME_SIZE: u32 = MAGIC_OFFSET + 4;
const MAGIC_SIGINFO: u32 = 0x0730_2004;

// Word indexes in the mcontext (user_regs_struct: pad, then scratch { bta, lp_start,
// lp_end, lp_count, status32, ret, blink, fp, gp, r12..r0, sp }, pad2, callee { r25..r13 },
// efa, stop_pc; then user_regs_arcv2 { r30, r58, r59 }).
pub const MC_BTA: usize = 1;
pub const MC_LP_START: usize = 2;
pub const MC_LP_END: usize = 3;
pub const MC_LP_COUNT: usize = 4;
pub const MC_STATUS32: usize = 5;
pub const MC_RET: usize = 6;
pub const MC_BLINK: usize = 7;
pub const MC_FP: usize = 8;
pub const MC_GP: usize = 9;
/// r12 here, r0 at `MC_R12 + 12`.
pub const MC_R12: usize = 10;
pub const MC_SP: usize = 23;
/// r25 here, r13 at `MC_R25 + 12`.
pub const MC_R25: usize = 25;
pub const MC_EFA: usize = 38;
pub const MC_STOP_PC: usize = 39;
pub const MC_R30: usize = 40;
pub const MC_R58: usize = 41;
pub const MC_R59: usize = 42;

fn mcontext_of(regs: &PtRegs) -> [u32; MCONTEXT_WORDS] {
    let mut mc = [0u32; MCONTEXT_WORDS];
    mc[MC_BTA] = regs.bta;
    mc[MC_LP_START] = regs.lp_start;
    mc[MC_LP_END] = regs.lp_end;
    mc[MC_LP_COUNT] = regs.lp_count;
    mc[MC_STATUS32] = regs.status32;
    mc[MC_RET] = regs.ret;
    mc[MC_BLINK] = regs.blink;
    mc[MC_FP] = regs.fp;
    mc[MC_GP] = regs.r[26];
    for n in 0..=12 {
        mc[MC_R12 + 12 - n] = regs.r[n];
    }
    mc[MC_SP] = regs.sp;
    for n in 13..=25 {
        mc[MC_R25 + 25 - n] = regs.r[n];
    }
    mc[MC_EFA] = regs.efa;
    mc[MC_STOP_PC] = regs.ret;
    mc[MC_R30] = regs.r30;
    mc[MC_R58] = regs.r58;
    mc[MC_R59] = regs.r59;
    mc
}

/// STATUS32 bits a sigreturn frame may change: the flags, the delay-slot bit (with BTA, a
/// task interrupted in a delay slot resumes there) and the loop-disable bit. Anything
/// else (U, IE, E[3:0], AE, H, ...) must be what the task has now, or the frame is forged.
pub const SIGRETURN_MUTABLE: u32 = status32::DE | status32::L | 0xF << 8;

/// Build the frame below the user sp and enter the handler; a frame that cannot be written
/// (bad sp) or a handler without a restorer is SIGSEGV.
fn handle(regs: &mut PtRegs, sig: u32, action: &SigAction, info: &SigInfo) {
    let sf = (regs.sp.wrapping_sub(FRAME_SIZE)) & !7;
    if action.flags & SA_RESTORER == 0 || !umem::access_ok(sf, FRAME_SIZE) || sf > regs.sp {
        fatal(regs, SIGSEGV, sf);
    }
    let old_mask = task::with_current(|t| t.blocked);
    let mut frame = [0u32; (FRAME_SIZE / 4) as usize];
    frame[0] = info.sig;
    frame[2] = info.code;
    frame[3] = info.word3;
    frame[4] = info.word4;
    let mc = mcontext_of(regs);
    let m0 = (MCONTEXT_OFFSET / 4) as usize;
    frame[m0..m0 + MCONTEXT_WORDS].copy_from_slice(&mc);
    frame[(SIGMASK_OFFSET / 4) as usize] = old_mask as u32;
    frame[(SIGMASK_OFFSET / 4) as usize + 1] = (old_mask >> 32) as u32;
    let siginfo = action.flags & SA_SIGINFO != 0;
    frame[(MAGIC_OFFSET / 4) as usize] = if siginfo { MAGIC_SIGINFO } else { 0 };
    let mut bytes = [0u8; FRAME_SIZE as usize];
    for (i, w) in frame.iter().enumerate() {
        bytes[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    if umem::copy_to_user(sf, &bytes).is_err() {
        fatal(regs, SIGSEGV, sf);
    }
    task::with_current(|t| {
        let mut add = action.mask;
        if action.flags & SA_NODEFER == 0 {
            add |= bit(sig);
        }
        t.blocked |= add & !UNCATCHABLE;
    });
    if action.flags & SA_RESETHAND != 0 {
        task::with_group_actions(|a| a[(sig - 1) as usize] = SigAction::default());
    }
    regs.r[0] = sig;
    regs.r[1] = if siginfo { sf } else { 0 };
    regs.r[2] = if siginfo { sf + UC_OFFSET } else { 0 };
    regs.sp = sf;
    regs.blink = action.restorer;
    regs.ret = action.handler;
    // The handler starts fresh: not in a delay slot, and with zero-overhead loops off, as
    // LP_START/LP_END still describe the interrupted code's loop.
    regs.status32 = (regs.status32 & !status32::DE) | status32::L;
}

/// rt_sigreturn: restore what the frame at the user sp says, if user mode may have it.
pub fn sys_rt_sigreturn(regs: &mut PtRegs) -> u32 {
    let sf = regs.sp;
    let mut bytes = [0u8; (MCONTEXT_WORDS * 4 + 8)];
    if !umem::access_ok(sf, FRAME_SIZE)
        || umem::copy_from_user(&mut bytes, sf + MCONTEXT_OFFSET).is_err()
    {
        force_sig(SIGSEGV, sf);
        return regs.r[0];
    }
    let w = |i: usize| {
        u32::from_le_bytes([
            bytes[i * 4],
            bytes[i * 4 + 1],
            bytes[i * 4 + 2],
            bytes[i * 4 + 3],
        ])
    };
    let st = w(MC_STATUS32);
    if (st ^ regs.status32) & !SIGRETURN_MUTABLE != 0 {
        force_sig_code(SIGSEGV, SI_KERNEL, sf);
        return regs.r[0];
    }
    regs.bta = w(MC_BTA);
    regs.lp_start = w(MC_LP_START);
    regs.lp_end = w(MC_LP_END);
    regs.lp_count = w(MC_LP_COUNT);
    regs.status32 = st;
    regs.ret = w(MC_RET);
    regs.blink = w(MC_BLINK);
    regs.fp = w(MC_FP);
    regs.r[26] = w(MC_GP);
    for n in 0..=12 {
        regs.r[n] = w(MC_R12 + 12 - n);
    }
    regs.sp = w(MC_SP);
    for n in 13..=25 {
        regs.r[n] = w(MC_R25 + 25 - n);
    }
    regs.r30 = w(MC_R30);
    regs.r58 = w(MC_R58);
    regs.r59 = w(MC_R59);
    let mask = u64::from(w(MCONTEXT_WORDS)) | u64::from(w(MCONTEXT_WORDS + 1)) << 32;
    set_blocked(mask);
    regs.r[0]
}

fn read_sigset(ua: u32) -> Result<u64, Errno> {
    let mut b = [0u8; 8];
    umem::copy_from_user(&mut b, ua)?;
    Ok(u64::from_le_bytes(b))
}

/// rt_sigaction(sig, act, oact, sigsetsize).
pub fn sys_rt_sigaction(sig: u32, act: u32, oact: u32, size: u32) -> Result<u32, Errno> {
    if size != 8 || sig == 0 || sig > NSIG {
        return Err(EINVAL);
    }
    let new = if act != 0 {
        let mut b = [0u8; 20];
        umem::copy_from_user(&mut b, act)?;
        let w = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let a = SigAction {
            handler: w(0),
            flags: w(4),
            restorer: w(8),
            mask: u64::from(w(12)) | u64::from(w(16)) << 32,
        };
        if bit(sig) & UNCATCHABLE != 0 || a.flags & !SA_KNOWN != 0 {
            return Err(EINVAL);
        }
        Some(a)
    } else {
        None
    };
    let old = task::with_group_actions(|a| a[(sig - 1) as usize]).ok_or(EINVAL)?;
    if oact != 0 {
        let mut b = [0u8; 20];
        b[0..4].copy_from_slice(&old.handler.to_le_bytes());
        b[4..8].copy_from_slice(&old.flags.to_le_bytes());
        b[8..12].copy_from_slice(&old.restorer.to_le_bytes());
        b[12..20].copy_from_slice(&old.mask.to_le_bytes());
        umem::copy_to_user(oact, &b).map_err(|_| EFAULT)?;
    }
    if let Some(a) = new {
        task::with_group_actions(|t| t[(sig - 1) as usize] = a);
        // Ignoring a signal drops what is queued of it.
        if a.handler == SIG_IGN || a.handler == SIG_DFL && ignored_by_default(sig) {
            task::with_current(|t| t.sigpending &= !bit(sig));
        }
    }
    Ok(0)
}

pub const SIG_BLOCK: u32 = 0;
pub const SIG_UNBLOCK: u32 = 1;
pub const SIG_SETMASK: u32 = 2;

/// rt_sigprocmask(how, set, oset, sigsetsize).
pub fn sys_rt_sigprocmask(how: u32, set: u32, oset: u32, size: u32) -> Result<u32, Errno> {
    if size != 8 {
        return Err(EINVAL);
    }
    let new = if set != 0 {
        if how > SIG_SETMASK {
            return Err(EINVAL);
        }
        Some(read_sigset(set)?)
    } else {
        None
    };
    let old = task::with_current(|t| t.blocked);
    if oset != 0 {
        umem::copy_to_user(oset, &old.to_le_bytes())?;
    }
    if let Some(s) = new {
        let mask = match how {
            SIG_BLOCK => old | s,
            SIG_UNBLOCK => old & !s,
            _ => s,
        };
        set_blocked(mask);
    }
    Ok(0)
}

/// kill(2) of group `tgid` with `sig` (not 0): queued for a handler, dropped if ignored,
/// otherwise the default action (the group ends, `user_regs_pa` being a thread's saved
/// user frame for the report's pc).
pub fn send(tgid: u32, sig: u32, user_regs_pa: u32) {
    let own = task::with_current(|t| t.tgid) == tgid;
    let action = task::group_actions(tgid)[(sig - 1) as usize];
    if bit(sig) & UNCATCHABLE == 0 {
        if is_handler(&action) {
            task::queue_signal(tgid, sig);
            return;
        }
        if action.handler == SIG_IGN || ignored_by_default(sig) {
            return;
        }
    }
    if own {
        // Delivered on the way out of this call, like any signal to oneself.
        force_sig_code(sig, SI_USER, 0);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch;
    use crate::errno::EINVAL;
    use crate::mm::vma::Prot;
    use crate::syscalls::{NR_ARC_USR_CMPXCHG, NR_RT_SIGACTION, NR_RT_SIGPROCMASK};
    use crate::testing::{self, err, syscall};

    const STACK: u32 = 0x1_0000;
    const SP: u32 = STACK + 0x4000;
    const HANDLER: u32 = 0x2_0000;
    const RESTORER: u32 = 0x2_0100;

    fn setup_handler(sig: u32, flags: u32) {
        let act = STACK;
        for (i, w) in [HANDLER, flags | SA_RESTORER, RESTORER, 0, 0]
            .iter()
            .enumerate()
        {
            arch::put_user_u32(act + 4 * i as u32, *w).unwrap();
        }
        assert_eq!(syscall(NR_RT_SIGACTION, &[sig, act, 0, 8]), 0);
    }

    /// A frame in which every register holds its own value, in a delay slot with Z set
    /// and a zero-overhead loop live.
    fn busy_frame() -> PtRegs {
        let mut regs = PtRegs::new_user(0x1_0444, SP - 0x10);
        for (n, r) in regs.r.iter_mut().enumerate() {
            *r = 0x1000 + n as u32;
        }
        regs.fp = 0xF00F;
        regs.r30 = 0x3030;
        regs.blink = 0x1_0222;
        regs.lp_count = 7;
        regs.lp_start = 0x1_0400;
        regs.lp_end = 0x1_0480;
        regs.r58 = 0x5858;
        regs.r59 = 0x5959;
        regs.bta = 0x1_0460;
        regs.status32 |= status32::Z | status32::DE;
        regs
    }

    #[test]
    fn the_handler_gets_the_arc_frame_and_sigreturn_gives_every_register_back() {
        let _t = testing::setup();
        let _p = testing::process(&[(STACK, 0x4000, Prot::R | Prot::W)]);
        setup_handler(SIGUSR1, SA_SIGINFO);
        let before = busy_frame();
        let mut regs = before;
        task::queue_signal(task::with_current(|t| t.tgid), SIGUSR1);
        deliver_pending(&mut regs);
        let sf = (before.sp - FRAME_SIZE) & !7;
        assert_eq!((regs.ret, regs.blink, regs.sp), (HANDLER, RESTORER, sf));
        assert_eq!(
            (regs.r[0], regs.r[1], regs.r[2]),
            (SIGUSR1, sf, sf + UC_OFFSET)
        );
        assert_eq!(
            regs.status32 & status32::DE,
            0,
            "the handler is not in a delay slot"
        );
        assert_ne!(
            regs.status32 & status32::L,
            0,
            "nor in the interrupted loop"
        );
        let mc = |i: usize| arch::get_user_u32(sf + MCONTEXT_OFFSET + 4 * i as u32).unwrap();
        assert_eq!(arch::get_user_u32(sf), Ok(SIGUSR1), "si_signo");
        assert_eq!(arch::get_user_u32(sf + 8), Ok(SI_USER), "si_code");
        assert_eq!(
            (mc(MC_RET), mc(MC_BTA), mc(MC_LP_COUNT)),
            (0x1_0444, 0x1_0460, 7)
        );
        assert_eq!(
            (mc(MC_R12 + 12), mc(MC_R12), mc(MC_R25), mc(MC_R25 + 12)),
            (0x1000, 0x100C, 0x1019, 0x100D)
        );
        assert_eq!(mc(MC_STATUS32), before.status32);
        assert_eq!(arch::get_user_u32(sf + MAGIC_OFFSET), Ok(MAGIC_SIGINFO));
        assert_eq!(
            task::with_current(|t| t.blocked),
            bit(SIGUSR1),
            "blocked in its handler"
        );
        // The handler clobbers everything, then returns through the restorer.
        let mut after = PtRegs::new_user(RESTORER + 4, sf);
        after.r[0] = 0xDEAD;
        after.lp_start = 0x2_0000;
        sys_rt_sigreturn(&mut after);
        let mut want = before;
        want.ecr = after.ecr;
        want.efa = after.efa;
        assert_eq!(after, want);
        assert_eq!(task::with_current(|t| t.blocked), 0, "mask back");
        assert_eq!(pending(), None);
    }

    #[test]
    fn a_forged_or_unreadable_sigreturn_frame_is_sigsegv_and_changes_nothing() {
        let _t = testing::setup();
        let _p = testing::process(&[(STACK, 0x4000, Prot::R | Prot::W)]);
        setup_handler(SIGUSR1, 0);
        let mut regs = busy_frame();
        task::queue_signal(task::with_current(|t| t.tgid), SIGUSR1);
        deliver_pending(&mut regs);
        let sf = regs.sp;
        let st = sf + MCONTEXT_OFFSET + 4 * MC_STATUS32 as u32;
        let good = arch::get_user_u32(st).unwrap();
        for forged in [
            good & !status32::U,
            good & !status32::IE,
            good | 1,
            good & !status32::E1,
        ] {
            arch::put_user_u32(st, forged).unwrap();
            let mut at = PtRegs::new_user(RESTORER + 4, sf);
            let copy = at;
            sys_rt_sigreturn(&mut at);
            assert_eq!(at, copy, "STATUS32 {forged:#x} honoured");
            assert_eq!(pending().map(|p| p.sig), Some(SIGSEGV), "{forged:#x}");
            testing::clear_pending();
        }
        for bad_sp in [0x8000_1000, 0x3000_0000, 0x5FFF_FFF0] {
            let mut at = PtRegs::new_user(RESTORER + 4, bad_sp);
            let copy = at;
            sys_rt_sigreturn(&mut at);
            assert_eq!(at, copy);
            assert_eq!(pending().map(|p| (p.sig, p.addr)), Some((SIGSEGV, bad_sp)));
            testing::clear_pending();
        }
    }

    #[test]
    fn a_bad_cmpxchg_pointer_reaches_the_handler_with_its_address_and_code() {
        let _t = testing::setup();
        let _p = testing::process(&[
            (STACK, 0x4000, Prot::R | Prot::W),
            (0x3_0000, 0x2000, Prot::R),
        ]);
        setup_handler(SIGSEGV, SA_SIGINFO);
        for (addr, code) in [
            (0x3000_0000, SEGV_MAPERR),
            (0x8000_0000, SEGV_MAPERR),
            (0x3_0008, SEGV_ACCERR),
        ] {
            let mut regs = testing::syscall_frame(NR_ARC_USR_CMPXCHG, &[addr, 0, 1]);
            regs.sp = SP;
            crate::trap::syscall(&mut regs);
            assert_eq!(regs.ret, HANDLER, "{addr:#x}");
            let sf = regs.sp;
            assert_eq!(arch::get_user_u32(sf), Ok(SIGSEGV));
            assert_eq!(
                arch::get_user_u32(sf + 8),
                Ok(code),
                "si_code for {addr:#x}"
            );
            assert_eq!(arch::get_user_u32(sf + 12), Ok(addr), "si_addr");
            task::with_current(|t| t.blocked = 0);
        }
    }

    #[test]
    fn sigkill_cannot_be_caught_or_blocked_and_a_handler_needs_a_restorer() {
        let _t = testing::setup();
        let p = testing::process(&[(STACK, 0x4000, Prot::R | Prot::W)]);
        arch::put_user_u32(STACK, HANDLER).unwrap();
        assert_eq!(
            syscall(NR_RT_SIGACTION, &[SIGKILL, STACK, 0, 8]),
            err(EINVAL)
        );
        arch::put_user_u32(STACK + 0x100, u32::MAX).unwrap();
        arch::put_user_u32(STACK + 0x104, u32::MAX).unwrap();
        assert_eq!(
            syscall(NR_RT_SIGPROCMASK, &[SIG_SETMASK, STACK + 0x100, 0, 8]),
            0
        );
        assert_eq!(task::with_current(|t| t.blocked), !UNCATCHABLE);
        task::with_current(|t| t.blocked = 0);
        // No SA_RESTORER: nowhere to return to, the signal is fatal (as Linux ARC).
        for (i, w) in [HANDLER, 0, 0, 0, 0].iter().enumerate() {
            arch::put_user_u32(STACK + 4 * i as u32, *w).unwrap();
        }
        assert_eq!(syscall(NR_RT_SIGACTION, &[SIGUSR1, STACK, 0, 8]), 0);
        testing::expect_task_end(|| {
            syscall(crate::syscalls::NR_KILL, &[0, SIGUSR1]);
        });
        assert!(matches!(
            testing::status_of(p.pid),
            Some(ExitStatus::Signal { sig: SIGSEGV, .. })
        ));
    }
}
