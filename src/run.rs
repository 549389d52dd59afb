//! The validation run: every embedded program in table order, one at a time, each judged
//! against the outcome the table expects, then a summary and the run's exit status.
//!
//! `run()` executes in the boot context, which becomes the scheduler's idle context: it
//! starts a program, then reaps, idles and waits until no user task is left.

use crate::arch;
use crate::board;
use crate::elf;
use crate::mm::{self, frame, STACK_TOP};
use crate::programs::{Expect, Program, Table};
use crate::sched;
use crate::signal::{self, SIGKILL};
use crate::task::{self, ExitStatus, NewTask};
use core::fmt;

/// A word no user program may be able to change. Exported (and so never constant-folded)
/// so that xtask can find its address and hostile programs can aim at it.
#[no_mangle]
pub static mut KERNEL_CANARY: u32 = CANARY_VALUE;
pub const CANARY_VALUE: u32 = 0xC0DE_CAFE;

/// A program still running after this much simulated time is killed (SIGKILL).
#[cfg(not(feature = "long-time-limit"))]
pub const PROGRAM_TIME_LIMIT_TICKS: u64 = 10 * board::TICK_HZ as u64;
#[cfg(feature = "long-time-limit")]
pub const PROGRAM_TIME_LIMIT_TICKS: u64 = 60 * board::TICK_HZ as u64;

pub fn canary_address() -> u32 {
    core::ptr::addr_of!(KERNEL_CANARY) as usize as u32
}

pub fn canary_intact() -> bool {
    // Safety: a plain read of a word-sized static; nothing else holds a reference to it.
    unsafe { core::ptr::addr_of!(KERNEL_CANARY).read() == CANARY_VALUE }
}

/// Fresh kernel state: frames, address spaces, scheduler, tasks.
pub fn init_kernel() {
    frame::init();
    mm::init();
    sched::init();
    task::init();
}

/// Called by `kernel_main` once the console works. Never returns.
pub fn run() -> ! {
    init_kernel();
    arch::timer_start(board::TICK_LIMIT);
    arch::irq_enable();
    let table = match Table::parse(arch::user_programs()) {
        Ok(t) => t,
        Err(_) => {
            kprintln!("ERROR program table unreadable");
            summary(0, 0, 1);
        }
    };
    let (mut passed, mut failed) = (0, 0);
    for i in 0..table.len() {
        let ok = match table.get(i) {
            Ok(program) => run_program(&program),
            Err(_) => {
                kprintln!("ERROR program table entry {i} unreadable");
                false
            }
        };
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    summary(table.len() as u32, passed, failed)
}

fn summary(programs: u32, passed: u32, failed: u32) -> ! {
    let canary = canary_intact();
    let canary_text = if canary { "ok" } else { "BROKEN" };
    kprintln!("SUMMARY programs={programs} passed={passed} failed={failed} canary={canary_text}");
    arch::exit_run(if failed == 0 && canary { 0 } else { 1 })
}

/// The initial user frame: docs/design.md's ABI, plus r1 = the canary's address as a target
/// for hostile programs (r1 is otherwise undefined at entry).
pub fn initial_regs(entry: u32) -> crate::arch::PtRegs {
    let mut regs = crate::arch::PtRegs::new_user(entry, STACK_TOP);
    regs.r[0] = 0;
    regs.r[1] = canary_address();
    regs
}

/// Load a program into a new process and make it runnable; its pid.
pub fn start_program(p: &Program) -> Result<u32, &'static str> {
    let mm = mm::create().map_err(|_| "out-of-memory")?;
    let loaded = match elf::load(mm, p.elf) {
        Ok(l) => l,
        Err(_) => {
            mm::release(mm);
            return Err("bad-elf");
        }
    };
    let regs = initial_regs(loaded.entry);
    task::start(NewTask {
        name: p.name,
        mm,
        tgid: None,
        regs: &regs,
        tls: 0,
        clear_child_tid: 0,
        blocked: 0,
        actions: crate::signal::DEFAULT_ACTIONS,
    })
    .map_err(|_| "out-of-memory")
}

/// What a finished program must have given back: every frame, address space and task
/// slot, and the preempt count (the only lock a task can hold across a switch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Resources {
    free_frames: u32,
    mms: usize,
    slots: usize,
    preempt: u32,
}

