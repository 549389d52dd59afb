//! System calls, by Linux ARC number (facts.md). Every argument is hostile: pointers are
//! range-checked before the fault-tolerant accessors touch them, lengths are bounded, and
//! nothing a user passes can make the kernel panic. Unknown numbers return -ENOSYS.

use crate::arch::{PtRegs, PAGE_SIZE};
use crate::board;
use crate::errno::{Errno, EBADF, EEXIST, EFAULT, EINTR, EINVAL, ENOMEM, ENOSYS, EPERM, ESRCH};
use crate::mm::{self, page_ceil, vma::Prot, MMAP_BASE, MMAP_END, TASK_SIZE};
use crate::sched;
use crate::signal::{self, NSIG};
use crate::task::{self, CloneArgs, ExitStatus};
use crate::umem;

pub const NR_WRITE: u32 = 64;
pub const NR_EXIT: u32 = 93;
pub const NR_EXIT_GROUP: u32 = 94;
pub const NR_SET_TID_ADDRESS: u32 = 96;
pub const NR_NANOSLEEP: u32 = 101;
pub const NR_CLOCK_GETTIME: u32 = 113;
pub const NR_SCHED_YIELD: u32 = 124;
pub const NR_KILL: u32 = 129;
pub const NR_RT_SIGACTION: u32 = 134;
pub const NR_RT_SIGPROCMASK: u32 = 135;
pub const NR_RT_SIGRETURN: u32 = 139;
pub const NR_GETPID: u32 = 172;
pub const NR_BRK: u32 = 214;
pub const NR_MUNMAP: u32 = 215;
pub const NR_CLONE: u32 = 220;
pub const NR_MMAP2: u32 = 222;
pub const NR_MPROTECT: u32 = 226;
pub const NR_CACHEFLUSH: u32 = 244;
pub const NR_ARC_SETTLS: u32 = 245;
pub const NR_ARC_GETTLS: u32 = 246;
pub const NR_ARC_USR_CMPXCHG: u32 = 248;

/// The calls that read or write the callee-saved registers (r13..r26, fp) in the caller's
/// frame: clone copies them to the child, rt_sigreturn restores them, arc_settls sets r25.
/// ARCv2's syscall entry saves those registers only when `dispatch_lean` declines one of
/// these (or when the way back has work).
pub const WHOLE_FRAME_CALLS: [u32; 3] = [NR_CLONE, NR_RT_SIGRETURN, NR_ARC_SETTLS];

/// Run the call in `regs` (r8 = number, r0.. = arguments) on a whole frame and put the
/// result in r0.
pub fn dispatch(regs: &mut PtRegs) {
    let nr = regs.syscall_nr();
    let r0 = dispatch_lean(regs, nr).unwrap_or_else(|| dispatch_call(regs));
    regs.set_return(r0);
}

/// The call's r0, for a frame that may lack the callee-saved registers (ARCv2's lean
/// entry, which passes the number, r8, in a register, and stores r0 itself: one store in
/// assembly instead of an alignment-checked one in lowered Rust). getpid is answered
/// here, in a function small enough to need no callee-saved registers of its own;
/// `dispatch_call`'s frame saves twelve (docs/bench.md). `None`, with nothing done, for
/// the `WHOLE_FRAME_CALLS`: the entry completes the frame and calls `dispatch`.
pub fn dispatch_lean(regs: &mut PtRegs, nr: u32) -> Option<u32> {
    if nr == NR_GETPID {
        return Some(task::current_tgid());
    }
    if WHOLE_FRAME_CALLS.contains(&nr) {
        return None;
    }
    Some(dispatch_call(regs))
}

