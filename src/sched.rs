//! Round-robin scheduling on one CPU, the preempt count, and time.
//!
//! Slot `IDLE` is the boot context running `run::run()`: it never sits in the run queue and
//! runs whenever nothing else can, and also at the first tick past the idle deadline
//! (`set_deadline`), so the run's time limit holds against tasks that never block. Every other slot holds a user task. The timer tick ends
//! the running task's slice whenever another task is runnable; the switch itself happens at
//! the end of `trap_irq` (kernel preemption) or on the way back to user space, never while
//! the preempt count is raised.
//!
//! All of this is shared with the interrupt path, so it lives in `IrqCell`s. The preempt
//! count is global rather than per task because a task is only ever switched out with the
//! count at zero.

use crate::arch::{self, Context};
use crate::mm::{self, MmId};
use crate::sync::{IrqCell, IrqWord};
use heapless::Deque;

pub const MAX_TASKS: usize = 16;
pub const IDLE: usize = 0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Free,
    Runnable,
    Running,
    Sleeping,
    /// Exited or killed; its stacks wait for `task::reap`.
    Dead,
}

struct Slot {
    state: State,
    ctx: Context,
    /// The address space to switch to, and its PGD (fixed for the space's lifetime).
    mm: Option<MmId>,
    pgd: u32,
    wake_at: u64,
    /// Killed while it held kernel state: it ends itself at its next safe point.
    kill: bool,
    /// Switched out where it holds nothing of the kernel's: never run yet, or preempted
    /// on its way back to user mode. A kill may end such a task on the spot.
    safe: bool,
    /// A signal waits for it: a sleep ends early.
    wake_signal: bool,
}

struct Sched {
    slots: [Slot; MAX_TASKS],
    queue: Deque<u8, MAX_TASKS>,
    ticks: u64,
    /// From this tick on, the timer hands the CPU to the idle context (`u64::MAX`: never).
    deadline: u64,
    /// The tick found the deadline passed: the next `pick` chooses idle.
    idle_due: bool,
}

static SCHED: IrqCell<Option<Sched>> = IrqCell::new(None);
/// Interrupt handlers always leave the count as they found it, so a task's
/// read-modify-write of it cannot lose an update even when interrupted midway.
static PREEMPT: IrqWord<u32> = IrqWord::new(0);
/// Written only with interrupts off (tick, pick); read with one load.
static NEED_RESCHED: IrqWord<bool> = IrqWord::new(false);
/// The running slot. Written only by `pick` with interrupts off; whoever reads it is the
/// task it names, so a switch away and back in between returns the same value.
static CURRENT: IrqWord<usize> = IrqWord::new(IDLE);
/// Per slot: something may wait for the task on its way back to user mode (a kill, a
/// queued or forced signal, a mask that may have unblocked one). Set conservatively by
/// whoever makes such work, cleared only by the task itself before it looks, so the
/// common return needs two loads instead of walking the task and signal state. One byte
/// per slot: a setter's store cannot lose another slot's bit.
static USER_WORK: [IrqWord<bool>; MAX_TASKS] = [const { IrqWord::new(false) }; MAX_TASKS];

/// There may be work for `slot` before it returns to user mode.
pub fn note_user_work(slot: usize) {
    USER_WORK[slot].set(true);
}

/// The running task's way back to user mode can skip every check: no reschedule is due
/// and nobody has noted work for it. Otherwise the note is taken (cleared) and the caller
/// does the checks.
#[inline(always)]
pub fn take_user_work() -> bool {
    let c = current();
    if !NEED_RESCHED.get() && !USER_WORK[c].get() {
        return false;
    }
    USER_WORK[c].set(false);
    true
}

fn with<R>(f: impl FnOnce(&mut Sched) -> R) -> R {
    SCHED.with(|s| f(s.as_mut().expect("scheduler not initialised")))
}