impl Resources {
    fn now() -> Resources {
        Resources {
            free_frames: frame::free_frames(),
            mms: mm::live(),
            slots: task::slots_in_use(),
            preempt: sched::preempt_count(),
        }
    }
}

/// A `LEAK` line if the program left anything behind: the host's judges fail on it (a
/// kill in the middle of a system call used to leave what the call held, F9).
fn check_leaks(name: &str, before: Resources) {
    let after = Resources::now();
    if after != before {
        kprintln!(
            "LEAK {name} frames={}->{} mms={}->{} slots={}->{} preempt={}->{}",
            before.free_frames,
            after.free_frames,
            before.mms,
            after.mms,
            before.slots,
            after.slots,
            before.preempt,
            after.preempt
        );
    }
}

fn run_program(p: &Program) -> bool {
    let before = Resources::now();
    // The PROGRAM line must come before anything the new task prints: a tick between
    // task::start and the line would run the task first (the idle context only gets the
    // CPU back when no task is runnable). ARC700 timing hit this window.
    sched::preempt_disable();
    let started = start_program(p);
    let pid = *started.as_ref().unwrap_or(&0);
    kprintln!(
        "PROGRAM {} pid={pid} expect={}",
        p.name,
        ExpectText(p.expect)
    );
    sched::preempt_enable();
    let got = match started {
        Ok(pid) => {
            wait_for_all_tasks();
            // Other processes the program forked report first; the verdict is the program's.
            task::finished_groups(|tgid, name| {
                if tgid != pid {
                    if let Some(status) = task::collect(tgid) {
                        task_line(tgid, name, status);
                    }
                }
            });
            let status = task::collect(pid);
            if let Some(status) = status {
                task_line(pid, p.name, status);
            }
            check_leaks(p.name, before);
            status
        }
        Err(why) => {
            kprintln!(
                "VERDICT {} FAIL expect={} got={why}",
                p.name,
                ExpectText(p.expect)
            );
            return false;
        }
    };
    let pass = match (p.expect, got) {
        (Expect::Exit(want), Some(ExitStatus::Code(code))) => want == code,
        (Expect::Signal(want), Some(ExitStatus::Signal { sig, .. })) => want == sig,
        _ => false,
    };
    let verdict = if pass { "PASS" } else { "FAIL" };
    kprintln!(
        "VERDICT {} {verdict} expect={} got={}",
        p.name,
        ExpectText(p.expect),
        GotText(got)
    );
    pass
}

/// Idle until every user task has ended and been reaped; past the time limit, kill them.
/// The scheduler hands the CPU back here at the first tick past the limit, also when
/// tasks never block (docs/kernel-findings.md, F4).
fn wait_for_all_tasks() {
    let start = sched::ticks();
    sched::set_deadline(Some(start + PROGRAM_TIME_LIMIT_TICKS + 1));
    let mut killed = false;
    loop {
        task::reap();
        if !task::any_active() {
            sched::set_deadline(None);
            return;
        }
        // Once: tasks the kill found inside a system call still have to run to their
        // safe point, which takes this loop round a few more times.
        if !killed && sched::ticks() - start > PROGRAM_TIME_LIMIT_TICKS {
            killed = true;
            kprintln!("TIMEOUT killing the remaining tasks");
            task::kill_all(ExitStatus::Signal {
                sig: SIGKILL,
                addr: 0,
                pc: 0,
                word: None,
            });
            continue;
        }
        // Check and sleep with interrupts off: `wait_for_interrupt` enables them as it
        // sleeps, so a wakeup between the check and the sleep cannot be missed.
        let flags = arch::irq_disable();
        if sched::runnable() {
            arch::irq_restore(flags);
            sched::schedule();
        } else if frame::zero_spare_wanted() {
            // Idle time clears frames for the next faults, one per round, so a
            // wakeup waits for at most one frame.
            arch::irq_restore(flags);
            frame::zero_spare();
        } else {
            arch::wait_for_interrupt();
            arch::irq_restore(flags);
        }
    }
}

fn task_line(pid: u32, name: &str, status: ExitStatus) {
    match status {
        ExitStatus::Code(code) => kprintln!("TASK {pid} {name} exit={code}"),
        ExitStatus::Signal {
            sig,
            addr,
            pc,
            word,
        } => kprintln!(
            "TASK {pid} {name} signal={} addr={addr:#010x} pc={pc:#010x} word={}",
            signal::name(sig),
            WordText(word)
        ),
    }
}

