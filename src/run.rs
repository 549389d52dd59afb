//! The validation run: every embedded program in table order, one at a time, each judged
//! against the outcome the table expects, then a summary and the run's exit status.
//!
//! `run()` executes in the boot context, which becomes the scheduler's idle context: it
//! starts a program, then reaps, idles and waits until no user task is left.

use crate::arch;
use core::fmt;
use crate::board;
use crate::elf;
use crate::mm::{self, frame, STACK_TOP};
use crate::programs::{Expect, Program, Table};
use crate::signal::{self, SIGKILL};
use crate::task::{self, ExitStatus, NewTask};
use crate::sched;

/// A word no user program may be able to change. Exported (and so never constant-folded)
/// so that xtask can find its address and hostile programs can aim at it.
#[no_mangle]
pub static mut KERNEL_CANARY: u32 = CANARY_VALUE;
pub const CANARY_VALUE: u32 = 0xC0DE_CAFE;

/// A program still running after this much simulated time is killed (SIGKILL).
pub const PROGRAM_TIME_LIMIT_TICKS: u64 = 10 * board::TICK_HZ as u64;

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
    task::start(NewTask { name: p.name, mm, tgid: None, regs: &regs, tls: 0, clear_child_tid: 0 })
        .map_err(|_| "out-of-memory")
}

fn run_program(p: &Program) -> bool {
    let started = start_program(p);
    let pid = *started.as_ref().unwrap_or(&0);
    kprintln!("PROGRAM {} pid={pid} expect={}", p.name, ExpectText(p.expect));
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
            status
        }
        Err(why) => {
            kprintln!("VERDICT {} FAIL expect={} got={why}", p.name, ExpectText(p.expect));
            return false;
        }
    };
    let pass = match (p.expect, got) {
        (Expect::Exit(want), Some(ExitStatus::Code(code))) => want == code,
        (Expect::Signal(want), Some(ExitStatus::Signal { sig, .. })) => want == sig,
        _ => false,
    };
    let verdict = if pass { "PASS" } else { "FAIL" };
    kprintln!("VERDICT {} {verdict} expect={} got={}", p.name, ExpectText(p.expect), GotText(got));
    pass
}

/// Idle until every user task has ended and been reaped; past the time limit, kill them.
fn wait_for_all_tasks() {
    let start = sched::ticks();
    loop {
        task::reap();
        if !task::any_active() {
            return;
        }
        if sched::ticks() - start > PROGRAM_TIME_LIMIT_TICKS {
            kprintln!("TIMEOUT killing the remaining tasks");
            task::kill_all(ExitStatus::Signal { sig: SIGKILL, addr: 0, pc: 0, word: None });
            continue;
        }
        if sched::runnable() {
            sched::schedule();
        } else {
            arch::wait_for_interrupt();
        }
    }
}

fn task_line(pid: u32, name: &str, status: ExitStatus) {
    match status {
        ExitStatus::Code(code) => kprintln!("TASK {pid} {name} exit={code}"),
        ExitStatus::Signal { sig, addr, pc, word } => kprintln!(
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
