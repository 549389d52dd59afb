//! Two-level page tables in the format of docs/design.md (11:8:13).
//!
//! The PGD is one frame of 2048 words indexed by `va[31:21]`; a non-zero PGD word is the
//! physical address of a 256-word PTE table indexed by `va[20:13]`. Each PTE table gets a
//! frame of its own (only its first KiB is used): tables are few per process and it keeps
//! freeing trivial. The low 7 PTE bits are MMUv4 PD1's permission bits, so the assembly
//! refill installs `pte & 0xFFFF_E07F` without translating anything.

use super::frame::{self, OutOfMemory};
use crate::arch::{self, PAGE_SIZE};

pub mod pte {
    pub const C: u32 = 1 << 0;
    pub const XU: u32 = 1 << 1;
    pub const WU: u32 = 1 << 2;
    pub const RU: u32 = 1 << 3;
    pub const XK: u32 = 1 << 4;
    pub const WK: u32 = 1 << 5;
    pub const RK: u32 = 1 << 6;
    pub const PRESENT: u32 = 1 << 7;
    /// Shared after fork: the first write copies (or reuses the frame if no longer shared).
    pub const COW: u32 = 1 << 8;
    /// Maps the shared zero page: the first write allocates.
    pub const ZERO: u32 = 1 << 9;
    pub const DIRTY: u32 = 1 << 10;
    pub const ACCESSED: u32 = 1 << 11;

    /// User pages carry the kernel bits too: the kernel's user accessors go through the
    /// same TLB entry.
    pub const READ: u32 = RU | RK;
    pub const WRITE: u32 = WU | WK;
    pub const EXEC: u32 = XU;
    pub const PERMS: u32 = 0x7F;
    pub const PPN_MASK: u32 = !(crate::arch::PAGE_SIZE - 1);

    pub fn frame(pte: u32) -> u32 {
        pte & PPN_MASK
    }
}

const PGD_ENTRIES: u32 = 2048;
const PTES_PER_TABLE: u32 = 256;

fn read(pa: u32) -> u32 {
    #[cfg(test)]
    READS.with(|r| r.set(r.get() + 1));
    // Safety: callers pass word addresses inside frames the page table owns.
    unsafe { (arch::phys_ptr(pa) as *const u32).read() }
}

