//! System calls, by Linux ARC number (facts.md). Every argument is hostile: pointers are
//! range-checked before the fault-tolerant accessors touch them, lengths are bounded, and
//! nothing a user passes can make the kernel panic. Unknown numbers return -ENOSYS.

use crate::arch::{PtRegs, PAGE_SIZE};
use crate::board;
use crate::errno::{Errno, EBADF, EEXIST, EFAULT, EINVAL, ENOMEM, ENOSYS, EPERM, ESRCH};
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

/// Run the call in `regs` (r8 = number, r0.. = arguments) and put the result in r0.
pub fn dispatch(regs: &mut PtRegs) {
    let args = [regs.arg(0), regs.arg(1), regs.arg(2), regs.arg(3), regs.arg(4), regs.arg(5)];
    let a = |n: usize| args[n];
    let result: Result<u32, Errno> = match regs.syscall_nr() {
        NR_WRITE => sys_write(a(0), a(1), a(2)),
        NR_EXIT => task::exit_thread(a(0)),
        NR_EXIT_GROUP => task::exit_group(ExitStatus::Code(a(0) & 0xFF)),
        NR_SET_TID_ADDRESS => Ok(task::with_current(|t| {
            t.clear_child_tid = a(0);
            t.pid
        })),
        NR_NANOSLEEP => sys_nanosleep(a(0)),
        NR_CLOCK_GETTIME => sys_clock_gettime(a(0), a(1)),
        NR_SCHED_YIELD => {
            sched::schedule();
            Ok(0)
        }
        NR_KILL => sys_kill(a(0) as i32, a(1)),
        NR_GETPID => Ok(task::with_current(|t| t.tgid)),
        NR_BRK => Ok(mm::with(current_mm(), |m| m.set_brk(a(0)))),
        NR_MUNMAP => sys_munmap(a(0), a(1)),
        NR_CLONE => {
            let args = CloneArgs { flags: a(0), newsp: a(1), ptid: a(2), tls: a(3), ctid: a(4) };
            task::clone_current(regs, &args)
        }
        NR_MMAP2 => sys_mmap2(a(0), a(1), a(2), a(3), a(4), a(5)),
        NR_MPROTECT => sys_mprotect(a(0), a(1), a(2)),
        NR_CACHEFLUSH => Ok(0),
        NR_ARC_SETTLS => {
            // r25 is the user TLS pointer; the saved copy is what arc_gettls reports.
            task::with_current(|t| t.tls = a(0));
            regs.r[25] = a(0);
            Ok(0)
        }
        NR_ARC_GETTLS => Ok(task::with_current(|t| t.tls)),
        NR_ARC_USR_CMPXCHG => Ok(crate::cmpxchg::sys_arc_usr_cmpxchg(regs)),
        _ => Err(ENOSYS),
    };
    regs.set_return(result.unwrap_or_else(Errno::to_user));
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
    sched::sleep_until(sched::ticks() + ticks);
    Ok(0)
}

const CLOCK_REALTIME: u32 = 0;
const CLOCK_MONOTONIC: u32 = 1;
const CLOCK_MONOTONIC_RAW: u32 = 4;
const CLOCK_BOOTTIME: u32 = 7;

fn sys_clock_gettime(clock: u32, tp: u32) -> Result<u32, Errno> {
    if !matches!(clock, CLOCK_REALTIME | CLOCK_MONOTONIC | CLOCK_MONOTONIC_RAW | CLOCK_BOOTTIME) {
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
    if sig == 0 || signal::ignored_by_default(sig) {
        return Ok(0);
    }
    if target == own {
        // Delivered on the way out of this call, like any signal to oneself.
        signal::force_sig(sig, 0);
    } else {
        let (_, regs_pa) = task::find(target).ok_or(ESRCH)?;
        signal::kill_other(target, sig, regs_pa);
    }
    Ok(0)
}

// mmap flags and protections (asm-generic).
const PROT_ALL: u32 = Prot::R | Prot::W | Prot::X;
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

fn sys_mmap2(addr: u32, len: u32, prot: u32, flags: u32, _fd: u32, pgoff: u32) -> Result<u32, Errno> {
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
    let prot = Prot(prot);
    mm::with(current_mm(), |m| {
        if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0 {
            if addr % PAGE_SIZE != 0 {
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
        let hint_free = addr % PAGE_SIZE == 0
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
    if addr % PAGE_SIZE != 0 || len == 0 {
        return Err(EINVAL);
    }
    let end = user_range_end(addr, len).ok_or(EINVAL)?;
    mm::with(current_mm(), |m| m.unmap(addr, end)).map_err(|_| ENOMEM)?;
    Ok(0)
}

fn sys_mprotect(addr: u32, len: u32, prot: u32) -> Result<u32, Errno> {
    if addr % PAGE_SIZE != 0 || prot & !PROT_ALL != 0 {
        return Err(EINVAL);
    }
    if len == 0 {
        return Ok(0);
    }
    let end = user_range_end(addr, len).ok_or(ENOMEM)?;
    mm::with(current_mm(), |m| m.protect(addr, end, Prot(prot))).map_err(|_| ENOMEM)?;
    Ok(0)
}