/// Forget every task; the caller becomes the running idle context.
pub fn init() {
    PREEMPT.set(0);
    NEED_RESCHED.set(false);
    CURRENT.set(IDLE);
    SCHED.with(|s| {
        let mut sched = Sched {
            slots: core::array::from_fn(|_| Slot {
                state: State::Free,
                ctx: Context::default(),
                mm: None,
                pgd: 0,
                wake_at: 0,
                kill: false,
                safe: false,
                wake_signal: false,
            }),
            queue: Deque::new(),
            ticks: 0,
            deadline: u64::MAX,
            idle_due: false,
        };
        sched.slots[IDLE].state = State::Running;
        *s = Some(sched);
    });
}

pub fn preempt_disable() {
    PREEMPT.set(PREEMPT.get() + 1);
}

/// Drop one level; a reschedule that came due meanwhile happens now.
pub fn preempt_enable() {
    let count = PREEMPT
        .get()
        .checked_sub(1)
        .expect("preempt_enable without preempt_disable");
    PREEMPT.set(count);
    let zero = count == 0;
    if zero && need_resched() {
        schedule();
    }
}

/// Drop one level without rescheduling: for `trap_irq`, which decides itself.
pub fn preempt_enable_no_resched() {
    PREEMPT.set(
        PREEMPT
            .get()
            .checked_sub(1)
            .expect("preempt_enable without preempt_disable"),
    );
}

/// Preemption is off: a fault on a user address must not be resolved (it could sleep),
/// the access takes the exception-table fixup instead.
pub fn in_atomic() -> bool {
    PREEMPT.get() != 0
}

pub fn preempt_count() -> u32 {
    PREEMPT.get()
}

pub fn need_resched() -> bool {
    NEED_RESCHED.get()
}

/// Some task waits in the run queue.
pub fn runnable() -> bool {
    with(|s| !s.queue.is_empty())
}

pub fn current() -> usize {
    // Every slot number is below MAX_TASKS (a power of two), so the mask changes no
    // value; it lets the compiler drop the bounds check (and its panic call) from each
    // slot-indexed access on the system-call path: getpid -7.
    CURRENT.get() & (MAX_TASKS - 1)
}

const _: () = assert!(MAX_TASKS.is_power_of_two());

pub fn ticks() -> u64 {
    with(|s| s.ticks)
}

pub fn state(slot: usize) -> State {
    with(|s| s.slots[slot].state)
}

/// Make the idle context run at the first tick at or after `deadline` even if tasks are
/// runnable (it enforces the per-program time limit, `run::wait_for_all_tasks`); `None`
/// cancels. The check is on the tick, so nothing is added to the system-call path.
pub fn set_deadline(deadline: Option<u64>) {
    with(|s| {
        s.deadline = deadline.unwrap_or(u64::MAX);
        s.idle_due = false;
    })
}

/// A new task in `slot`, at the back of the run queue.
pub fn add(slot: usize, ctx: Context, mm: MmId, pgd: u32) {
    with(|s| {
        assert_eq!(s.slots[slot].state, State::Free, "slot {slot} in use");
        s.slots[slot] = Slot {
            state: State::Runnable,
            ctx,
            mm: Some(mm),
            pgd,
            wake_at: 0,
            kill: false,
            safe: true,
            wake_signal: false,
        };
        s.queue
            .push_back(slot as u8)
            .expect("run queue holds every slot");
    });
    note_user_work(slot);
}

/// Take a task switched out at a safe point off the CPU for good (it was killed).
pub fn remove(slot: usize) {
    with(|s| {
        assert_ne!(
            slot,
            CURRENT.get(),
            "remove the running task with exit_current"
        );
        assert!(
            s.slots[slot].safe,
            "slot {slot} holds kernel state: mark it with kill() instead"
        );
        s.slots[slot].state = State::Dead;
        s.dequeue(slot);
    })
}

/// Whether `slot` is switched out at a safe point (see `Slot::safe`), so that a kill may
/// `remove` it at once.
pub fn at_safe_point(slot: usize) -> bool {
    with(|s| {
        slot != CURRENT.get()
            && s.slots[slot].safe
            && matches!(s.slots[slot].state, State::Runnable)
    })
}

/// Kill `slot`, which may be in the middle of a system call: it is only marked, and a
/// sleeper is woken, so that it unwinds its call and ends at its return to user mode
/// (`killed`), giving back whatever it held.
pub fn kill(slot: usize) {
    with(|s| {
        s.slots[slot].kill = true;
        s.wake(slot);
    });
    note_user_work(slot);
}