/// Each arm reads only the arguments its call takes and yields r0 as a `u32`: loading
/// all six up front, or a `Result` (which goes through the wasm shadow stack), cost
/// every call (docs/bench.md).
#[inline(never)]
fn dispatch_call(regs: &mut PtRegs) -> u32 {
    let a = |n| regs.arg(n);
    match regs.syscall_nr() {
        NR_WRITE => ret(sys_write(a(0), a(1), a(2))),
        NR_EXIT => task::exit_thread(a(0)),
        NR_EXIT_GROUP => task::exit_group(ExitStatus::Code(a(0) & 0xFF)),
        NR_SET_TID_ADDRESS => {
            let tid = a(0);
            task::with_current(|t| {
                t.clear_child_tid = tid;
                t.pid
            })
        }
        NR_NANOSLEEP => ret(sys_nanosleep(a(0))),
        NR_CLOCK_GETTIME => ret(sys_clock_gettime(a(0), a(1))),
        NR_SCHED_YIELD => {
            sched::schedule();
            0
        }
        NR_KILL => ret(sys_kill(a(0) as i32, a(1))),
        NR_RT_SIGACTION => ret(signal::sys_rt_sigaction(a(0), a(1), a(2), a(3))),
        NR_RT_SIGPROCMASK => ret(signal::sys_rt_sigprocmask(a(0), a(1), a(2), a(3))),
        NR_RT_SIGRETURN => signal::sys_rt_sigreturn(regs),
        NR_BRK => {
            let want = a(0);
            mm::with(current_mm(), |m| m.set_brk(want))
        }
        NR_MUNMAP => ret(sys_munmap(a(0), a(1))),
        NR_CLONE => {
            let args = CloneArgs {
                flags: a(0),
                newsp: a(1),
                ptid: a(2),
                tls: a(3),
                ctid: a(4),
            };
            ret(task::clone_current(regs, &args))
        }
        NR_MMAP2 => ret(sys_mmap2(a(0), a(1), a(2), a(3), a(4), a(5))),
        NR_MPROTECT => ret(sys_mprotect(a(0), a(1), a(2))),
        NR_CACHEFLUSH => 0,
        NR_ARC_SETTLS => {
            // r25 is the user TLS pointer; the saved copy is what arc_gettls reports.
            let tls = a(0);
            task::with_current(|t| t.tls = tls);
            regs.r[25] = tls;
            0
        }
        NR_ARC_GETTLS => task::with_current(|t| t.tls),
        NR_ARC_USR_CMPXCHG => crate::cmpxchg::sys_arc_usr_cmpxchg(regs),
        _ => ENOSYS.to_user(),
    }
}

/// A call's r0: its value, or `-errno`.
fn ret(r: Result<u32, Errno>) -> u32 {
    r.unwrap_or_else(Errno::to_user)
}

fn current_mm() -> mm::MmId {
    task::current_mm().expect("system call from the idle context")
}

/// Bytes copied per step: bounded so the kernel stack frame stays small.
const WRITE_CHUNK: usize = 128;

fn sys_write(fd: u32, buf: u32, count: u32) -> Result<u32, Errno> {
    if fd != 1 && fd != 2 {
        return Err(EBADF);
    }
    if !umem::access_ok(buf, count) {
        return Err(EFAULT);
    }
    let mut chunk = [0u8; WRITE_CHUNK];
    let mut done = 0u32;
    while done < count {
        let n = (count - done).min(WRITE_CHUNK as u32) as usize;
        if umem::copy_from_user(&mut chunk[..n], buf + done).is_err() {
            // Linux reports what was written before the fault, or EFAULT if nothing was.
            return if done > 0 { Ok(done) } else { Err(EFAULT) };
        }
        crate::arch::console_write(&chunk[..n]);
        done += n as u32;
    }
    Ok(done)
}

const NSEC_PER_SEC: u64 = 1_000_000_000;

fn sys_nanosleep(req: u32) -> Result<u32, Errno> {
    let mut ts = [0u8; 8];
    umem::copy_from_user(&mut ts, req)?;
    let sec = i32::from_le_bytes([ts[0], ts[1], ts[2], ts[3]]);
    let nsec = i32::from_le_bytes([ts[4], ts[5], ts[6], ts[7]]);
    if sec < 0 || !(0..NSEC_PER_SEC as i32).contains(&nsec) {
        return Err(EINVAL);
    }
    let ns = sec as u64 * NSEC_PER_SEC + nsec as u64;
    let tick_ns = NSEC_PER_SEC / board::TICK_HZ as u64;
    // Round up, plus the tick in progress: never sleep less than asked.
    let ticks = ns.div_ceil(tick_ns) + if ns > 0 { 1 } else { 0 };
    // Cut short by a kill or a signal: the caller never sees the value of a kill, and
    // nanosleep is not restarted after a handler (Linux: EINTR whatever SA_RESTART says).
    sched::sleep_until(sched::ticks() + ticks).map_err(|_| EINTR)?;
    Ok(0)
}

const CLOCK_REALTIME: u32 = 0;
const CLOCK_MONOTONIC: u32 = 1;
const CLOCK_MONOTONIC_RAW: u32 = 4;
const CLOCK_BOOTTIME: u32 = 7;

