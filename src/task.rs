//! Tasks: threads of execution with a kernel stack, a wasm shadow stack and an address
//! space. A process is a thread group (`tgid`); threads made with `CLONE_VM` share the
//! address space, and `CLONE_THREAD` puts them in the creator's group.
//!
//! A task's life: `spawn`/`clone_current` builds its stacks and a user frame at the top of
//! its kernel stack and hands it to the scheduler; it exits (or is killed) and becomes
//! `sched::State::Dead`; `reap` (from the idle context, and on the clone path) frees its
//! stacks and its share of the address space. A group leader's slot stays as a zombie carrying the group's exit status
//! until `collect` takes it.
//!
//! Only task code touches this table, so it is a `PreemptCell`.

use crate::arch::{self, Efault, PtRegs, PAGE_SIZE, PTREGS_SIZE};
use crate::errno::{Errno, EINTR, EINVAL, ENOMEM};
use crate::mm::{self, frame, MmId};
use crate::sched::{self, State, IDLE, MAX_TASKS};
use crate::sync::{IrqWord, PreemptCell};
use crate::umem;

pub const KSTACK_SIZE: u32 = 16 * 1024;
pub const SHADOW_STACK_SIZE: u32 = 16 * 1024;

/// How a thread group ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// `exit`/`exit_group` with this code (already masked to 8 bits).
    Code(u32),
    /// Killed by a signal's default action.
    Signal {
        sig: u32,
        addr: u32,
        pc: u32,
        word: Option<u32>,
    },
}

/// A signal raised by the task's own action (a fault, a bad cmpxchg pointer, a kill of
/// itself), delivered on its way back to user space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingSignal {
    pub sig: u32,
    pub addr: u32,
    /// `si_code` for a handler.
    pub code: u32,
}

/// One signal's disposition (rt_sigaction), shared by a thread group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SigAction {
    /// 0 = SIG_DFL, 1 = SIG_IGN, otherwise the handler's address.
    pub handler: u32,
    pub flags: u32,
    pub restorer: u32,
    pub mask: u64,
}

pub struct Task {
    pub pid: u32,
    pub tgid: u32,
    pub name: &'static str,
    pub mm: MmId,
    kstack: u32,
    shadow: u32,
    /// Written with 0 when the thread exits (CLONE_CHILD_CLEARTID, set_tid_address).
    pub clear_child_tid: u32,
    pub tls: u32,
    pub pending: Option<PendingSignal>,
    /// Signals sent by kill(2), bit `sig - 1`, waiting until unblocked.
    pub sigpending: u64,
    /// The signal mask (rt_sigprocmask), bit `sig - 1`.
    pub blocked: u64,
    /// Group leaders only: the group's dispositions, index `sig - 1`.
    pub actions: [SigAction; crate::signal::NSIG as usize],
    /// False once the task has exited or been killed.
    pub alive: bool,
    /// Group leaders only: how the group ended, once it has.
    pub exit: Option<ExitStatus>,
}

impl Task {
    fn leader(&self) -> bool {
        self.pid == self.tgid
    }

    /// The user frame `trap_*` saved on entry from user space (or that the task starts with).
    pub fn user_regs_pa(&self) -> u32 {
        self.kstack + KSTACK_SIZE - PTREGS_SIZE
    }
}

struct Tasks {
    slots: [Option<Task>; MAX_TASKS],
    next_pid: u32,
}

static TASKS: PreemptCell<Tasks> = PreemptCell::new(Tasks {
    slots: [const { None }; MAX_TASKS],
    next_pid: 1,
});

/// Each slot's thread group id, readable without the table's critical section: getpid
/// is one load instead of a `PreemptCell` borrow (docs/bench.md). Written while the slot
/// is claimed, before the scheduler knows the task; a task reads only its own slot, which
/// nobody can reclaim while it runs.
static TGIDS: [IrqWord<u32>; MAX_TASKS] = [const { IrqWord::new(0) }; MAX_TASKS];

/// The running task's thread group id (getpid).
pub fn current_tgid() -> u32 {
    TGIDS[sched::current()].get()
}

pub fn init() {
    TASKS.with(|t| {
        t.slots.iter_mut().for_each(|s| *s = None);
        t.next_pid = 1;
    });
}

pub fn with_current<R>(f: impl FnOnce(&mut Task) -> R) -> R {
    let slot = sched::current();
    TASKS.with(|t| f(t.slots[slot].as_mut().expect("no current task")))
}