/// The running task was killed and must end at its next safe point.
pub fn killed() -> bool {
    let c = CURRENT.get();
    c != IDLE && with(|s| s.slots[c].kill)
}

/// A signal was queued for `slot`: end its sleep early (EINTR or a restart).
pub fn wake_for_signal(slot: usize) {
    with(|s| {
        s.slots[slot].wake_signal = true;
        s.wake(slot);
    })
}

/// Take the running task's wake-for-signal mark.
pub fn take_wake_signal() -> bool {
    let c = CURRENT.get();
    with(|s| core::mem::take(&mut s.slots[c].wake_signal))
}

/// `schedule()` from a point where the running task holds nothing of the kernel's (on
/// its way back to user mode): while it is switched out, a kill may end it at once.
pub fn schedule_at_safe_point() {
    let c = CURRENT.get();
    // `pick` clears the mark when the task is chosen again.
    with(|s| s.slots[c].safe = true);
    schedule();
}

/// The reaper has freed a dead task's stacks.
pub fn release(slot: usize) {
    with(|s| {
        assert_eq!(s.slots[slot].state, State::Dead);
        s.slots[slot].state = State::Free;
        s.slots[slot].mm = None;
    })
}

/// The timer interrupt: advance time, wake sleepers, end the slice if others wait.
pub fn tick() {
    with(|s| {
        s.ticks += 1;
        for slot in 0..MAX_TASKS {
            if s.slots[slot].state == State::Sleeping && s.slots[slot].wake_at <= s.ticks {
                s.slots[slot].state = State::Runnable;
                let _ = s.queue.push_back(slot as u8);
            }
        }
        if !s.queue.is_empty() {
            NEED_RESCHED.set(true);
        }
        if s.ticks >= s.deadline && CURRENT.get() != IDLE {
            s.idle_due = true;
            NEED_RESCHED.set(true);
        }
    })
}

impl Sched {
    fn wake(&mut self, slot: usize) {
        if self.slots[slot].state == State::Sleeping {
            self.slots[slot].state = State::Runnable;
            let _ = self.queue.push_back(slot as u8);
        }
    }

    fn dequeue(&mut self, slot: usize) {
        for _ in 0..self.queue.len() {
            if let Some(q) = self.queue.pop_front() {
                if q as usize != slot {
                    let _ = self.queue.push_back(q);
                }
            }
        }
    }

    /// Choose the next task and make it current; `None` if that is the current one.
    fn pick(&mut self) -> Option<(*mut Context, *const Context, usize)> {
        NEED_RESCHED.set(false);
        let prev = CURRENT.get();
        if self.slots[prev].state == State::Running {
            self.slots[prev].state = State::Runnable;
            if prev != IDLE {
                let _ = self.queue.push_back(prev as u8);
            }
        }
        let next = if self.idle_due {
            self.idle_due = false;
            IDLE
        } else {
            self.queue.pop_front().map_or(IDLE, usize::from)
        };
        self.slots[next].state = State::Running;
        // Running again: whatever it does next may hold kernel state.
        self.slots[next].safe = false;
        CURRENT.set(next);
        if next == prev {
            return None;
        }
        Some((&mut self.slots[prev].ctx, &self.slots[next].ctx, next))
    }
}

/// Give the CPU to the next runnable task (round robin), or to idle.
pub fn schedule() {
    assert_eq!(preempt_count(), 0, "schedule() in atomic context");
    let flags = arch::irq_disable();
    if let Some((prev, next, slot)) = with(|s| s.pick()) {
        if let (Some(mm), pgd) = with(|s| (s.slots[slot].mm, s.slots[slot].pgd)) {
            arch::mmu_switch(pgd, mm::asid::activate(mm));
        }
        // Safety: both contexts live in the static slot table; interrupts are off.
        unsafe { arch::context_switch(prev, next) };
    }
    arch::irq_restore(flags);
}

/// Why a sleep ended before its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    /// The task was killed: it must unwind and end at its return to user mode.
    Killed,
    /// A signal is pending: EINTR, or a restart after the handler.
    Signal,
}

