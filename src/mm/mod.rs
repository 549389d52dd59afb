//! Address spaces: a page table, the areas user code may touch, and the program break.
//!
//! Address spaces live in a fixed table indexed by `MmId`; threads share one by holding a
//! user count. Only task code touches them (never the interrupt path), so the table is a
//! `PreemptCell`.

pub mod asid;
pub mod fault;
pub mod frame;
pub mod pagetable;
pub mod vma;

use crate::arch::PAGE_SIZE;
use crate::sync::PreemptCell;
use frame::OutOfMemory;
use pagetable::{pte, PageTable};
use vma::{Prot, Vma, VmaError, Vmas};

/// User space is `[0, TASK_SIZE)`; 0x8000_0000 and up is the untranslated kernel.
pub const TASK_SIZE: u32 = 0x6000_0000;
/// The initial stack ends one guard page below TASK_SIZE.
pub const STACK_TOP: u32 = 0x5FFF_E000;
pub const STACK_SIZE: u32 = 256 * 1024;
/// Non-fixed mmap places areas in `[MMAP_BASE, MMAP_END)`, lowest fit first.
pub const MMAP_BASE: u32 = 0x2000_0000;
pub const MMAP_END: u32 = STACK_TOP - STACK_SIZE - PAGE_SIZE;
pub const MAX_MMS: usize = 16;

pub type MmId = usize;

pub fn page_floor(a: u32) -> u32 {
    a & !(PAGE_SIZE - 1)
}

pub fn page_ceil(a: u32) -> Option<u32> {
    Some(a.checked_add(PAGE_SIZE - 1)? & !(PAGE_SIZE - 1))
}

/// The PTE permission bits an area's rights grant.
pub fn pte_perms(prot: Prot) -> u32 {
    let mut bits = pte::C;
    if prot.readable() {
        bits |= pte::READ;
    }
    if prot.writable() {
        bits |= pte::WRITE;
    }
    if prot.executable() {
        bits |= pte::EXEC;
    }
    bits
}

pub struct Mm {
    pub id: MmId,
    pub pt: PageTable,
    pub vmas: Vmas,
    /// Start of the heap area (after the highest ELF segment).
    pub brk_start: u32,
    pub brk: u32,
    users: u32,
}

static MMS: PreemptCell<[Option<Mm>; MAX_MMS]> = PreemptCell::new([const { None }; MAX_MMS]);

pub fn init() {
    // Slot by slot: a whole-table temporary would be kilobytes of shadow stack.
    MMS.with(|t| t.iter_mut().for_each(|m| *m = None));
    asid::init();
}

/// A fresh, empty address space with one user.
pub fn create() -> Result<MmId, OutOfMemory> {
    let pt = PageTable::new()?;
    MMS.with(|t| match t.iter().position(Option::is_none) {
        Some(id) => {
            t[id] = Some(Mm {
                id,
                pt,
                vmas: Vmas::new(),
                brk_start: 0,
                brk: 0,
                users: 1,
            });
            Ok(id)
        }
        None => {
            pt.destroy();
            Err(OutOfMemory)
        }
    })
}

pub fn with<R>(id: MmId, f: impl FnOnce(&mut Mm) -> R) -> R {
    MMS.with(|t| f(t[id].as_mut().expect("no such address space")))
}

pub fn pgd(id: MmId) -> u32 {
    with(id, |m| m.pt.pgd())
}

/// Address spaces in use (the run's leak check).
pub fn live() -> usize {
    MMS.with(|t| t.iter().filter(|m| m.is_some()).count())
}

/// A thread starts sharing `id`.
pub fn share(id: MmId) {
    with(id, |m| m.users += 1);
}

/// A user of `id` is gone; the last one frees every frame and retires the ASID.
pub fn release(id: MmId) {
    let dead = MMS.with(|t| {
        let m = t[id].as_mut().expect("no such address space");
        m.users -= 1;
        if m.users == 0 {
            t[id].take()
        } else {
            None
        }
    });
    if let Some(m) = dead {
        m.pt.destroy();
        asid::retire(id);
    }
}

