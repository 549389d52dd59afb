//! The page-fault policy: what a TLB miss or protection violation on a user address means.
//!
//! - no area, or an area without the right → the access is an error (SIGSEGV for user code,
//!   `Efault` for a kernel user access);
//! - read of an absent anonymous page → map the shared zero page read-only;
//! - write of an absent page → a fresh zeroed frame, writable;
//! - write of a zero-page or COW mapping → a private copy (or the same frame, once nobody
//!   else shares it), writable;
//! - anything else → the PTE already allows it (a stale TLB entry): refresh it.
//!
//! Every change flushes the page's old TLB entry.

use super::frame::{self, OutOfMemory};
use super::pagetable::pte;
use super::{asid, page_floor, pte_perms, Mm, MmId, TASK_SIZE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Exec,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultError {
    /// No area contains the address (SEGV_MAPERR).
    NoVma,
    /// The area forbids this access (SEGV_ACCERR).
    Denied,
    OutOfMemory,
}

impl From<OutOfMemory> for FaultError {
    fn from(_: OutOfMemory) -> Self {
        FaultError::OutOfMemory
    }
}

pub fn handle_mm_fault(mm: MmId, addr: u32, access: Access) -> Result<(), FaultError> {
    super::with(mm, |m| m.fault(addr, access))
}

/// Take a fault by hand, outside atomic context, so that a following atomic user access
/// finds the page present with the right (Linux's `fixup_user_fault`).
pub fn fixup_user_fault(mm: MmId, addr: u32, write: bool) -> Result<(), FaultError> {
    handle_mm_fault(mm, addr, if write { Access::Write } else { Access::Read })
}

impl Mm {
    fn fault(&mut self, addr: u32, access: Access) -> Result<(), FaultError> {
        if addr >= TASK_SIZE {
            return Err(FaultError::NoVma);
        }
        let vma = self.vmas.find(addr).ok_or(FaultError::NoVma)?;
        let allowed = match access {
            Access::Read => vma.prot.readable(),
            Access::Write => vma.prot.writable(),
            Access::Exec => vma.prot.executable(),
        };
        if !allowed {
            return Err(FaultError::Denied);
        }
        let va = page_floor(addr);
        let old = self.pt.get(va);
        let perms = pte_perms(vma.prot);
        let fresh = pte::PRESENT | pte::ACCESSED | pte::DIRTY | perms;
        let new = if old & pte::PRESENT == 0 {
            if access == Access::Write {
                frame::alloc()? | fresh
            } else {
                frame::zero_page()
                    | pte::PRESENT
                    | pte::ZERO
                    | pte::ACCESSED
                    | (perms & !pte::WRITE)
            }
        } else if access == Access::Write && old & pte::ZERO != 0 {
            frame::alloc()? | fresh
        } else if access == Access::Write && old & pte::COW != 0 {
            let shared = pte::frame(old);
            if frame::refcount(shared) == 1 {
                shared | fresh
            } else {
                let copy = frame::alloc_uncleared()?;
                frame::copy(copy, shared);
                frame::put(shared);
                copy | fresh
            }
        } else {
            let mut bits = perms;
            if old & (pte::ZERO | pte::COW) != 0 {
                bits &= !pte::WRITE;
            }
            (old & !pte::PERMS) | bits | pte::ACCESSED
        };
        self.pt.set(va, new)?;
        asid::flush_page(self.id, va);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch;
    use crate::mm::{self, vma::Prot};
    use crate::testing;

    fn space(prot: Prot) -> MmId {
        let id = mm::create().unwrap();
        mm::with(id, |m| m.map_anon(0x1_0000, 0x1_4000, prot).unwrap());
        id
    }

    fn pte_of(id: MmId, va: u32) -> u32 {
        mm::with(id, |m| m.pt.get(va))
    }

    fn word(p: u32, off: u32) -> u32 {
        unsafe { (arch::phys_ptr(pte::frame(p) + off) as *const u32).read() }
    }

    #[test]
    fn demand_zero_write_allocates_a_writable_frame() {
        let _t = testing::setup();
        let id = space(Prot::R | Prot::W);
        handle_mm_fault(id, 0x1_0004, Access::Write).unwrap();
        let p = pte_of(id, 0x1_0000);
        assert_eq!(
            p & (pte::PRESENT | pte::WRITE | pte::READ),
            pte::PRESENT | pte::WRITE | pte::READ
        );
        assert_ne!(pte::frame(p), frame::zero_page());
        assert_eq!(p & pte::EXEC, 0);
        assert_eq!(word(p, 4), 0);
    }

    #[test]
    fn read_maps_the_zero_page_then_write_breaks_it() {
        let _t = testing::setup();
        let id = space(Prot::R | Prot::W);
        let asid = asid::activate(id);
        handle_mm_fault(id, 0x1_2000, Access::Read).unwrap();
        let p = pte_of(id, 0x1_2000);
        assert_eq!(pte::frame(p), frame::zero_page());
        assert_eq!(
            p & (pte::ZERO | pte::WRITE),
            pte::ZERO,
            "read-only zero page"
        );
        let free = frame::free_frames();
        handle_mm_fault(id, 0x1_2000, Access::Write).unwrap();
        let q = pte_of(id, 0x1_2000);
        assert_ne!(pte::frame(q), frame::zero_page());
        assert_eq!(q & (pte::ZERO | pte::WRITE), pte::WRITE);
        assert_eq!(frame::free_frames(), free - 1);
        assert!(
            arch::fake::tlb_flushes().contains(&(asid, 0x1_2000)),
            "old entry flushed"
        );
    }

    #[test]
    fn cow_copies_while_shared_and_reuses_when_alone() {
        let _t = testing::setup();
        let parent = space(Prot::R | Prot::W);
        handle_mm_fault(parent, 0x1_0000, Access::Write).unwrap();
        let original = pte::frame(pte_of(parent, 0x1_0000));
        unsafe { (arch::phys_ptr(original + 8) as *mut u32).write(0x1234_5678) };
        let child = mm::fork(parent).unwrap();
        assert_eq!(frame::refcount(original), 2);

        handle_mm_fault(child, 0x1_0000, Access::Write).unwrap();
        let copy = pte_of(child, 0x1_0000);
        assert_ne!(pte::frame(copy), original, "shared frame is copied");
        assert_eq!(word(copy, 8), 0x1234_5678, "contents travel with the copy");
        assert_eq!(copy & (pte::COW | pte::WRITE), pte::WRITE);
        assert_eq!(frame::refcount(original), 1);

        handle_mm_fault(parent, 0x1_0000, Access::Write).unwrap();
        let reused = pte_of(parent, 0x1_0000);
        assert_eq!(pte::frame(reused), original, "last sharer keeps the frame");
        assert_eq!(reused & (pte::COW | pte::WRITE), pte::WRITE);
        mm::release(child);
        mm::release(parent);
    }

    #[test]
    fn permissions_and_missing_areas_are_refused() {
        let _t = testing::setup();
        let ro = space(Prot::R);
        assert_eq!(
            handle_mm_fault(ro, 0x1_0000, Access::Write),
            Err(FaultError::Denied)
        );
        assert_eq!(
            handle_mm_fault(ro, 0x1_0000, Access::Exec),
            Err(FaultError::Denied)
        );
        assert_eq!(
            handle_mm_fault(ro, 0x4_0000, Access::Read),
            Err(FaultError::NoVma)
        );
        assert_eq!(
            handle_mm_fault(ro, 0x8000_0000, Access::Read),
            Err(FaultError::NoVma)
        );
        let none = space(Prot::empty());
        assert_eq!(
            handle_mm_fault(none, 0x1_0000, Access::Read),
            Err(FaultError::Denied)
        );
        assert_eq!(pte_of(ro, 0x1_0000), 0, "a refused fault maps nothing");
        let x = space(Prot::X);
        handle_mm_fault(x, 0x1_0000, Access::Exec).unwrap();
        assert_eq!(pte_of(x, 0x1_0000) & (pte::EXEC | pte::READ), pte::EXEC);
    }

    #[test]
    fn out_of_memory_is_reported() {
        let _t = testing::setup();
        let id = space(Prot::R | Prot::W);
        handle_mm_fault(id, 0x1_0000, Access::Read).unwrap();
        let _rest = frame::alloc_contiguous(frame::free_frames()).unwrap();
        assert_eq!(
            handle_mm_fault(id, 0x1_0000, Access::Write),
            Err(FaultError::OutOfMemory)
        );
        handle_mm_fault(id, 0x1_2000, Access::Read).unwrap();
        assert_eq!(
            pte_of(id, 0x1_0000) & pte::ZERO,
            pte::ZERO,
            "failed fault left the mapping"
        );
    }
}