/// Sleep until the tick count reaches `deadline`, or until the task is killed or a signal
/// is queued for it: a sleeping point is a safe point, so a sleeper never delays a kill.
pub fn sleep_until(deadline: u64) -> Result<(), Interrupted> {
    loop {
        let flags = arch::irq_disable();
        let due = with(|s| {
            let c = CURRENT.get();
            if s.slots[c].kill {
                return Some(Err(Interrupted::Killed));
            }
            if core::mem::take(&mut s.slots[c].wake_signal) {
                return Some(Err(Interrupted::Signal));
            }
            if s.ticks >= deadline {
                return Some(Ok(()));
            }
            s.slots[c].state = State::Sleeping;
            s.slots[c].wake_at = deadline;
            None
        });
        if let Some(r) = due {
            arch::irq_restore(flags);
            return r;
        }
        schedule();
        arch::irq_restore(flags);
    }
}

/// The running task is finished: switch away for good.
pub fn exit_current() -> ! {
    let flags = arch::irq_disable();
    with(|s| {
        let c = CURRENT.get();
        assert_ne!(c, IDLE, "idle cannot exit");
        s.slots[c].state = State::Dead;
    });
    schedule();
    arch::irq_restore(flags);
    panic!("a dead task was switched back in");
}

#[cfg(test)]
pub fn set_current_for_test(slot: usize) {
    with(|s| {
        let prev = CURRENT.get();
        if s.slots[prev].state == State::Running {
            s.slots[prev].state = State::Runnable;
        }
        s.dequeue(slot);
        s.slots[slot].state = State::Running;
        CURRENT.set(slot);
    })
}