/// A copy-on-write duplicate of `parent` (fork): every present page becomes shared,
/// read-only and COW in both, so the first write in either breaks the sharing.
pub fn fork(parent: MmId) -> Result<MmId, OutOfMemory> {
    let child = create()?;
    let copied = MMS.with(|t| {
        let (p, c) = two_mut(t, parent, child);
        c.brk_start = p.brk_start;
        c.brk = p.brk;
        for v in p.vmas.iter() {
            c.vmas.insert(*v).map_err(|_| OutOfMemory)?;
        }
        let mut result = Ok(());
        let ranges: heapless::Vec<Vma, { vma::MAX_VMAS }> = p.vmas.iter().copied().collect();
        // Present pages only: regions without a PTE table are skipped 2 MiB at a time, so
        // the cost (all of it with preemption off) follows the memory in use, not the
        // areas' virtual size (docs/kernel-findings.md, F6).
        for v in ranges {
            let mut va = v.start;
            while result.is_ok() {
                let Some((at, old)) = p.pt.next_present(va, v.end) else {
                    break;
                };
                let new = if old & pte::ZERO != 0 {
                    old
                } else {
                    (old & !pte::WRITE) | pte::COW
                };
                if new & pte::ZERO == 0 {
                    frame::get(pte::frame(old));
                }
                result = c.pt.set(at, new);
                if result.is_err() {
                    if new & pte::ZERO == 0 {
                        frame::put(pte::frame(old));
                    }
                } else {
                    p.pt.set(at, new).expect("parent table exists");
                    asid::flush_page(parent, at);
                }
                va = at + PAGE_SIZE;
            }
        }
        result
    });
    if copied.is_err() {
        release(child);
    }
    copied.map(|()| child)
}

fn two_mut(t: &mut [Option<Mm>; MAX_MMS], a: MmId, b: MmId) -> (&mut Mm, &mut Mm) {
    assert_ne!(a, b);
    let (lo, hi) = t.split_at_mut(a.max(b));
    let (x, y) = (lo[a.min(b)].as_mut().unwrap(), hi[0].as_mut().unwrap());
    if a < b {
        (x, y)
    } else {
        (y, x)
    }
}

impl Mm {
    /// Add an area with no pages yet (they arrive on demand).
    pub fn map_anon(&mut self, start: u32, end: u32, prot: Prot) -> Result<(), VmaError> {
        self.vmas.insert(Vma { start, end, prot })
    }

    /// Drop the pages of `[start, end)` and flush their TLB entries.
    fn unmap_pages(&mut self, start: u32, end: u32) {
        let id = self.id;
        let pt = &mut self.pt;
        let mut present: heapless::Vec<u32, 64> = heapless::Vec::new();
        let mut at = start;
        // Collect in batches: the walk borrows the table that clearing mutates.
        while at < end {
            present.clear();
            let mut resume = end;
            pt.for_each_present(at, end, |va, _| {
                if present.push(va).is_err() && resume == end {
                    resume = va;
                }
            });
            for &va in present.iter() {
                let old = pt.clear(va);
                frame::put(pte::frame(old));
                asid::flush_page(id, va);
            }
            at = resume;
        }
    }

    /// munmap: page-aligned start, any length (rounded up); holes are fine.
    pub fn unmap(&mut self, start: u32, end: u32) -> Result<(), VmaError> {
        self.vmas.remove(start, end)?;
        self.unmap_pages(start, end);
        Ok(())
    }

    /// mprotect: the whole range must be mapped. Present pages get the new rights at once,
    /// except that COW and zero-page mappings stay read-only until the write fault.
    pub fn protect(&mut self, start: u32, end: u32, prot: Prot) -> Result<(), VmaError> {
        self.vmas.protect(start, end, prot)?;
        let perms = pte_perms(prot);
        let mut changed: heapless::Vec<(u32, u32), 64> = heapless::Vec::new();
        let mut at = start;
        while at < end {
            changed.clear();
            let mut resume = end;
            self.pt.for_each_present(at, end, |va, old| {
                let mut bits = perms;
                if old & (pte::COW | pte::ZERO) != 0 {
                    bits &= !pte::WRITE;
                }
                if changed.push((va, (old & !pte::PERMS) | bits)).is_err() && resume == end {
                    resume = va;
                }
            });
            for &(va, new) in changed.iter() {
                self.pt
                    .set(va, new)
                    .expect("table exists for a present page");
                asid::flush_page(self.id, va);
            }
            at = resume;
        }
        Ok(())
    }