fn sys_clock_gettime(clock: u32, tp: u32) -> Result<u32, Errno> {
    if !matches!(
        clock,
        CLOCK_REALTIME | CLOCK_MONOTONIC | CLOCK_MONOTONIC_RAW | CLOCK_BOOTTIME
    ) {
        return Err(EINVAL);
    }
    // There is no wall clock: every clock counts from boot.
    let ns = sched::ticks() * (NSEC_PER_SEC / board::TICK_HZ as u64);
    let sec = (ns / NSEC_PER_SEC) as u32;
    let nsec = (ns % NSEC_PER_SEC) as u32;
    let mut ts = [0u8; 8];
    ts[..4].copy_from_slice(&sec.to_le_bytes());
    ts[4..].copy_from_slice(&nsec.to_le_bytes());
    umem::copy_to_user(tp, &ts)?;
    Ok(0)
}

fn sys_kill(pid: i32, sig: u32) -> Result<u32, Errno> {
    if sig > NSIG {
        return Err(EINVAL);
    }
    let own = task::with_current(|t| t.tgid);
    let target = match pid {
        0 => own,
        p if p > 0 => task::find(p as u32).ok_or(ESRCH)?.0,
        _ => return Err(EINVAL),
    };
    if sig == 0 {
        return Ok(0);
    }
    let (_, regs_pa) = task::find(target).ok_or(ESRCH)?;
    signal::send(target, sig, regs_pa);
    Ok(0)
}

// mmap flags and protections (asm-generic).
const PROT_ALL: u32 = Prot::all().bits();
const MAP_SHARED: u32 = 0x01;
const MAP_PRIVATE: u32 = 0x02;
const MAP_FIXED: u32 = 0x10;
const MAP_ANONYMOUS: u32 = 0x20;
const MAP_FIXED_NOREPLACE: u32 = 0x10_0000;

/// The page-rounded end of `[addr, addr + len)`, if it stays inside user space.
fn user_range_end(addr: u32, len: u32) -> Option<u32> {
    let end = page_ceil(addr.checked_add(len)?)?;
    (end <= TASK_SIZE).then_some(end)
}

fn sys_mmap2(
    addr: u32,
    len: u32,
    prot: u32,
    flags: u32,
    _fd: u32,
    pgoff: u32,
) -> Result<u32, Errno> {
    if len == 0 || prot & !PROT_ALL != 0 {
        return Err(EINVAL);
    }
    if flags & MAP_SHARED != 0 || flags & MAP_PRIVATE == 0 {
        return Err(EINVAL);
    }
    if flags & MAP_ANONYMOUS == 0 {
        return Err(EBADF);
    }
    if pgoff != 0 {
        return Err(EINVAL);
    }
    let size = page_ceil(len).ok_or(ENOMEM)?;
    let prot = Prot::from_bits_truncate(prot);
    mm::with(current_mm(), |m| {
        if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0 {
            if !addr.is_multiple_of(PAGE_SIZE) {
                return Err(EINVAL);
            }
            if addr < PAGE_SIZE {
                return Err(EPERM);
            }
            let end = user_range_end(addr, size).ok_or(ENOMEM)?;
            if flags & MAP_FIXED == 0 && m.vmas.iter().any(|v| v.start < end && addr < v.end) {
                return Err(EEXIST);
            }
            m.unmap(addr, end).map_err(|_| ENOMEM)?;
            m.map_anon(addr, end, prot).map_err(|_| ENOMEM)?;
            return Ok(addr);
        }
        let hint_free = addr.is_multiple_of(PAGE_SIZE)
            && addr >= PAGE_SIZE
            && user_range_end(addr, size)
                .is_some_and(|end| !m.vmas.iter().any(|v| v.start < end && addr < v.end));
        let start = if hint_free {
            addr
        } else {
            m.vmas.find_gap(size, MMAP_BASE, MMAP_END).ok_or(ENOMEM)?
        };
        m.map_anon(start, start + size, prot).map_err(|_| ENOMEM)?;
        Ok(start)
    })
}

fn sys_munmap(addr: u32, len: u32) -> Result<u32, Errno> {
    if !addr.is_multiple_of(PAGE_SIZE) || len == 0 {
        return Err(EINVAL);
    }
    let end = user_range_end(addr, len).ok_or(EINVAL)?;
    mm::with(current_mm(), |m| m.unmap(addr, end)).map_err(|_| ENOMEM)?;
    Ok(0)
}