/// `exit:N` or `signal:SIGxxx`.
struct ExpectText(Expect);

impl fmt::Display for ExpectText {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0 {
            Expect::Exit(code) => write!(f, "exit:{code}"),
            Expect::Signal(sig) => write!(f, "signal:{}", signal::name(sig)),
        }
    }
}

struct GotText(Option<ExitStatus>);

impl fmt::Display for GotText {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0 {
            Some(ExitStatus::Code(code)) => write!(f, "exit:{code}"),
            Some(ExitStatus::Signal { sig, .. }) => write!(f, "signal:{}", signal::name(sig)),
            None => write!(f, "none"),
        }
    }
}

struct WordText(Option<u32>);

impl fmt::Display for WordText {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0 {
            Some(w) => write!(f, "{w:#010x}"),
            None => write!(f, "none"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::{fake, status32, PtRegs};
    use crate::programs::tests::build as build_table;
    use crate::syscalls::{NR_EXIT_GROUP, NR_WRITE};
    use crate::testing::{self, syscall};

    /// An executable whose entry is `0x1_0000 + 4 * n`, so each can get its own body.
    fn elf(n: u32) -> std::vec::Vec<u8> {
        let mut img = crate::elf::tests::build(&[0; 64], &[1, 2, 3, 4], 0x100);
        img[24..28].copy_from_slice(&(0x1_0000 + 4 * n).to_le_bytes());
        img
    }

    fn exits_0() {
        syscall(NR_EXIT_GROUP, &[0]);
    }

    fn prints_then_exits_1() {
        // The data segment holds bytes 1..=4; write them as "output".
        syscall(NR_WRITE, &[1, 0x2_0000, 4]);
        syscall(NR_EXIT_GROUP, &[1]);
    }

    fn faults() {
        let mut regs = PtRegs {
            ecr: 0x0005_0100,
            efa: 0x3000_0000,
            ret: 0x1_0008,
            status32: status32::USER_INITIAL,
            ..PtRegs::default()
        };
        crate::trap::exception(&mut regs);
    }

    fn breaks_the_canary() {
        // What a kernel without access_ok would let a hostile store do.
        unsafe { core::ptr::addr_of_mut!(KERNEL_CANARY).write(0) };
        syscall(NR_EXIT_GROUP, &[0]);
    }

    fn run_table(programs: &[(&str, &[u8], u32, u32)]) -> (u32, std::string::String) {
        fake::set_user_programs(build_table(programs));
        fake::take_console();
        let status = testing::expect_exit_run(|| {
            run();
        });
        (status, fake::take_console())
    }

    #[test]
    fn programs_run_in_order_and_are_judged() {
        let _t = testing::setup();
        fake::set_task_body(0x1_0000, exits_0);
        fake::set_task_body(0x1_0004, prints_then_exits_1);
        fake::set_task_body(0x1_0008, faults);
        let (e0, e1, e2) = (elf(0), elf(1), elf(2));
        let (status, out) = run_table(&[
            ("ok", &e0, 0, 0),
            ("wrong", &e1, 0, 0),
            ("segv", &e2, 1, 11),
            ("junk", b"not an elf", 0, 0),
        ]);
        let want = "\
PROGRAM ok pid=1 expect=exit:0
TASK 1 ok exit=0
VERDICT ok PASS expect=exit:0 got=exit:0
PROGRAM wrong pid=2 expect=exit:0
\u{1}\u{2}\u{3}\u{4}TASK 2 wrong exit=1
VERDICT wrong FAIL expect=exit:0 got=exit:1
PROGRAM segv pid=3 expect=signal:SIGSEGV
TASK 3 segv signal=SIGSEGV addr=0x30000000 pc=0x00010008 word=none
VERDICT segv PASS expect=signal:SIGSEGV got=signal:SIGSEGV
PROGRAM junk pid=0 expect=exit:0
VERDICT junk FAIL expect=exit:0 got=bad-elf
SUMMARY programs=4 passed=2 failed=2 canary=ok
";
        assert_eq!(out, want);
        assert_eq!(status, 1);
        assert_eq!(
            mm::frame::free_frames(),
            {
                init_kernel();
                mm::frame::free_frames()
            },
            "every program's memory came back"
        );
    }

    #[test]
    fn all_passing_with_the_canary_intact_exits_0() {
        let _t = testing::setup();
        fake::set_task_body(0x1_0000, exits_0);
        let e0 = elf(0);
        let (status, out) = run_table(&[("a", &e0, 0, 0), ("b", &e0, 0, 0)]);
        assert!(
            out.ends_with("SUMMARY programs=2 passed=2 failed=0 canary=ok\n"),
            "{out}"
        );
        assert_eq!(status, 0);
        let (status, out) = run_table(&[]);
        assert_eq!(
            (status, out.as_str()),
            (0, "SUMMARY programs=0 passed=0 failed=0 canary=ok\n")
        );
    }

    #[test]
    fn a_broken_canary_fails_the_run() {
        let _t = testing::setup();
        fake::set_task_body(0x1_0000, breaks_the_canary);
        let e0 = elf(0);
        let (status, out) = run_table(&[("hostile", &e0, 0, 0)]);
        unsafe { core::ptr::addr_of_mut!(KERNEL_CANARY).write(CANARY_VALUE) };
        assert!(out.contains("VERDICT hostile PASS"), "{out}");
        assert!(
            out.ends_with("SUMMARY programs=1 passed=1 failed=0 canary=BROKEN\n"),
            "{out}"
        );
        assert_eq!(status, 1);
    }

    #[test]
    fn an_unreadable_table_fails_the_run() {
        let _t = testing::setup();
        fake::set_user_programs(std::vec![0; 4]);
        let status = testing::expect_exit_run(|| {
            run();
        });
        assert_eq!(status, 1);
        assert!(fake::take_console().contains("ERROR program table unreadable"));
    }

    #[test]
    fn the_first_frame_follows_the_user_abi() {
        let regs = initial_regs(0x1_0074);
        assert_eq!((regs.ret, regs.sp, regs.r[0]), (0x1_0074, STACK_TOP, 0));
        assert_eq!(regs.status32, status32::USER_INITIAL);
    }

    /// User code that never enters the kernel: only the timer interrupts it. On the host it
    /// hands control back once switched out (it would never be resumed: it was killed).
    fn spins() {
        let me = sched::current();
        for _ in 0..3 * PROGRAM_TIME_LIMIT_TICKS {
            let mut user = PtRegs::new_user(0x1_0000, mm::STACK_TOP);
            crate::trap::interrupt(&mut user, board::TIMER0_IRQ);
            if sched::current() != me {
                std::panic::panic_any(fake::SwitchedOut);
            }
        }
        // Three times the limit and still running: the limit did not fire.
        syscall(NR_EXIT_GROUP, &[0]);
    }

    /// F4 (docs/kernel-findings.md): a program that never blocks is killed at the time
    /// limit and the run goes on. Fails before the fix: idle only ran with the run queue
    /// empty, so the spinner ran 3 × the limit and exited 0.
    #[test]
    fn a_program_that_never_blocks_is_killed_at_the_time_limit() {
        let _t = testing::setup();
        fake::set_task_body(0x1_0000, spins);
        fake::set_task_body(0x1_0004, exits_0);
        let (e0, e1) = (elf(0), elf(1));
        let free = {
            init_kernel();
            mm::frame::free_frames()
        };
        let (status, out) = run_table(&[("runaway", &e0, 1, 9), ("after", &e1, 0, 0)]);
        let want = "\
PROGRAM runaway pid=1 expect=signal:SIGKILL
TIMEOUT killing the remaining tasks
TASK 1 runaway signal=SIGKILL addr=0x00000000 pc=0x00000000 word=none
VERDICT runaway PASS expect=signal:SIGKILL got=signal:SIGKILL
PROGRAM after pid=2 expect=exit:0
TASK 2 after exit=0
VERDICT after PASS expect=exit:0 got=exit:0
SUMMARY programs=2 passed=2 failed=0 canary=ok
";
        assert_eq!(out, want);
        assert_eq!(status, 0);
        let limit = PROGRAM_TIME_LIMIT_TICKS;
        assert!(
            (limit..limit + 10).contains(&sched::ticks()),
            "killed at the limit, not later: {} ticks",
            sched::ticks()
        );
        assert_eq!(
            mm::frame::free_frames(),
            free,
            "the killed program's memory came back"
        );
    }
}
