//! `arc_usr_cmpxchg` (syscall 248): compare-and-swap for user space on cores without
//! LLOCK/SCOND. Such cores are uniprocessor, so disabling preemption makes the load-compare-
//! store atomic. With preemption off a page fault cannot be resolved (the handler might have
//! to allocate), so the user accessors return `Efault` through the exception table instead;
//! the fault is then taken by hand with preemption on (`fixup_user_fault`) and the whole
//! sequence retried. This is Linux's algorithm since June 2018 (facts.md).
//!
//! Two cargo features rebuild the historical bodies, as negative controls for the validation
//! suite:
//! - `bug-pre2018`: no `access_ok` signal, a failed store is ignored and the stale value is
//!   reported as a successful swap (Z set), a failed load returns garbage, nothing is faulted
//!   in;
//! - `bug-no-preempt`: the correct body without `preempt_disable`/`preempt_enable`, so a tick
//!   between the load and the store lets another thread's update be lost.
//!
//! One deliberate addition: a misaligned `uaddr` raises SIGBUS. The core has no unaligned
//! option, so the accessor would fault on every attempt and the retry loop would never end.

use crate::arch::{self, PtRegs};
use crate::mm::fault::fixup_user_fault;
use crate::sched::{preempt_disable, preempt_enable};
use crate::signal::{force_sig, SIGBUS, SIGSEGV};
use crate::task;
use crate::umem::access_ok;

/// The system call on the caller's saved frame: r0 = uaddr, r1 = expected, r2 = new.
/// Returns the value for r0 (the old value, 0 after a signal); Z in the saved STATUS32 is
/// set iff the word was swapped.
pub fn sys_arc_usr_cmpxchg(regs: &mut PtRegs) -> u32 {
    let (uaddr, expected, new) = (regs.arg(0), regs.arg(1), regs.arg(2));
    arc_usr_cmpxchg(regs, uaddr, expected, new)
}

#[cfg(not(feature = "bug-pre2018"))]
pub fn arc_usr_cmpxchg(regs: &mut PtRegs, uaddr: u32, expected: u32, new: u32) -> u32 {
    regs.set_z(false);
    if !access_ok(uaddr, 4) {
        force_sig(SIGSEGV, uaddr);
        return 0;
    }
    if !uaddr.is_multiple_of(4) {
        force_sig(SIGBUS, uaddr);
        return 0;
    }
    loop {
        atomic_begin();
        let old = match arch::get_user_u32(uaddr) {
            Ok(v) => v,
            Err(_) => {
                atomic_end();
                if fault_in(uaddr) {
                    continue;
                }
                return 0;
            }
        };
        if old != expected {
            atomic_end();
            return old;
        }
        if arch::put_user_u32(uaddr, new).is_err() {
            atomic_end();
            if fault_in(uaddr) {
                continue;
            }
            return 0;
        }
        regs.set_z(true);
        atomic_end();
        return old;
    }
}

/// The fault path: take the fault with preemption on, or give up with SIGSEGV.
#[cfg(not(feature = "bug-pre2018"))]
fn fault_in(uaddr: u32) -> bool {
    // A killed task stops retrying: it ends at its return to user mode.
    if crate::sched::killed() {
        return false;
    }
    let Some(mm) = task::current_mm() else {
        return false;
    };
    if fixup_user_fault(mm, uaddr, true).is_ok() {
        return true;
    }
    force_sig(SIGSEGV, uaddr);
    false
}

/// The pre-2018 body: bogus pointers pass silently, errors are ignored, and the stale value
/// is reported as a successful swap.
#[cfg(feature = "bug-pre2018")]
pub fn arc_usr_cmpxchg(regs: &mut PtRegs, uaddr: u32, expected: u32, new: u32) -> u32 {
    regs.set_z(false);
    atomic_begin();
    let old = arch::get_user_u32(uaddr).unwrap_or(0);
    if old == expected {
        let _ignored = arch::put_user_u32(uaddr, new);
        regs.set_z(true);
    }
    atomic_end();
    old
}

#[cfg(not(feature = "bug-no-preempt"))]
fn atomic_begin() {
    preempt_disable();
}

#[cfg(not(feature = "bug-no-preempt"))]
fn atomic_end() {
    preempt_enable();
}

#[cfg(feature = "bug-no-preempt")]
fn atomic_begin() {}