/// The running task's address space; `None` in the idle context.
pub fn current_mm() -> Option<MmId> {
    let slot = sched::current();
    if slot == IDLE {
        return None;
    }
    TASKS.with(|t| t.slots[slot].as_ref().map(|task| task.mm))
}

/// What to start a task from.
pub struct NewTask<'a> {
    pub name: &'static str,
    pub mm: MmId,
    /// Join this thread group; `None` starts a new one led by the new task.
    pub tgid: Option<u32>,
    pub regs: &'a PtRegs,
    pub tls: u32,
    pub clear_child_tid: u32,
    /// The new task's signal mask (the creator's, as clone and fork inherit it).
    pub blocked: u64,
    /// A new group's dispositions (fork copies the creator's; unused for threads).
    pub actions: [SigAction; crate::signal::NSIG as usize],
}

/// Build a task's stacks and initial frame and make it runnable. Consumes one user of
/// `new.mm` (on failure too). Returns the new pid.
pub fn start(new: NewTask) -> Result<u32, Errno> {
    start_as(new, None)
}

/// `start`, with the pid already reserved (`reserve_pid`) if `pid` is given.
fn start_as(new: NewTask, pid: Option<u32>) -> Result<u32, Errno> {
    let started = build(&new, pid);
    if started.is_err() {
        mm::release(new.mm);
    }
    started
}

/// A pid for a task about to be built, so the creator can publish it (CLONE_PARENT_SETTID)
/// before the task can run.
fn reserve_pid() -> u32 {
    TASKS.with(|t| {
        let pid = t.next_pid;
        t.next_pid += 1;
        pid
    })
}

fn build(new: &NewTask, pid: Option<u32>) -> Result<u32, Errno> {
    // Exited threads give back their slots and stacks first (F5).
    reap();
    // Everything that may be preempted (frame allocation) comes first. The slot is then
    // found, filled and handed to the scheduler in one critical section: chosen in one
    // section and claimed in a later one, two clones preempted in between took the same
    // slot (docs/kernel-findings.md, F3).
    let kstack = frame::alloc_contiguous(KSTACK_SIZE / PAGE_SIZE).map_err(|_| ENOMEM)?;
    let shadow = match frame::alloc_contiguous(SHADOW_STACK_SIZE / PAGE_SIZE) {
        Ok(s) => s,
        Err(_) => {
            free_stack(kstack, KSTACK_SIZE);
            return Err(ENOMEM);
        }
    };
    let frame_pa = kstack + KSTACK_SIZE - PTREGS_SIZE;
    // Safety: the frame lies at the top of the kernel stack we just allocated.
    unsafe { (arch::phys_ptr(frame_pa) as *mut PtRegs).write_unaligned(*new.regs) };
    let ctx = arch::context_new(kstack + KSTACK_SIZE, shadow + SHADOW_STACK_SIZE);
    let pgd = mm::pgd(new.mm);
    let pid = TASKS.with(|t| {
        // A group that is being killed gets no new members, nor does a killed task fork:
        // the kill marked the members it found, and a task born after it would outlive
        // its group.
        let dying = sched::killed()
            || new.tgid.is_some_and(|tgid| {
                t.slots
                    .iter()
                    .flatten()
                    .any(|s| s.pid == tgid && s.exit.is_some())
            });
        if dying {
            return Err(EINTR);
        }
        let slot = (1..MAX_TASKS)
            .find(|&i| t.slots[i].is_none() && sched::state(i) == State::Free)
            .ok_or(ENOMEM)?;
        let pid = pid.unwrap_or_else(|| {
            let pid = t.next_pid;
            t.next_pid += 1;
            pid
        });
        let tgid = new.tgid.unwrap_or(pid);
        TGIDS[slot].set(tgid);
        t.slots[slot] = Some(Task {
            pid,
            tgid,
            name: new.name,
            mm: new.mm,
            kstack,
            shadow,
            clear_child_tid: new.clear_child_tid,
            tls: new.tls,
            pending: None,
            sigpending: 0,
            blocked: new.blocked,
            actions: new.actions,
            alive: true,
            exit: None,
        });
        sched::add(slot, ctx, new.mm, pgd);
        Ok(pid)
    });
    pid.inspect_err(|_| {
        free_stack(kstack, KSTACK_SIZE);
        free_stack(shadow, SHADOW_STACK_SIZE);
    })
}

fn free_stack(base: u32, size: u32) {
    for i in 0..size / PAGE_SIZE {
        frame::put(base + i * PAGE_SIZE);
    }
}