/// Model `slot` as switched out by kernel preemption in the middle of a system call.
#[cfg(test)]
pub fn preempted_in_kernel_for_test(slot: usize) {
    with(|s| s.slots[slot].safe = false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    fn ctx(n: u32) -> Context {
        arch::context_new(0x8010_0000 + n * 0x1_0000, 0x8020_0000 + n * 0x1_0000)
    }

    fn fake_task(slot: usize) {
        add(
            slot,
            ctx(slot as u32),
            0,
            0x8000_0000 + slot as u32 * 0x2000,
        );
    }

    #[test]
    fn round_robin_in_queue_order() {
        let _t = testing::setup();
        for slot in 1..=3 {
            fake_task(slot);
        }
        let mut order = std::vec::Vec::new();
        for _ in 0..6 {
            schedule();
            order.push(current());
        }
        assert_eq!(order, [1, 2, 3, 1, 2, 3]);
        let sw = arch::fake::switches();
        assert_eq!(sw[0], (0, ctx(1).kstack_top), "idle's context saved first");
        assert_eq!(sw[1], (ctx(1).kstack_top, ctx(2).kstack_top));
    }

    #[test]
    fn idle_runs_when_nothing_else_can_and_never_queues() {
        let _t = testing::setup();
        schedule();
        assert_eq!(current(), IDLE);
        assert!(arch::fake::switches().is_empty());
        fake_task(1);
        schedule();
        assert_eq!(current(), 1);
        schedule();
        assert_eq!(
            current(),
            1,
            "alone: keeps the CPU, idle does not take a turn"
        );
    }

    #[test]
    fn tick_ends_the_slice_only_when_someone_waits() {
        let _t = testing::setup();
        fake_task(1);
        schedule();
        tick();
        assert!(!need_resched(), "nobody else is runnable");
        fake_task(2);
        tick();
        assert!(need_resched());
        schedule();
        assert_eq!(current(), 2);
        assert!(!need_resched());
    }

    #[test]
    fn sleepers_wake_at_their_deadline() {
        let _t = testing::setup();
        fake_task(1);
        schedule();
        with(|s| {
            s.slots[1].state = State::Sleeping;
            s.slots[1].wake_at = 3;
        });
        schedule();
        assert_eq!(current(), IDLE);
        tick();
        tick();
        assert_eq!(state(1), State::Sleeping);
        tick();
        assert_eq!(state(1), State::Runnable);
        assert!(need_resched(), "idle gives way to the woken task");
        schedule();
        assert_eq!(current(), 1);
    }

    #[test]
    fn preempt_count_nests_and_reschedules_on_the_last_enable() {
        let _t = testing::setup();
        fake_task(1);
        fake_task(2);
        schedule();
        preempt_disable();
        preempt_disable();
        tick();
        assert!(in_atomic());
        preempt_enable();
        assert_eq!(current(), 1, "still atomic: no switch");
        preempt_enable();
        assert!(!in_atomic());
        assert_eq!(
            current(),
            2,
            "the pending reschedule happened at the last enable"
        );
    }

    #[test]
    fn removed_tasks_leave_the_queue() {
        let _t = testing::setup();
        fake_task(1);
        fake_task(2);
        remove(1);
        assert_eq!(state(1), State::Dead);
        schedule();
        assert_eq!(current(), 2);
        schedule();
        assert_eq!(current(), 2);
        release(1);
        assert_eq!(state(1), State::Free);
    }

    #[test]
    fn switching_loads_the_next_address_space() {
        let _t = testing::setup();
        let id = crate::mm::create().unwrap();
        let pgd = crate::mm::pgd(id);
        add(1, ctx(1), id, pgd);
        schedule();
        let (cur_pgd, asid) = arch::fake::current_mmu();
        assert_eq!(cur_pgd, pgd);
        assert_ne!(asid, 0);
    }

    /// F9: a kill marks a task that may hold kernel state and wakes it if it sleeps; a
    /// marked task's sleep ends at once, and only a task switched out on its way to user
    /// mode (or never run) counts as at a safe point.
    #[test]
    fn a_kill_marks_and_wakes_and_a_marked_sleep_ends_at_once() {
        let _t = testing::setup();
        fake_task(1);
        fake_task(2);
        assert!(at_safe_point(1), "never ran: holds nothing");
        schedule();
        assert_eq!(current(), 1);
        schedule();
        assert_eq!(current(), 2);
        assert!(
            !at_safe_point(1),
            "switched out by schedule(): maybe mid-call"
        );
        schedule_at_safe_point();
        assert_eq!(current(), 1);
        assert!(at_safe_point(2), "switched out on its way to user mode");
        assert!(!at_safe_point(1), "running");
        with(|s| {
            s.slots[2].state = State::Sleeping;
            s.slots[2].wake_at = 1000;
        });
        s_dequeue(2);
        kill(2);
        assert_eq!(state(2), State::Runnable, "the sleeper is woken");
        assert!(!killed(), "only the victim is marked");
        kill(1);
        assert!(killed());
        assert_eq!(sleep_until(1000), Err(Interrupted::Killed));
        assert_eq!(current(), 1, "did not sleep");
    }

    fn s_dequeue(slot: usize) {
        with(|s| s.dequeue(slot));
    }

    #[test]
    fn a_signal_ends_a_sleep_once() {
        let _t = testing::setup();
        fake_task(1);
        schedule();
        wake_for_signal(1);
        assert_eq!(sleep_until(0), Err(Interrupted::Signal));
        assert_eq!(sleep_until(0), Ok(()), "the mark was taken");
    }

    /// F4: past the deadline the tick gives the CPU to idle although tasks are runnable
    /// (before the fix, idle ran only when the run queue was empty).
    #[test]
    fn the_deadline_hands_the_cpu_to_idle_even_with_tasks_runnable() {
        let _t = testing::setup();
        fake_task(1);
        fake_task(2);
        schedule();
        set_deadline(Some(3));
        let mut order = std::vec::Vec::new();
        for _ in 0..3 {
            tick();
            schedule();
            order.push(current());
        }
        assert_eq!(order, [2, 1, IDLE], "the third tick is the deadline");
        assert_eq!((state(1), state(2)), (State::Runnable, State::Runnable));
        schedule();
        assert_eq!(current(), 2, "from idle, the queue goes on in order");
        tick();
        schedule();
        assert_eq!(current(), IDLE, "and again at every tick past it");
        set_deadline(None);
        schedule();
        tick();
        schedule();
        assert_ne!(current(), IDLE, "cancelled");
    }
}