#[cfg(test)]
std::thread_local! {
    static READS: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Page-table words read so far by this thread: what a walk costs, for host tests.
#[cfg(test)]
pub fn reads_for_test() -> u64 {
    READS.with(|r| r.get())
}

fn write(pa: u32, v: u32) {
    // Safety: as in `read`.
    unsafe { (arch::phys_ptr(pa) as *mut u32).write(v) }
}

pub struct PageTable {
    pgd: u32,
}

impl PageTable {
    pub fn new() -> Result<PageTable, OutOfMemory> {
        Ok(PageTable {
            pgd: frame::alloc()?,
        })
    }

    /// Physical address of the PGD (what SCRATCH_DATA0 holds while this table is current).
    pub fn pgd(&self) -> u32 {
        self.pgd
    }

    fn table(&self, va: u32) -> u32 {
        read(self.pgd + (va >> 21) * 4)
    }

    fn slot(table: u32, va: u32) -> u32 {
        table + ((va >> 13) & (PTES_PER_TABLE - 1)) * 4
    }

    /// The PTE for `va`, 0 if none.
    pub fn get(&self, va: u32) -> u32 {
        match self.table(va) {
            0 => 0,
            t => read(Self::slot(t, va)),
        }
    }

    /// Install `pte` for `va`, allocating the PTE table if needed.
    pub fn set(&mut self, va: u32, pte: u32) -> Result<(), OutOfMemory> {
        let mut t = self.table(va);
        if t == 0 {
            t = frame::alloc()?;
            write(self.pgd + (va >> 21) * 4, t);
        }
        write(Self::slot(t, va), pte);
        Ok(())
    }

    /// Remove the PTE for `va` and return it (0 if there was none). The caller owns the
    /// frame reference it held and flushes the TLB.
    pub fn clear(&mut self, va: u32) -> u32 {
        match self.table(va) {
            0 => 0,
            t => {
                let old = read(Self::slot(t, va));
                write(Self::slot(t, va), 0);
                old
            }
        }
    }

    /// The PTEs of `[start, end)` that are present, as `(va, pte)`, visiting only pages whose
    /// PTE table exists.
    pub fn for_each_present(&self, start: u32, end: u32, mut f: impl FnMut(u32, u32)) {
        let mut va = start;
        while let Some((at, p)) = self.next_present(va, end) {
            f(at, p);
            va = match at.checked_add(PAGE_SIZE) {
                Some(next) => next,
                None => return,
            };
        }
    }

    /// The first present PTE at or after `start` and below `end`, as `(va, pte)`. Regions
    /// without a PTE table are skipped 2 MiB at a time, so the cost follows the tables
    /// present, not the size of the range.
    pub fn next_present(&self, start: u32, end: u32) -> Option<(u32, u32)> {
        let mut va = start & pte::PPN_MASK;
        while va < end {
            let t = self.table(va);
            if t == 0 {
                // Skip to the next 2 MiB region.
                va = (va | ((PTES_PER_TABLE * PAGE_SIZE) - 1)).checked_add(1)?;
                continue;
            }
            let p = read(Self::slot(t, va));
            if p & pte::PRESENT != 0 {
                return Some((va, p));
            }
            va = va.checked_add(PAGE_SIZE)?;
        }
        None
    }

    /// Free every mapped frame reference, every PTE table and the PGD.
    pub fn destroy(self) {
        for i in 0..PGD_ENTRIES {
            let t = read(self.pgd + i * 4);
            if t == 0 {
                continue;
            }
            for j in 0..PTES_PER_TABLE {
                let p = read(t + j * 4);
                if p & pte::PRESENT != 0 {
                    frame::put(pte::frame(p));
                }
            }
            frame::put(t);
        }
        frame::put(self.pgd);
    }

    /// Read the word at `va` through this table without faulting: the `word=` of a signal
    /// report. None if any byte's page is absent.
    pub fn peek_u32(&self, va: u32) -> Option<u32> {
        let mut bytes = [0u8; 4];
        for (i, b) in bytes.iter_mut().enumerate() {
            let a = va.checked_add(i as u32)?;
            let p = self.get(a);
            if p & pte::PRESENT == 0 {
                return None;
            }
            // Safety: a present PTE points at a frame of the pool.
            *b = unsafe { *arch::phys_ptr(pte::frame(p) | (a & (PAGE_SIZE - 1))) };
        }
        Some(u32::from_le_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn set_get_clear_follow_the_design_format() {
        let _t = testing::setup();
        let mut pt = PageTable::new().unwrap();
        let f = frame::alloc().unwrap();
        let va = 0x1234_6000;
        assert_eq!(pt.get(va), 0);
        pt.set(va, f | pte::PRESENT | pte::READ | pte::C).unwrap();
        // The hardware-facing layout: PGD word at va[31:21], PTE word at va[20:13].
        let table = read(pt.pgd() + (va >> 21) * 4);
        assert_ne!(table, 0);
        assert_eq!(
            read(table + ((va >> 13) & 0xFF) * 4),
            f | pte::PRESENT | pte::READ | pte::C
        );
        assert_eq!(pt.get(va + 4), pt.get(va), "same page");
        assert_eq!(pt.get(va + PAGE_SIZE), 0);
        assert_eq!(pt.clear(va), f | pte::PRESENT | pte::READ | pte::C);
        assert_eq!(pt.get(va), 0);
        frame::put(f);
        pt.destroy();
    }

    #[test]
    fn destroy_returns_every_frame() {
        let _t = testing::setup();
        let before = frame::free_frames();
        let mut pt = PageTable::new().unwrap();
        for va in [0x1_0000, 0x5FFF_C000, 0x2000_0000] {
            let f = frame::alloc().unwrap();
            pt.set(va, f | pte::PRESENT | pte::READ).unwrap();
        }
        let mut seen = 0;
        pt.for_each_present(0, 0x6000_0000, |_, _| seen += 1);
        assert_eq!(seen, 3);
        pt.destroy();
        assert_eq!(frame::free_frames(), before);
    }

    #[test]
    fn peek_reads_mapped_words_only() {
        let _t = testing::setup();
        let mut pt = PageTable::new().unwrap();
        let f = frame::alloc().unwrap();
        pt.set(0x1_0000, f | pte::PRESENT | pte::READ).unwrap();
        unsafe { (arch::phys_ptr(f + 8) as *mut u32).write(0xDEAD_BEEF) };
        assert_eq!(pt.peek_u32(0x1_0008), Some(0xDEAD_BEEF));
        assert_eq!(
            pt.peek_u32(0x1_1FFE),
            None,
            "straddles into an unmapped page"
        );
        assert_eq!(pt.peek_u32(0x4000), None);
        pt.destroy();
    }
}