/// Free what dead tasks left behind. Runs in the idle context and on the clone path
/// (`build`), so a busy process gets the slots of its exited threads back without the
/// CPU ever idling (docs/kernel-findings.md, F5).
///
/// A dead task is never on the CPU once another task runs: it is marked Dead with
/// interrupts off and stays so until it has switched away (`sched::exit_current`), and
/// killed tasks were either switched out at a safe point already (`sched::remove`) or
/// ended themselves like an exit. So its stacks are unused
/// whoever reaps. Two reapers (clones in two threads) cannot both take one slot: each
/// slot is claimed, and handed back to the scheduler as Free, in one critical section;
/// the freeing comes after, preemptible, from what the claim took.
pub fn reap() {
    let current = sched::current();
    for slot in 1..MAX_TASKS {
        if slot == current {
            continue;
        }
        let claimed = TASKS.with(|t| {
            if sched::state(slot) != State::Dead {
                return None;
            }
            let task = t.slots[slot].as_mut().expect("dead slot without a task");
            let parts = (task.kstack, task.shadow, task.mm);
            if !task.leader() {
                t.slots[slot] = None;
            }
            sched::release(slot);
            Some(parts)
        });
        if let Some((kstack, shadow, mm)) = claimed {
            free_stack(kstack, KSTACK_SIZE);
            free_stack(shadow, SHADOW_STACK_SIZE);
            mm::release(mm);
        }
    }
}

/// Whether any thread of group `tgid` still runs or waits to be reaped.
pub fn group_active(tgid: u32) -> bool {
    TASKS.with(|t| {
        t.slots.iter().enumerate().any(|(slot, task)| {
            task.as_ref().is_some_and(|task| {
                task.tgid == tgid && (task.alive || sched::state(slot) != State::Free)
            })
        })
    })
}

/// Whether any user task at all still runs or waits to be reaped.
pub fn any_active() -> bool {
    TASKS.with(|t| {
        t.slots.iter().enumerate().any(|(slot, task)| {
            task.as_ref()
                .is_some_and(|task| task.alive || sched::state(slot) != State::Free)
        })
    })
}

/// The dispositions of group `tgid` (all default if its leader is gone).
pub fn group_actions(tgid: u32) -> [SigAction; crate::signal::NSIG as usize] {
    TASKS.with(|t| {
        t.slots
            .iter()
            .flatten()
            .find(|s| s.pid == tgid)
            .map_or([SigAction::default(); crate::signal::NSIG as usize], |s| {
                s.actions
            })
    })
}

/// Run `f` on the running task's group's dispositions.
pub fn with_group_actions<R>(
    f: impl FnOnce(&mut [SigAction; crate::signal::NSIG as usize]) -> R,
) -> Option<R> {
    let tgid = with_current(|t| t.tgid);
    TASKS.with(|t| {
        t.slots
            .iter_mut()
            .flatten()
            .find(|s| s.pid == tgid)
            .map(|s| f(&mut s.actions))
    })
}

/// Queue kill(2)'s `sig` for a live thread of `tgid` that does not block it (else the
/// leader, where it waits); a sleeper is woken to take it. False if no thread is left.
pub fn queue_signal(tgid: u32, sig: u32) -> bool {
    let bit = 1u64 << (sig - 1);
    let current = sched::current();
    let target = TASKS.with(|t| {
        let alive = |s: &Task| s.tgid == tgid && s.alive;
        let pick = (current != IDLE)
            .then_some(current)
            .filter(|&c| {
                t.slots[c]
                    .as_ref()
                    .is_some_and(|s| alive(s) && s.blocked & bit == 0)
            })
            .or_else(|| {
                (1..MAX_TASKS).find(|&i| {
                    t.slots[i]
                        .as_ref()
                        .is_some_and(|s| alive(s) && s.blocked & bit == 0)
                })
            })
            .or_else(|| (1..MAX_TASKS).find(|&i| t.slots[i].as_ref().is_some_and(|s| alive(s))))?;
        let task = t.slots[pick].as_mut()?;
        task.sigpending |= bit;
        Some((pick, task.blocked & bit == 0))
    });
    match target {
        Some((slot, deliverable)) => {
            sched::note_user_work(slot);
            if deliverable && slot != current {
                sched::wake_for_signal(slot);
            }
            true
        }
        None => false,
    }
}

/// Task table entries and scheduler slots in use, idle's aside (the run's leak check).
pub fn slots_in_use() -> usize {
    let tasks = TASKS.with(|t| t.slots.iter().filter(|s| s.is_some()).count());
    let sched = (1..MAX_TASKS)
        .filter(|&i| sched::state(i) != State::Free)
        .count();
    tasks + sched
}

