//! Host test scaffolding: kernel state is global, so tests take turns, each starting from a
//! freshly reset machine and kernel.

extern crate std;

use crate::arch::{self, fake, PtRegs};
use crate::mm::{self, vma::Prot, MmId};
use crate::{sched, task};
use std::sync::{Mutex, MutexGuard};

static TURN: Mutex<()> = Mutex::new(());

/// Hold the returned guard for the whole test.
pub fn setup() -> MutexGuard<'static, ()> {
    let guard = TURN.lock().unwrap_or_else(|e| e.into_inner());
    fake::reset();
    crate::run::init_kernel();
    arch::irq_enable();
    guard
}

pub struct Process {
    pub mm: MmId,
    pub pid: u32,
}

/// A process with the given areas `(start, len, prot)`, made the running task with its
/// address space loaded, without a recorded context switch.
pub fn process(areas: &[(u32, u32, Prot)]) -> Process {
    let mm = mm::create().unwrap();
    for &(start, len, prot) in areas {
        mm::with(mm, |m| m.map_anon(start, start + len, prot).unwrap());
    }
    let regs = PtRegs::new_user(0x1_0000, mm::STACK_TOP);
    let pid = task::start(task::NewTask {
        name: "test",
        mm,
        tgid: None,
        regs: &regs,
        tls: 0,
        clear_child_tid: 0,
        blocked: 0,
        actions: crate::signal::DEFAULT_ACTIONS,
    })
    .unwrap();
    sched::set_current_for_test(task::slot_of(pid).unwrap());
    arch::mmu_switch(mm::pgd(mm), mm::asid::activate(mm));
    Process { mm, pid }
}

/// A second thread of the running process, runnable.
pub fn spawn_sibling() -> u32 {
    let (mm, tgid) = task::with_current(|t| (t.mm, t.tgid));
    mm::share(mm);
    let regs = PtRegs::new_user(0x1_0000, mm::STACK_TOP - 0x1000);
    task::start(task::NewTask {
        name: "test",
        mm,
        tgid: Some(tgid),
        regs: &regs,
        tls: 0,
        clear_child_tid: 0,
        blocked: 0,
        actions: crate::signal::DEFAULT_ACTIONS,
    })
    .unwrap()
}

pub fn clear_pending() {
    task::with_current(|t| t.pending = None);
}

/// Run `f`, which must end the running task, and return what the host saw: the task
/// switched away and was (wrongly, on the host) resumed.
pub fn expect_task_end(f: impl FnOnce()) {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let msg = r.expect_err("the task kept running");
    let text = msg
        .downcast_ref::<&str>()
        .map(|s| std::string::String::from(*s))
        .or_else(|| msg.downcast_ref::<std::string::String>().cloned())
        .unwrap_or_default();
    assert!(
        text.contains("dead task was switched back in"),
        "unexpected panic: {text}"
    );
}

/// Run `f`, which must end the run, and return the exit status.
pub fn expect_exit_run(f: impl FnOnce()) -> u32 {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let msg = r.expect_err("the run did not end");
    msg.downcast_ref::<fake::ExitRun>()
        .expect("ended by something else")
        .0
}

/// A user frame as the entry code saves it for a system call.
pub fn syscall_frame(nr: u32, args: &[u32]) -> PtRegs {
    let mut regs = PtRegs::new_user(0x1_0040, mm::STACK_TOP - 0x100);
    regs.r[..args.len()].copy_from_slice(args);
    regs.r[8] = nr;
    regs
}

/// Make system call `nr` from the running task; r0 afterwards.
pub fn syscall(nr: u32, args: &[u32]) -> u32 {
    let mut regs = syscall_frame(nr, args);
    crate::trap::syscall(&mut regs);
    regs.r[0]
}

/// `-errno` as r0 shows it.
pub fn err(e: crate::errno::Errno) -> u32 {
    e.to_user()
}

/// Reap and collect the exit status of group `tgid` (from the idle context).
pub fn status_of(tgid: u32) -> Option<task::ExitStatus> {
    assert_eq!(sched::current(), sched::IDLE, "collect from idle");
    task::reap();
    task::collect(tgid)
}