    /// brk: move the break; returns the break in force afterwards (the old one on failure).
    pub fn set_brk(&mut self, want: u32) -> u32 {
        if want < self.brk_start || want > MMAP_BASE {
            return self.brk;
        }
        let (Some(old_end), Some(new_end)) = (page_ceil(self.brk), page_ceil(want)) else {
            return self.brk;
        };
        let ok = if new_end == old_end {
            true
        } else if old_end == self.brk_start {
            self.vmas
                .insert(Vma {
                    start: old_end,
                    end: new_end,
                    prot: Prot::RW,
                })
                .is_ok()
        } else if new_end == self.brk_start {
            self.unmap(self.brk_start, old_end).is_ok()
        } else if new_end > old_end {
            self.vmas.resize_end(old_end, new_end).is_ok()
        } else {
            // Not `resize_end`: the heap's area may have been joined with an area after it.
            self.unmap(new_end, old_end).is_ok()
        };
        if ok {
            self.brk = want;
        }
        self.brk
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn release_by_last_user_frees_everything() {
        let _t = testing::setup();
        let before = frame::free_frames();
        let id = create().unwrap();
        with(id, |m| {
            m.map_anon(0x1_0000, 0x1_4000, Prot::RW).unwrap();
        });
        fault::handle_mm_fault(id, 0x1_0000, fault::Access::Write).unwrap();
        fault::handle_mm_fault(id, 0x1_2000, fault::Access::Read).unwrap();
        share(id);
        release(id);
        assert!(frame::free_frames() < before);
        release(id);
        assert_eq!(frame::free_frames(), before);
    }

    #[test]
    fn unmap_frees_pages_and_flushes_the_tlb() {
        let _t = testing::setup();
        let id = create().unwrap();
        let asid = asid::activate(id);
        with(id, |m| m.map_anon(0x1_0000, 0x1_6000, Prot::RW).unwrap());
        for va in [0x1_0000, 0x1_2000, 0x1_4000] {
            fault::handle_mm_fault(id, va, fault::Access::Write).unwrap();
        }
        let before = frame::free_frames();
        with(id, |m| m.unmap(0x1_2000, 0x1_4000)).unwrap();
        assert_eq!(frame::free_frames(), before + 1);
        assert!(crate::arch::fake::tlb_flushes().contains(&(asid, 0x1_2000)));
        with(id, |m| {
            assert_eq!(m.pt.get(0x1_2000), 0);
            assert_ne!(m.pt.get(0x1_4000), 0);
            assert!(m.vmas.find(0x1_2000).is_none());
        });
        assert_eq!(
            fault::handle_mm_fault(id, 0x1_2000, fault::Access::Read),
            Err(fault::FaultError::NoVma)
        );
        release(id);
    }

    #[test]
    fn protect_rewrites_present_ptes_but_keeps_cow_read_only() {
        let _t = testing::setup();
        let id = create().unwrap();
        let asid = asid::activate(id);
        with(id, |m| m.map_anon(0x1_0000, 0x1_4000, Prot::RW).unwrap());
        fault::handle_mm_fault(id, 0x1_0000, fault::Access::Write).unwrap();
        fault::handle_mm_fault(id, 0x1_2000, fault::Access::Read).unwrap();
        with(id, |m| m.protect(0x1_0000, 0x1_4000, Prot::R)).unwrap();
        with(id, |m| {
            assert_eq!(m.pt.get(0x1_0000) & pte::WRITE, 0);
            assert_ne!(m.pt.get(0x1_0000) & pte::READ, 0);
        });
        assert!(crate::arch::fake::tlb_flushes().contains(&(asid, 0x1_0000)));
        with(id, |m| m.protect(0x1_0000, 0x1_4000, Prot::RW)).unwrap();
        with(id, |m| {
            assert_eq!(m.pt.get(0x1_0000) & pte::WRITE, pte::WRITE);
            assert_eq!(
                m.pt.get(0x1_2000) & pte::WRITE,
                0,
                "zero page stays read-only"
            );
        });
        assert_eq!(
            with(id, |m| m.protect(0x1_0000, 0x1_8000, Prot::RW)),
            Err(VmaError::BadRange)
        );
        release(id);
    }

    #[test]
    fn brk_grows_and_shrinks_within_bounds() {
        let _t = testing::setup();
        let id = create().unwrap();
        with(id, |m| {
            m.brk_start = 0x2_0000;
            m.brk = 0x2_0000;
            assert_eq!(m.set_brk(0x2_0100), 0x2_0100);
            assert!(m.vmas.find(0x2_0000).is_some());
            assert_eq!(m.set_brk(0x2_5000), 0x2_5000);
            assert!(m.vmas.find(0x2_5fff).is_some());
            assert_eq!(m.set_brk(0x1_0000), 0x2_5000, "below the start is refused");
            assert_eq!(
                m.set_brk(0xFFFF_F000),
                0x2_5000,
                "beyond the heap limit is refused"
            );
            assert_eq!(m.set_brk(0x2_0000), 0x2_0000);
            assert!(m.vmas.find(0x2_0000).is_none());
        });
        release(id);
    }

    #[test]
    fn fork_shares_pages_copy_on_write() {
        let _t = testing::setup();
        let parent = create().unwrap();
        with(parent, |m| {
            m.map_anon(0x1_0000, 0x1_4000, Prot::RW).unwrap()
        });
        fault::handle_mm_fault(parent, 0x1_0000, fault::Access::Write).unwrap();
        let f = with(parent, |m| pte::frame(m.pt.get(0x1_0000)));
        let child = fork(parent).unwrap();
        assert_eq!(frame::refcount(f), 2);
        for id in [parent, child] {
            with(id, |m| {
                let p = m.pt.get(0x1_0000);
                assert_eq!(pte::frame(p), f);
                assert_eq!(p & (pte::COW | pte::WRITE), pte::COW);
            });
        }
        release(child);
        assert_eq!(frame::refcount(f), 1);
        release(parent);
    }

    /// F6 (docs/kernel-findings.md): fork's cost follows the pages present, not the
    /// areas' virtual size. Fails before the fix, which looked up every one of the 98,304
    /// pages of the 768 MiB area (a PGD read each).
    #[test]
    fn fork_cost_follows_present_pages_not_virtual_size() {
        let _t = testing::setup();
        let parent = create().unwrap();
        let (lo, hi) = (0x1000_0000, 0x4000_0000);
        with(parent, |m| m.map_anon(lo, hi, Prot::RW).unwrap());
        for va in [lo, 0x2345_6000, hi - PAGE_SIZE] {
            fault::handle_mm_fault(parent, va, fault::Access::Write).unwrap();
        }
        fault::handle_mm_fault(parent, 0x3000_0000, fault::Access::Read).unwrap();
        let before = pagetable::reads_for_test();
        let child = fork(parent).unwrap();
        let reads = pagetable::reads_for_test() - before;
        assert!(
            reads < 4 * 2048,
            "{reads} page-table reads to fork 4 present pages"
        );
        let mut seen = std::vec::Vec::new();
        with(child, |m| {
            m.pt.for_each_present(0, TASK_SIZE, |va, p| seen.push((va, p)))
        });
        let vas: std::vec::Vec<u32> = seen.iter().map(|&(va, _)| va).collect();
        assert_eq!(vas, [lo, 0x2345_6000, 0x3000_0000, hi - PAGE_SIZE]);
        for &(va, p) in &seen {
            let want = if va == 0x3000_0000 {
                pte::ZERO
            } else {
                pte::COW
            };
            assert_eq!(p & (pte::COW | pte::ZERO | pte::WRITE), want, "{va:#x}");
            assert_eq!(
                with(parent, |m| m.pt.get(va)),
                p,
                "{va:#x}: same PTE in both"
            );
        }
        release(child);
        release(parent);
    }
}