fn sys_mprotect(addr: u32, len: u32, prot: u32) -> Result<u32, Errno> {
    if !addr.is_multiple_of(PAGE_SIZE) || prot & !PROT_ALL != 0 {
        return Err(EINVAL);
    }
    if len == 0 {
        return Ok(0);
    }
    let end = user_range_end(addr, len).ok_or(ENOMEM)?;
    mm::with(current_mm(), |m| {
        m.protect(addr, end, Prot::from_bits_truncate(prot))
    })
    .map_err(|_| ENOMEM)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::{self, fake};
    use crate::mm::vma::Prot;
    use crate::testing::{self, err, syscall};

    const DATA: u32 = 0x1_0000;

    fn process() -> testing::Process {
        testing::process(&[(DATA, 0x4000, Prot::R | Prot::W)])
    }

    /// The numbers ARCv2's entry.S compares with, from aux.h, are the kernel's.
    #[test]
    fn the_entry_uses_the_kernels_numbers() {
        let header = include_str!("arch/arc/aux.h");
        let define = |name: &str| -> Option<u32> {
            header.lines().find_map(|l| {
                let mut w = l.split_whitespace();
                (w.next()? == "#define" && w.next()? == name).then_some(())?;
                w.next()?.parse().ok()
            })
        };
        assert_eq!(define("NR_ARC_USR_CMPXCHG"), Some(NR_ARC_USR_CMPXCHG));
        assert_eq!(
            define("LEAN_WHOLE_FRAME"),
            Some(crate::trap::LEAN_WHOLE_FRAME)
        );
    }

    #[test]
    fn the_lean_dispatch_declines_exactly_the_whole_frame_calls() {
        let _t = testing::setup();
        let p = process();
        for nr in 0..512 {
            if matches!(nr, NR_EXIT | NR_EXIT_GROUP) {
                continue;
            }
            let mut regs = testing::syscall_frame(nr, &[0; 6]);
            regs.r[0] = 0x5A5A_5A5A;
            let before = regs;
            let ran = dispatch_lean(&mut regs, nr);
            assert_eq!(ran.is_some(), !WHOLE_FRAME_CALLS.contains(&nr), "call {nr}");
            if ran.is_none() {
                assert!(regs == before, "call {nr} declined but changed the frame");
            }
        }
        let mut regs = testing::syscall_frame(NR_GETPID, &[]);
        assert_eq!(dispatch_lean(&mut regs, NR_GETPID), Some(p.pid));
        let mut regs = testing::syscall_frame(NR_ARC_GETTLS, &[]);
        assert_eq!(
            dispatch_lean(&mut regs, NR_ARC_GETTLS),
            Some(task::with_current(|t| t.tls))
        );
    }

    #[test]
    fn unknown_numbers_are_enosys() {
        let _t = testing::setup();
        let _p = process();
        for nr in [0, 63, 247, 249, 1000, u32::MAX] {
            assert_eq!(syscall(nr, &[]), err(ENOSYS), "nr {nr}");
        }
    }

    #[test]
    fn write_copies_user_bytes_to_the_console() {
        let _t = testing::setup();
        let _p = process();
        arch::copy_to_user(DATA, b"hello\n").unwrap();
        fake::take_console();
        assert_eq!(syscall(NR_WRITE, &[1, DATA, 6]), 6);
        assert_eq!(syscall(NR_WRITE, &[2, DATA, 0]), 0);
        assert_eq!(fake::take_console(), "hello\n");
    }

    #[test]
    fn write_refuses_hostile_buffers() {
        let _t = testing::setup();
        let _p = process();
        fake::take_console();
        assert_eq!(syscall(NR_WRITE, &[3, DATA, 4]), err(EBADF));
        assert_eq!(
            syscall(NR_WRITE, &[1, 0x8000_0000, 4]),
            err(EFAULT),
            "kernel memory"
        );
        assert_eq!(
            syscall(NR_WRITE, &[1, 0x3000_0000, 4]),
            err(EFAULT),
            "unmapped"
        );
        assert_eq!(
            syscall(NR_WRITE, &[1, DATA, 0xFFFF_FFFF]),
            err(EFAULT),
            "wrapping length"
        );
        assert_eq!(
            syscall(NR_WRITE, &[1, 0x5FFF_FFF0, 0x20]),
            err(EFAULT),
            "reaches TASK_SIZE"
        );
        assert_eq!(fake::take_console(), "", "nothing leaked to the console");
        // A buffer running off the end of the area: the chunks before the hole are written.
        assert_eq!(
            syscall(NR_WRITE, &[1, DATA + 0x4000 - 200, 300]),
            WRITE_CHUNK as u32
        );
    }

    #[test]
    fn mmap2_anonymous_private_places_and_protects() {
        let _t = testing::setup();
        let p = process();
        let a = syscall(
            NR_MMAP2,
            &[
                0,
                3 * PAGE_SIZE,
                Prot::RW.bits(),
                MAP_PRIVATE | MAP_ANONYMOUS,
                u32::MAX,
                0,
            ],
        );
        assert!((MMAP_BASE..MMAP_END).contains(&a), "{a:#x}");
        let b = syscall(
            NR_MMAP2,
            &[
                0,
                1,
                Prot::R.bits(),
                MAP_PRIVATE | MAP_ANONYMOUS,
                u32::MAX,
                0,
            ],
        );
        assert_eq!(b, a + 3 * PAGE_SIZE, "next fit, length rounded up");
        arch::put_user_u32(a + 8, 7).unwrap();
        assert_eq!(arch::get_user_u32(a + 8), Ok(7));
        assert_eq!(
            arch::put_user_u32(b, 1),
            Err(arch::Efault),
            "PROT_READ only"
        );
        let fixed = 0x3000_0000;
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
        assert_eq!(
            syscall(NR_MMAP2, &[fixed, PAGE_SIZE, 3, flags, 0, 0]),
            fixed
        );
        assert_eq!(
            syscall(NR_MMAP2, &[a, PAGE_SIZE, 3, flags, 0, 0]),
            a,
            "MAP_FIXED replaces"
        );
        assert_eq!(arch::get_user_u32(a + 8), Ok(0), "the old page is gone");
        let noreplace = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
        assert_eq!(
            syscall(NR_MMAP2, &[a, PAGE_SIZE, 3, noreplace, 0, 0]),
            err(EEXIST)
        );
        mm::with(p.mm, |m| {
            assert_eq!(m.vmas.find(fixed).unwrap().prot, Prot::RW)
        });
    }

    #[test]
    fn mmap2_refuses_hostile_arguments() {
        let _t = testing::setup();
        let _p = process();
        let anon = MAP_PRIVATE | MAP_ANONYMOUS;
        let fixed = anon | MAP_FIXED;
        let cases = [
            ([0, 0, 3, anon, 0, 0], EINVAL),
            ([0, PAGE_SIZE, 8, anon, 0, 0], EINVAL),
            ([0, PAGE_SIZE, 3, MAP_SHARED | MAP_ANONYMOUS, 0, 0], EINVAL),
            ([0, PAGE_SIZE, 3, MAP_PRIVATE, 3, 0], EBADF),
            ([0, PAGE_SIZE, 3, anon, 0, 1], EINVAL),
            ([0, 0xFFFF_F000, 3, anon, 0, 0], ENOMEM),
            ([0, 0xFFFF_FFFF, 3, anon, 0, 0], ENOMEM),
            ([0x3000_0004, PAGE_SIZE, 3, fixed, 0, 0], EINVAL),
            ([0, PAGE_SIZE, 3, fixed, 0, 0], EPERM),
            ([0x8000_0000, PAGE_SIZE, 3, fixed, 0, 0], ENOMEM),
            ([0x5FFF_E000, 2 * PAGE_SIZE, 3, fixed, 0, 0], ENOMEM),
            ([0xFFFF_E000, 2 * PAGE_SIZE, 3, fixed, 0, 0], ENOMEM),
        ];
        for (n, (args, e)) in cases.iter().enumerate() {
            assert_eq!(syscall(NR_MMAP2, args), err(*e), "case {n}");
        }
        // A hint in kernel space is only a hint.
        let a = syscall(NR_MMAP2, &[0x8000_0000, PAGE_SIZE, 3, anon, 0, 0]);
        assert!((MMAP_BASE..MMAP_END).contains(&a));
    }

    #[test]
    fn munmap_and_mprotect_validate_ranges() {
        let _t = testing::setup();
        let _p = process();
        assert_eq!(syscall(NR_MUNMAP, &[DATA + 1, PAGE_SIZE]), err(EINVAL));
        assert_eq!(syscall(NR_MUNMAP, &[DATA, 0]), err(EINVAL));
        assert_eq!(syscall(NR_MUNMAP, &[0xFFFF_E000, 0x4000]), err(EINVAL));
        assert_eq!(
            syscall(NR_MUNMAP, &[0x5000_0000, 0x2000_0000]),
            err(EINVAL),
            "past TASK_SIZE"
        );
        assert_eq!(
            syscall(NR_MUNMAP, &[0x4000_0000, PAGE_SIZE]),
            0,
            "nothing there is fine"
        );
        assert_eq!(syscall(NR_MPROTECT, &[DATA + 4, PAGE_SIZE, 1]), err(EINVAL));
        assert_eq!(syscall(NR_MPROTECT, &[DATA, PAGE_SIZE, 0x10]), err(EINVAL));
        assert_eq!(
            syscall(NR_MPROTECT, &[DATA, 0x10_0000, 1]),
            err(ENOMEM),
            "not all mapped"
        );
        assert_eq!(
            syscall(NR_MPROTECT, &[0x8000_0000, PAGE_SIZE, 1]),
            err(ENOMEM)
        );
        assert_eq!(syscall(NR_MPROTECT, &[DATA, 0, 1]), 0);
        arch::put_user_u32(DATA, 1).unwrap();
        assert_eq!(syscall(NR_MPROTECT, &[DATA, PAGE_SIZE, Prot::R.bits()]), 0);
        assert_eq!(arch::put_user_u32(DATA, 2), Err(arch::Efault));
        assert_eq!(syscall(NR_MUNMAP, &[DATA, PAGE_SIZE]), 0);
        assert_eq!(arch::get_user_u32(DATA), Err(arch::Efault));
    }

    #[test]
    fn brk_reports_and_moves_the_break() {
        let _t = testing::setup();
        let p = process();
        mm::with(p.mm, |m| {
            m.brk_start = 0x8_0000;
            m.brk = 0x8_0000;
        });
        assert_eq!(syscall(NR_BRK, &[0]), 0x8_0000);
        assert_eq!(syscall(NR_BRK, &[0x8_1000]), 0x8_1000);
        arch::put_user_u32(0x8_0ffc, 5).unwrap();
        assert_eq!(
            syscall(NR_BRK, &[0x9000_0000]),
            0x8_1000,
            "refused: old break"
        );
    }

    #[test]
    fn identity_and_tls_calls() {
        let _t = testing::setup();
        let p = process();
        assert_eq!(syscall(NR_GETPID, &[]), p.pid);
        assert_eq!(syscall(NR_SET_TID_ADDRESS, &[DATA]), p.pid);
        assert_eq!(crate::task::with_current(|t| t.clear_child_tid), DATA);
        let mut regs = testing::syscall_frame(NR_ARC_SETTLS, &[0x1234_5678]);
        crate::trap::syscall(&mut regs);
        assert_eq!((regs.r[0], regs.r[25]), (0, 0x1234_5678));
        assert_eq!(syscall(NR_ARC_GETTLS, &[]), 0x1234_5678);
        assert_eq!(syscall(NR_CACHEFLUSH, &[0, 0, 0]), 0);
        assert_eq!(syscall(NR_SCHED_YIELD, &[]), 0);
    }

    #[test]
    fn clock_gettime_counts_ticks_and_checks_its_pointer() {
        let _t = testing::setup();
        let _p = process();
        for _ in 0..(board::TICK_HZ + board::TICK_HZ / 2) {
            sched::tick();
        }
        assert_eq!(syscall(NR_CLOCK_GETTIME, &[CLOCK_MONOTONIC, DATA]), 0);
        assert_eq!(arch::get_user_u32(DATA), Ok(1));
        assert_eq!(arch::get_user_u32(DATA + 4), Ok(500_000_000));
        assert_eq!(syscall(NR_CLOCK_GETTIME, &[99, DATA]), err(EINVAL));
        assert_eq!(
            syscall(NR_CLOCK_GETTIME, &[CLOCK_MONOTONIC, 0x8000_0000]),
            err(EFAULT)
        );
        assert_eq!(
            syscall(NR_CLOCK_GETTIME, &[CLOCK_MONOTONIC, 0]),
            err(EFAULT)
        );
    }

    #[test]
    fn nanosleep_validates_before_sleeping() {
        let _t = testing::setup();
        let _p = process();
        assert_eq!(syscall(NR_NANOSLEEP, &[0x8000_0000, 0]), err(EFAULT));
        assert_eq!(syscall(NR_NANOSLEEP, &[0x3000_0000, 0]), err(EFAULT));
        arch::copy_to_user(DATA, &[0, 0, 0, 0, 0, 0xCA, 0x9A, 0x3B]).unwrap(); // 1e9 ns
        assert_eq!(syscall(NR_NANOSLEEP, &[DATA, 0]), err(EINVAL));
        arch::copy_to_user(DATA, &[0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]).unwrap(); // -1 s
        assert_eq!(syscall(NR_NANOSLEEP, &[DATA, 0]), err(EINVAL));
        arch::copy_to_user(DATA, &[0; 8]).unwrap();
        assert_eq!(syscall(NR_NANOSLEEP, &[DATA, 0]), 0, "zero returns at once");
    }

    #[test]
    fn kill_validates_and_ignores_harmless_signals() {
        let _t = testing::setup();
        let p = process();
        assert_eq!(syscall(NR_KILL, &[p.pid, 65]), err(EINVAL));
        assert_eq!(syscall(NR_KILL, &[9999, 9]), err(ESRCH));
        assert_eq!(syscall(NR_KILL, &[(-1i32) as u32, 9]), err(EINVAL));
        assert_eq!(syscall(NR_KILL, &[p.pid, 0]), 0, "existence probe");
        assert_eq!(syscall(NR_KILL, &[p.pid, signal::SIGCHLD]), 0);
        assert_eq!(crate::signal::pending(), None);
    }

    #[test]
    fn kill_self_terminates_the_group_on_return() {
        let _t = testing::setup();
        let p = process();
        testing::expect_task_end(|| {
            syscall(NR_KILL, &[0, signal::SIGTERM]);
        });
        match testing::status_of(p.pid) {
            Some(ExitStatus::Signal { sig, pc, .. }) => {
                assert_eq!(sig, signal::SIGTERM);
                assert_eq!(pc, 0x1_0040);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn kill_another_process_ends_all_its_threads() {
        let _t = testing::setup();
        let victim = process();
        let sibling = testing::spawn_sibling();
        let killer = process();
        assert!(task::find(victim.pid).is_some());
        assert_eq!(
            syscall(NR_KILL, &[sibling, signal::SIGKILL]),
            0,
            "a thread id names its group"
        );
        assert!(task::find(victim.pid).is_none() && task::find(sibling).is_none());
        assert!(task::find(killer.pid).is_some());
        sched::set_current_for_test(sched::IDLE);
        match testing::status_of(victim.pid) {
            Some(ExitStatus::Signal { sig, .. }) => assert_eq!(sig, signal::SIGKILL),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn exit_group_records_the_low_byte() {
        let _t = testing::setup();
        let p = process();
        testing::expect_task_end(|| {
            syscall(NR_EXIT_GROUP, &[0x1_0203]);
        });
        assert_eq!(testing::status_of(p.pid), Some(ExitStatus::Code(3)));
    }

    #[test]
    fn cmpxchg_through_the_trap_sets_r0_and_z() {
        let _t = testing::setup();
        let _p = process();
        arch::put_user_u32(DATA, 10).unwrap();
        let mut regs = testing::syscall_frame(NR_ARC_USR_CMPXCHG, &[DATA, 10, 11]);
        crate::trap::syscall(&mut regs);
        assert_eq!(regs.r[0], 10);
        assert_ne!(regs.status32 & arch::status32::Z, 0);
        let mut regs = testing::syscall_frame(NR_ARC_USR_CMPXCHG, &[DATA, 10, 12]);
        regs.status32 |= arch::status32::Z;
        crate::trap::syscall(&mut regs);
        assert_eq!(regs.r[0], 11);
        assert_eq!(regs.status32 & arch::status32::Z, 0);
    }

    #[cfg(not(feature = "bug-pre2018"))]
    #[test]
    fn cmpxchg_on_a_kernel_address_kills_with_sigsegv() {
        let _t = testing::setup();
        let p = process();
        testing::expect_task_end(|| {
            syscall(NR_ARC_USR_CMPXCHG, &[0x8000_0000, 0, 1]);
        });
        assert_eq!(
            testing::status_of(p.pid),
            Some(ExitStatus::Signal {
                sig: signal::SIGSEGV,
                addr: 0x8000_0000,
                pc: 0x1_0040,
                word: None
            })
        );
    }
}