#[cfg(feature = "bug-no-preempt")]
fn atomic_end() {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::fake;
    use crate::mm::{self, pagetable::pte, vma::Prot};
    use crate::testing::{self, Process};

    const W: u32 = 0x1_0000;

    fn cmpxchg(uaddr: u32, expected: u32, new: u32) -> (u32, bool) {
        let mut regs = PtRegs::new_user(0x1_0000, 0x5FFF_E000);
        regs.set_z(true);
        let r = arc_usr_cmpxchg(&mut regs, uaddr, expected, new);
        (r, regs.status32 & arch::status32::Z != 0)
    }

    fn word(p: &Process, va: u32) -> Option<u32> {
        mm::with(p.mm, |m| m.pt.peek_u32(va))
    }

    fn pending() -> Option<(u32, u32)> {
        crate::signal::pending().map(|p| (p.sig, p.addr))
    }

    fn setup_word(value: u32) -> Process {
        let p = testing::process(&[(W, 0x2000, Prot::R | Prot::W)]);
        arch::put_user_u32(W, value).unwrap();
        p
    }

    #[test]
    fn swaps_when_equal_and_sets_z() {
        let _t = testing::setup();
        let p = setup_word(5);
        assert_eq!(cmpxchg(W, 5, 9), (5, true));
        assert_eq!(word(&p, W), Some(9));
        assert_eq!(pending(), None);
        assert_eq!(crate::sched::preempt_count(), 0);
    }

    #[test]
    fn returns_the_value_with_z_clear_when_different() {
        let _t = testing::setup();
        let p = setup_word(7);
        assert_eq!(cmpxchg(W, 5, 9), (7, false));
        assert_eq!(word(&p, W), Some(7));
        assert_eq!(crate::sched::preempt_count(), 0);
    }

    #[cfg(not(feature = "bug-pre2018"))]
    #[test]
    fn kernel_pointer_is_sigsegv_and_zero() {
        let _t = testing::setup();
        let _p = setup_word(0);
        let canary = crate::mm::frame::alloc().unwrap();
        unsafe { (arch::phys_ptr(canary) as *mut u32).write(0) };
        assert_eq!(cmpxchg(canary, 0, 0xBAD), (0, false));
        assert_eq!(pending(), Some((crate::signal::SIGSEGV, canary)));
        assert_eq!(
            unsafe { (arch::phys_ptr(canary) as *const u32).read() },
            0,
            "kernel word untouched"
        );
    }

    #[cfg(feature = "bug-pre2018")]
    #[test]
    fn pre2018_lets_a_kernel_pointer_through() {
        let _t = testing::setup();
        let _p = setup_word(0);
        let canary = crate::mm::frame::alloc().unwrap();
        unsafe { (arch::phys_ptr(canary) as *mut u32).write(0) };
        assert_eq!(cmpxchg(canary, 0, 0xBAD), (0, true));
        assert_eq!(pending(), None, "no signal");
        assert_eq!(
            unsafe { (arch::phys_ptr(canary) as *const u32).read() },
            0xBAD,
            "kernel word overwritten"
        );
    }

    #[cfg(not(feature = "bug-pre2018"))]
    #[test]
    fn unmapped_pointer_is_sigsegv() {
        let _t = testing::setup();
        let _p = setup_word(0);
        assert_eq!(cmpxchg(0x3000_0000, 0, 1), (0, false));
        assert_eq!(pending(), Some((crate::signal::SIGSEGV, 0x3000_0000)));
        assert_eq!(crate::sched::preempt_count(), 0);
    }

    #[cfg(not(feature = "bug-pre2018"))]
    #[test]
    fn read_only_page_is_sigsegv_and_unchanged() {
        let _t = testing::setup();
        let p = setup_word(3);
        mm::with(p.mm, |m| m.protect(W, W + 0x2000, Prot::R)).unwrap();
        assert_eq!(cmpxchg(W, 3, 4), (0, false));
        assert_eq!(pending(), Some((crate::signal::SIGSEGV, W)));
        assert_eq!(word(&p, W), Some(3));
        // A mismatch on a read-only page is fine: no store is attempted.
        testing::clear_pending();
        assert_eq!(cmpxchg(W, 1, 4), (3, false));
        assert_eq!(pending(), None);
    }

    #[cfg(not(feature = "bug-pre2018"))]
    #[test]
    fn misaligned_pointer_is_sigbus() {
        let _t = testing::setup();
        let _p = setup_word(0);
        assert_eq!(cmpxchg(W + 2, 0, 1), (0, false));
        assert_eq!(pending(), Some((crate::signal::SIGBUS, W + 2)));
    }

    #[cfg(not(feature = "bug-pre2018"))]
    #[test]
    fn zero_page_store_faults_in_atomic_context_then_retries() {
        let _t = testing::setup();
        let p = testing::process(&[(W, 0x2000, Prot::R | Prot::W)]);
        // Reading maps the shared zero page read-only: the store must break it.
        assert_eq!(arch::get_user_u32(W), Ok(0));
        assert_ne!(mm::with(p.mm, |m| m.pt.get(W)) & pte::ZERO, 0);
        let faults = fake::user_faults();
        assert_eq!(cmpxchg(W, 0, 42), (0, true));
        assert_eq!(word(&p, W), Some(42));
        assert_eq!(
            mm::with(p.mm, |m| m.pt.get(W)) & pte::ZERO,
            0,
            "private page now"
        );
        assert_eq!(
            fake::user_faults(),
            faults + 1,
            "one ProtV, fixed up, then the retry"
        );
        assert_eq!(pending(), None);
        assert_eq!(crate::sched::preempt_count(), 0);
    }

    #[cfg(feature = "bug-pre2018")]
    #[test]
    fn pre2018_loses_the_store_to_a_zero_page_and_claims_success() {
        let _t = testing::setup();
        let p = testing::process(&[(W, 0x2000, Prot::R | Prot::W)]);
        assert_eq!(arch::get_user_u32(W), Ok(0));
        assert_eq!(cmpxchg(W, 0, 42), (0, true), "stale value, Z set");
        assert_eq!(word(&p, W), Some(0), "the store was lost");
        assert_eq!(pending(), None);
    }

    #[cfg(not(feature = "bug-pre2018"))]
    #[test]
    fn injected_load_fault_retries_after_fixup() {
        let _t = testing::setup();
        let p = setup_word(8);
        fake::inject_get_user_fault();
        assert_eq!(cmpxchg(W, 8, 1), (8, true));
        assert_eq!(word(&p, W), Some(1));
    }

    #[cfg(not(feature = "bug-pre2018"))]
    #[test]
    fn injected_store_fault_retries_after_fixup() {
        let _t = testing::setup();
        let p = setup_word(8);
        fake::inject_put_user_fault();
        let faults = fake::user_faults();
        assert_eq!(cmpxchg(W, 8, 1), (8, true));
        assert_eq!(word(&p, W), Some(1));
        assert_eq!(fake::user_faults(), faults + 1);
    }

    #[cfg(feature = "bug-pre2018")]
    #[test]
    fn pre2018_ignores_a_failed_store() {
        let _t = testing::setup();
        let p = setup_word(8);
        fake::inject_put_user_fault();
        assert_eq!(cmpxchg(W, 8, 1), (8, true), "reported as swapped");
        assert_eq!(word(&p, W), Some(8), "but memory is unchanged");
    }

    #[cfg(not(feature = "bug-pre2018"))]
    #[test]
    fn absent_page_is_faulted_in() {
        let _t = testing::setup();
        let p = testing::process(&[(W, 0x2000, Prot::R | Prot::W)]);
        assert_eq!(mm::with(p.mm, |m| m.pt.get(W)), 0);
        assert_eq!(cmpxchg(W, 0, 3), (0, true));
        assert_eq!(word(&p, W), Some(3));
    }

    /// A tick between the load and the store, while another thread of the process wants
    /// to store 5: with preemption off the switch waits until the swap is complete, so both
    /// updates land in order; without it the other store lands in the middle and is lost.
    #[test]
    fn tick_between_load_and_store() {
        let _t = testing::setup();
        let p = setup_word(0);
        testing::spawn_sibling();
        fake::set_switch_hook(|| arch::put_user_u32(W, 5).unwrap());
        fake::inject_irq_before_next_put_user();
        assert_eq!(cmpxchg(W, 0, 1), (0, true));
        assert_eq!(fake::switches().len(), 1, "the tick switched tasks once");
        if cfg!(feature = "bug-no-preempt") {
            assert_eq!(word(&p, W), Some(1), "the other thread's store was lost");
        } else {
            assert_eq!(
                word(&p, W),
                Some(5),
                "swap completed first, then the other thread ran"
            );
        }
    }
}