/// Take the exit status of a finished group and free its leader's slot.
pub fn collect(tgid: u32) -> Option<ExitStatus> {
    if group_active(tgid) {
        return None;
    }
    TASKS.with(|t| {
        let slot = t
            .slots
            .iter()
            .position(|s| s.as_ref().is_some_and(|s| s.pid == tgid))?;
        let status = t.slots[slot].as_ref().and_then(|s| s.exit);
        t.slots[slot] = None;
        status
    })
}

/// The finished groups other than the ones named, for run() to account for strays.
pub fn finished_groups(mut f: impl FnMut(u32, &'static str)) {
    let mut found: heapless::Vec<(u32, &'static str), MAX_TASKS> = heapless::Vec::new();
    TASKS.with(|t| {
        for task in t.slots.iter().flatten() {
            if task.leader() && !task.alive {
                let _ = found.push((task.pid, task.name));
            }
        }
    });
    for (tgid, name) in found {
        if !group_active(tgid) {
            f(tgid, name);
        }
    }
}

/// Mark every live thread of `tgid` except the running one dead and take it off the CPU;
/// record `status` on the leader unless the group already has one.
fn kill_group_members(tgid: u32, status: ExitStatus) {
    let current = sched::current();
    let mut victims: heapless::Vec<usize, MAX_TASKS> = heapless::Vec::new();
    TASKS.with(|t| {
        for (slot, task) in t.slots.iter_mut().enumerate() {
            let Some(task) = task.as_mut() else { continue };
            if task.tgid != tgid {
                continue;
            }
            if task.leader() && task.exit.is_none() {
                task.exit = Some(status);
            }
            if task.alive && slot != current {
                let _ = victims.push(slot);
            }
        }
    });
    // A victim switched out where it holds nothing ends here; one in the middle of a
    // system call (or asleep in one) is only marked, and ends itself on its way back to
    // user mode, after giving back what it held (docs/kernel-findings.md, F9).
    for slot in victims {
        if sched::at_safe_point(slot) {
            TASKS.with(|t| {
                if let Some(task) = t.slots[slot].as_mut() {
                    task.alive = false;
                }
            });
            sched::remove(slot);
        } else {
            sched::kill(slot);
        }
    }
}

/// A safe point (return to user mode): a task killed while it was in the kernel ends here.
pub fn die_if_killed() {
    if sched::killed() {
        finish_current();
    }
}

/// Terminate another thread group (a signal's default action from `kill`).
pub fn kill_group(tgid: u32, status: ExitStatus) {
    kill_group_members(tgid, status);
}

/// End every user task (from the idle context: none of them is running).
pub fn kill_all(status: ExitStatus) {
    let mut groups: heapless::Vec<u32, MAX_TASKS> = heapless::Vec::new();
    TASKS.with(|t| {
        for task in t.slots.iter().flatten().filter(|t| t.alive) {
            if !groups.contains(&task.tgid) {
                let _ = groups.push(task.tgid);
            }
        }
    });
    for tgid in groups {
        kill_group_members(tgid, status);
    }
}

/// exit_group, or a fatal signal: the whole group of the running task ends with `status`.
pub fn exit_group(status: ExitStatus) -> ! {
    let tgid = with_current(|t| t.tgid);
    kill_group_members(tgid, status);
    finish_current()
}

/// exit: the running thread ends; the group ends with `code` if it was the last thread.
pub fn exit_thread(code: u32) -> ! {
    let (tgid, pid, clear) = with_current(|t| (t.tgid, t.pid, t.clear_child_tid));
    if clear != 0 {
        // A joining thread polls this word; nothing to do if it is gone.
        let _: Result<(), Efault> = umem::put_user(clear, 0);
    }
    TASKS.with(|t| {
        let others = t
            .slots
            .iter()
            .flatten()
            .any(|s| s.tgid == tgid && s.pid != pid && s.alive);
        if !others {
            if let Some(leader) = t.slots.iter_mut().flatten().find(|s| s.pid == tgid) {
                leader.exit.get_or_insert(ExitStatus::Code(code & 0xFF));
            }
        }
    });
    finish_current()
}

fn finish_current() -> ! {
    with_current(|t| t.alive = false);
    sched::exit_current()
}

/// The group id, pid and user frame location of task `pid`'s leader's group, if alive.
pub fn find(pid: u32) -> Option<(u32, u32)> {
    TASKS.with(|t| {
        t.slots
            .iter()
            .flatten()
            .find(|s| s.pid == pid && s.alive)
            .map(|s| (s.tgid, s.user_regs_pa()))
    })
}

#[cfg(test)]
pub fn slot_of(pid: u32) -> Option<usize> {
    TASKS.with(|t| {
        t.slots
            .iter()
            .position(|s| s.as_ref().is_some_and(|s| s.pid == pid))
    })
}

// clone(2) flags this kernel understands.
pub const CLONE_VM: u32 = 0x0000_0100;
pub const CLONE_FS: u32 = 0x0000_0200;
pub const CLONE_FILES: u32 = 0x0000_0400;
pub const CLONE_SIGHAND: u32 = 0x0000_0800;
pub const CLONE_THREAD: u32 = 0x0001_0000;
pub const CLONE_SYSVSEM: u32 = 0x0004_0000;
pub const CLONE_SETTLS: u32 = 0x0008_0000;
pub const CLONE_PARENT_SETTID: u32 = 0x0010_0000;
pub const CLONE_CHILD_CLEARTID: u32 = 0x0020_0000;
pub const CLONE_DETACHED: u32 = 0x0040_0000;
pub const CLONE_CHILD_SETTID: u32 = 0x0100_0000;
/// The exit signal in the low byte; there is no parent to signal, so it is accepted and
/// ignored.
const CSIGNAL: u32 = 0xFF;
const CLONE_KNOWN: u32 = CSIGNAL
    | CLONE_VM
    | CLONE_FS
    | CLONE_FILES
    | CLONE_SIGHAND
    | CLONE_THREAD
    | CLONE_SYSVSEM
    | CLONE_SETTLS
    | CLONE_PARENT_SETTID
    | CLONE_CHILD_CLEARTID
    | CLONE_DETACHED
    | CLONE_CHILD_SETTID;

pub struct CloneArgs {
    pub flags: u32,
    pub newsp: u32,
    pub ptid: u32,
    pub tls: u32,
    pub ctid: u32,
}

/// clone(2) for the running task, whose saved user frame is `regs`. Returns the child pid.
pub fn clone_current(regs: &PtRegs, a: &CloneArgs) -> Result<u32, Errno> {
    if a.flags & !CLONE_KNOWN != 0 {
        return Err(EINVAL);
    }
    if a.flags & CLONE_THREAD != 0
        && a.flags & (CLONE_VM | CLONE_SIGHAND) != CLONE_VM | CLONE_SIGHAND
    {
        return Err(EINVAL);
    }
    if a.flags & CLONE_SIGHAND != 0 && a.flags & CLONE_VM == 0 {
        return Err(EINVAL);
    }
    let (name, parent_mm, tgid, parent_tls, blocked) =
        with_current(|t| (t.name, t.mm, t.tgid, t.tls, t.blocked));
    let actions = group_actions(tgid);
    let child_mm = if a.flags & CLONE_VM != 0 {
        mm::share(parent_mm);
        parent_mm
    } else {
        mm::fork(parent_mm).map_err(|_| ENOMEM)?
    };
    let mut child_regs = *regs;
    child_regs.r[0] = 0;
    if a.newsp != 0 {
        child_regs.sp = a.newsp;
    }
    let tls = if a.flags & CLONE_SETTLS != 0 {
        a.tls
    } else {
        parent_tls
    };
    if a.flags & CLONE_SETTLS != 0 {
        child_regs.r[25] = a.tls;
    }
    // The tid words are written before the child exists: once it is in the run queue a
    // tick may run it at once, and a child that ran, exited and cleared its
    // CLONE_CHILD_CLEARTID word (the same word, for pthreads) must not have it overwritten
    // with its tid afterwards, or the joiner waits forever. Linux publishes them before
    // wake_up_new_task too; it ignores faults on them, and so does this kernel.
    let pid = reserve_pid();
    if a.flags & CLONE_PARENT_SETTID != 0 {
        let _ = umem::put_user(a.ptid, pid);
    }
    // Only reachable from here when the child shares the running task's address space.
    if a.flags & CLONE_CHILD_SETTID != 0 && a.flags & CLONE_VM != 0 {
        let _ = umem::put_user(a.ctid, pid);
    }
    start_as(
        NewTask {
            name,
            mm: child_mm,
            tgid: (a.flags & CLONE_THREAD != 0).then_some(tgid),
            regs: &child_regs,
            tls,
            clear_child_tid: if a.flags & CLONE_CHILD_CLEARTID != 0 {
                a.ctid
            } else {
                0
            },
            blocked,
            actions,
        },
        Some(pid),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::fake;
    use crate::mm::vma::Prot;
    use crate::syscalls::{NR_CLONE, NR_EXIT, NR_GETPID};
    use crate::testing::{self, err, syscall};

    const DATA: u32 = 0x1_0000;
    const THREAD: u32 =
        CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;

    fn child_frame(pid: u32) -> PtRegs {
        let pa = TASKS.with(|t| {
            t.slots
                .iter()
                .flatten()
                .find(|s| s.pid == pid)
                .unwrap()
                .user_regs_pa()
        });
        unsafe { (arch::phys_ptr(pa) as *const PtRegs).read_unaligned() }
    }

    #[test]
    fn clone_thread_shares_the_space_and_sets_up_the_child() {
        let _t = testing::setup();
        let p = testing::process(&[(DATA, 0x4000, Prot::R | Prot::W)]);
        let flags = THREAD | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
        let tid = syscall(NR_CLONE, &[flags, 0x1_3000, DATA, 0xABCD_0000, DATA]);
        assert!(tid > p.pid && tid < 0x1000, "{tid:#x}");
        assert_eq!(arch::get_user_u32(DATA), Ok(tid), "CLONE_PARENT_SETTID");
        let regs = child_frame(tid);
        assert_eq!(
            (regs.r[0], regs.sp, regs.r[25], regs.ret),
            (0, 0x1_3000, 0xABCD_0000, 0x1_0040)
        );
        let slot = slot_of(tid).unwrap();
        TASKS.with(|t| {
            let child = t.slots[slot].as_ref().unwrap();
            assert_eq!(
                (child.tgid, child.mm, child.clear_child_tid, child.tls),
                (p.pid, p.mm, DATA, 0xABCD_0000)
            );
        });
        assert_eq!(sched::state(slot), State::Runnable);
    }

    #[test]
    fn clone_refuses_inconsistent_or_unknown_flags() {
        let _t = testing::setup();
        let _p = testing::process(&[]);
        assert_eq!(syscall(NR_CLONE, &[CLONE_THREAD, 0, 0, 0, 0]), err(EINVAL));
        assert_eq!(syscall(NR_CLONE, &[CLONE_SIGHAND, 0, 0, 0, 0]), err(EINVAL));
        assert_eq!(
            syscall(NR_CLONE, &[CLONE_VM | 0x8000_0000, 0, 0, 0, 0]),
            err(EINVAL)
        );
        // Hostile tid pointers are ignored, as Linux does.
        let tid = syscall(
            NR_CLONE,
            &[THREAD | CLONE_PARENT_SETTID, 0, 0x8000_0000, 0, 0],
        );
        assert!(tid < 0x1000);
    }

    #[test]
    fn clone_without_vm_forks_a_copy_on_write_process() {
        let _t = testing::setup();
        let p = testing::process(&[(DATA, 0x4000, Prot::R | Prot::W)]);
        arch::put_user_u32(DATA, 77).unwrap();
        let pid = syscall(NR_CLONE, &[17, 0, 0, 0, 0]);
        let slot = slot_of(pid).unwrap();
        let (tgid, child_mm) = TASKS.with(|t| {
            let c = t.slots[slot].as_ref().unwrap();
            (c.tgid, c.mm)
        });
        assert_eq!(tgid, pid, "leads its own group");
        assert_ne!(child_mm, p.mm);
        assert_eq!(mm::with(child_mm, |m| m.pt.peek_u32(DATA)), Some(77));
        arch::put_user_u32(DATA, 78).unwrap();
        assert_eq!(
            mm::with(child_mm, |m| m.pt.peek_u32(DATA)),
            Some(77),
            "parent's write broke COW"
        );
    }

    #[test]
    fn thread_exit_clears_ctid_and_the_last_thread_sets_the_status() {
        let _t = testing::setup();
        let p = testing::process(&[(DATA, 0x4000, Prot::R | Prot::W)]);
        let tid = syscall(
            NR_CLONE,
            &[
                THREAD | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID,
                0,
                DATA,
                0,
                DATA,
            ],
        );
        assert_eq!(arch::get_user_u32(DATA), Ok(tid));
        sched::set_current_for_test(slot_of(tid).unwrap());
        assert_eq!(syscall(NR_GETPID, &[]), p.pid, "getpid is the group id");
        testing::expect_task_end(|| {
            syscall(NR_EXIT, &[5]);
        });
        assert_eq!(
            arch::get_user_u32(DATA),
            Ok(0),
            "ctid cleared for the joiner"
        );
        assert!(group_active(p.pid), "the leader still runs");
        reap();
        assert_eq!(slot_of(tid), None, "a thread's slot is freed at once");
        sched::set_current_for_test(slot_of(p.pid).unwrap());
        testing::expect_task_end(|| {
            syscall(NR_EXIT, &[6]);
        });
        assert_eq!(testing::status_of(p.pid), Some(ExitStatus::Code(6)));
        assert_eq!(slot_of(p.pid), None, "collected");
    }

    #[test]
    fn exit_group_kills_the_other_threads_and_frees_everything() {
        let _t = testing::setup();
        let free = frame::free_frames();
        let p = testing::process(&[(DATA, 0x4000, Prot::R | Prot::W)]);
        arch::put_user_u32(DATA, 1).unwrap();
        for _ in 0..3 {
            testing::spawn_sibling();
        }
        testing::expect_task_end(|| {
            syscall(crate::syscalls::NR_EXIT_GROUP, &[0]);
        });
        assert!(!any_active() || sched::current() == IDLE);
        assert_eq!(testing::status_of(p.pid), Some(ExitStatus::Code(0)));
        assert!(!any_active());
        assert_eq!(
            frame::free_frames(),
            free,
            "stacks, tables and pages all returned"
        );
    }

    #[test]
    fn running_out_of_task_slots_is_enomem() {
        let _t = testing::setup();
        let _p = testing::process(&[]);
        let mut made = 0;
        loop {
            let r = syscall(NR_CLONE, &[THREAD, 0, 0, 0, 0]);
            if r == err(ENOMEM) {
                break;
            }
            made += 1;
            assert!(made < MAX_TASKS, "no limit");
        }
        assert_eq!(made, MAX_TASKS - 2, "idle and the caller hold two slots");
    }

    /// F5 (docs/kernel-findings.md): k_thread_churn's pattern, create one thread and let it
    /// exit, 40 times, without the CPU ever idling (no `reap` from idle). Fails before the
    /// fix: clone returns -ENOMEM in round 14, with one live thread.
    #[test]
    fn exited_threads_give_back_their_slots_without_idling() {
        let _t = testing::setup();
        let free = frame::free_frames();
        let p = testing::process(&[]);
        let leader = slot_of(p.pid).unwrap();
        let with_one_process = frame::free_frames();
        for round in 0..40 {
            let tid = syscall(NR_CLONE, &[THREAD, 0, 0, 0, 0]);
            assert!(tid < 0x1000, "round {round}: clone gave {:#x}", tid);
            sched::set_current_for_test(slot_of(tid).unwrap());
            testing::expect_task_end(|| {
                syscall(NR_EXIT, &[0]);
            });
            sched::set_current_for_test(leader);
        }
        let made = (0..)
            .take_while(|_| syscall(NR_CLONE, &[THREAD, 0, 0, 0, 0]) < 0x1000)
            .count();
        assert_eq!(made, MAX_TASKS - 2, "every other slot came back");
        assert!(group_active(p.pid));
        testing::expect_task_end(|| {
            syscall(crate::syscalls::NR_EXIT_GROUP, &[0]);
        });
        assert_eq!(testing::status_of(p.pid), Some(ExitStatus::Code(0)));
        assert!(with_one_process < free);
        assert_eq!(
            frame::free_frames(),
            free,
            "stacks of all 54 threads returned"
        );
    }

    /// Reaping from a task leaves the running task and live threads alone, and a slot is
    /// only ever reaped once.
    #[test]
    fn reaping_from_a_task_takes_only_dead_slots() {
        let _t = testing::setup();
        let p = testing::process(&[]);
        let live = testing::spawn_sibling();
        let dead = testing::spawn_sibling();
        let me = sched::current();
        sched::set_current_for_test(slot_of(dead).unwrap());
        testing::expect_task_end(|| {
            syscall(NR_EXIT, &[0]);
        });
        sched::set_current_for_test(me);
        let dead_slot = (1..MAX_TASKS)
            .find(|&s| sched::state(s) == State::Dead)
            .unwrap();
        let free = frame::free_frames();
        reap();
        assert_eq!(sched::state(dead_slot), State::Free);
        assert_eq!(slot_of(dead), None);
        let stacks = (KSTACK_SIZE + SHADOW_STACK_SIZE) / PAGE_SIZE;
        assert_eq!(frame::free_frames(), free + stacks);
        reap();
        assert_eq!(frame::free_frames(), free + stacks, "reaped once");
        assert_eq!(sched::state(slot_of(live).unwrap()), State::Runnable);
        assert_eq!(sched::state(slot_of(p.pid).unwrap()), State::Running);
    }

    /// F9: exit_group from one thread while a sibling is inside a system call (switched
    /// out by kernel preemption) does not end the sibling there: it finishes its call,
    /// which may not start a thread in the dying group, and ends on its way back to user
    /// mode. Everything comes back. Before the fix the sibling was taken off the CPU
    /// mid-call; a clone caught between its stack allocation and claiming a slot leaked
    /// the stacks and its share of the address space.
    #[test]
    fn a_kill_waits_for_a_sibling_inside_a_system_call() {
        let _t = testing::setup();
        let free = frame::free_frames();
        let p = testing::process(&[(DATA, 0x4000, Prot::R | Prot::W)]);
        let leader = slot_of(p.pid).unwrap();
        let sib = testing::spawn_sibling();
        let sib_slot = slot_of(sib).unwrap();
        // The sibling ran and was preempted inside the kernel.
        sched::set_current_for_test(sib_slot);
        sched::set_current_for_test(leader);
        sched::preempted_in_kernel_for_test(sib_slot);
        assert!(!sched::at_safe_point(sib_slot));
        testing::expect_task_end(|| {
            syscall(crate::syscalls::NR_EXIT_GROUP, &[7]);
        });
        assert!(group_active(p.pid), "the sibling has not ended yet");
        assert_ne!(sched::state(sib_slot), State::Dead);
        // It resumes, completes its call (a clone, refused) and ends at the return.
        sched::set_current_for_test(sib_slot);
        testing::expect_task_end(|| {
            syscall(NR_CLONE, &[THREAD, 0, 0, 0, 0]);
        });
        let others = TASKS.with(|t| {
            t.slots
                .iter()
                .flatten()
                .filter(|s| s.pid != p.pid && s.pid != sib)
                .count()
        });
        assert_eq!(others, 0, "no thread was born into the dying group");
        assert_eq!(testing::status_of(p.pid), Some(ExitStatus::Code(7)));
        assert_eq!(frame::free_frames(), free, "everything came back");
        assert_eq!(crate::mm::live(), 0);
        assert_eq!(slots_in_use(), 0);
    }

    /// A sibling switched out at a safe point (never run) ends at once, as before.
    #[test]
    fn a_kill_ends_a_sibling_at_a_safe_point_at_once() {
        let _t = testing::setup();
        let p = testing::process(&[]);
        let sib = testing::spawn_sibling();
        testing::expect_task_end(|| {
            syscall(crate::syscalls::NR_EXIT_GROUP, &[1]);
        });
        assert_eq!(sched::state(slot_of(sib).unwrap()), State::Dead);
        assert_eq!(testing::status_of(p.pid), Some(ExitStatus::Code(1)));
    }

    fn child_exits_at_once() {
        syscall(NR_EXIT, &[0]);
    }

    /// A child that runs and exits before clone returns to its parent (a tick right after
    /// it became runnable) leaves its CLONE_CHILD_CLEARTID word 0. Fails before the fix:
    /// the parent stored the tid (CLONE_PARENT_SETTID, the same word for pthreads) after
    /// the child had cleared it, and thread_join spun forever (k_thread_churn).
    #[test]
    fn a_child_that_exits_at_once_leaves_its_tid_word_cleared() {
        let _t = testing::setup();
        let _p = testing::process(&[(DATA, 0x4000, Prot::R | Prot::W)]);
        fake::set_task_body(0x1_0040, child_exits_at_once);
        arch::put_user_u32(DATA, 0xFFFF_FFFF).unwrap();
        // The tick lands at the first tid store: after the child is runnable, before the
        // fix; before it exists, after.
        fake::inject_irq_before_next_put_user();
        let flags = THREAD | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
        let tid = syscall(NR_CLONE, &[flags, 0x1_3000, DATA, 0, DATA]);
        assert!(tid < 0x1000, "{tid:#x}");
        let child_ran = slot_of(tid).is_none_or(|s| sched::state(s) == State::Dead);
        let want = if child_ran { 0 } else { tid };
        assert_eq!(arch::get_user_u32(DATA), Ok(want), "child ran: {child_ran}");
        // The joiner yields until the word is 0.
        for _ in 0..4 {
            if arch::get_user_u32(DATA) == Ok(0) {
                break;
            }
            syscall(crate::syscalls::NR_SCHED_YIELD, &[]);
        }
        assert_eq!(arch::get_user_u32(DATA), Ok(0), "the join ends");
    }
}
