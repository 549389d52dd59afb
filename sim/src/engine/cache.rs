//! Decoded-instruction cache keyed by physical address: one lazily allocated array of
//! decoded slots per 8 KiB RAM page. Stores invalidate the slots they may overlap, so
//! self-modifying and freshly loaded code is always seen (stronger than silicon, whose
//! instruction cache needs an explicit invalidate).
//!
//! Each page also keeps a map of the 64-byte chunks that hold decoded code, so a store to
//! data that merely shares a page with code (a `.bss` array right after `main`, a stack in
//! the kernel image's page) costs two byte tests instead of a slot walk.

use super::uop::{lower, Packed, Uop};
use crate::decode::Insn;
use std::ptr::NonNull;

const PAGE_SHIFT: u32 = 13;
pub(crate) const SLOTS: usize = 1 << (PAGE_SHIFT - 1);
/// Longest instruction: 8 bytes, so a store can change one that starts 6 bytes earlier.
const MAX_INSN: u32 = 8;
/// Granule of the per-page code map: 8 KiB / 128 entries.
const CHUNK_SHIFT: u32 = 6;
const CHUNKS: usize = 1 << (PAGE_SHIFT - CHUNK_SHIFT);

/// The decoded instructions of one page, by halfword: `insns[n].len == 0` marks an empty
/// slot, whose `uops[n]` is the default (generic) one, so the dispatch loop reads only
/// the dense `uops` array and falls back to the generic path, which decodes, for empty
/// slots and instructions without a lowered form alike.
struct Page {
    /// `SLOTS` lowered forms, owned through a raw pointer (from `Box::into_raw`) so that
    /// the dispatch loop may keep a copy of it (`uops_ptr`) while it runs instructions
    /// that store (and so invalidate slots of this very array) through `&mut self`. Every
    /// access, read or write, goes through this pointer; it is freed only when the page
    /// is dropped (`clear`, or dropping the cache), never while `Machine::run` runs.
    uops: NonNull<Packed>,
    /// Entry n non-zero: a cached instruction has a byte in [n * 64, n * 64 + 64).
    code: [u8; CHUNKS],
    insns: Box<[Insn; SLOTS]>,
}

// The page owns its `uops` allocation outright, like a `Box`.
unsafe impl Send for Page {}
unsafe impl Sync for Page {}

impl Page {
    fn new() -> Page {
        let uops: Box<[Packed]> = vec![Packed::default(); SLOTS].into_boxed_slice();
        Page {
            // SAFETY: `Box::into_raw` never returns null.
            uops: unsafe { NonNull::new_unchecked(Box::into_raw(uops) as *mut Packed) },
            code: [0; CHUNKS],
            insns: vec![Insn::default(); SLOTS]
                .into_boxed_slice()
                .try_into()
                .expect("SLOTS entries"),
        }
    }

    #[inline(always)]
    fn set_uop(&mut self, slot: usize, u: Packed) {
        assert!(slot < SLOTS);
        // SAFETY: in bounds of the live allocation (see `uops`).
        unsafe { *self.uops.as_ptr().add(slot) = u }
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        // SAFETY: allocated in `Page::new` as a boxed slice of `SLOTS` entries; no copy of
        // the pointer outlives the page (`uops_ptr`).
        unsafe {
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                self.uops.as_ptr(),
                SLOTS,
            )))
        }
    }
}

/// A page of nothing but generic forms: what the dispatch loop reads for a page with no
/// decoded code yet, and while the core is in a delay or execution slot (where every
/// instruction takes the slow side), so that its one test of the kind covers both.
pub(crate) static GENERIC_PAGE: [Packed; SLOTS] = [Packed::GENERIC; SLOTS];

pub struct DecodedCache {
    base: u32,
    pages: Vec<Option<Box<Page>>>,
}

/// A clone starts empty: it is only a cache, and copying it would make snapshots of the
/// machine expensive.
impl Clone for DecodedCache {
    fn clone(&self) -> Self {
        DecodedCache {
            base: self.base,
            pages: std::iter::repeat_with(|| None)
                .take(self.pages.len())
                .collect(),
        }
    }
}

impl DecodedCache {
    pub fn new(ram_base: u32, ram_size: u32) -> DecodedCache {
        DecodedCache {
            base: ram_base,
            pages: std::iter::repeat_with(|| None)
                .take((ram_size >> PAGE_SHIFT) as usize)
                .collect(),
        }
    }

    #[inline(always)]
    fn locate(&self, paddr: u32) -> (usize, usize) {
        let off = paddr.wrapping_sub(self.base);
        (
            (off >> PAGE_SHIFT) as usize,
            ((off as usize) & ((1 << PAGE_SHIFT) - 1)) >> 1,
        )
    }

    /// Index of the RAM page holding `paddr`, for `get_in_page`; `None` outside RAM.
    #[inline(always)]
    pub fn page_of(&self, paddr: u32) -> Option<usize> {
        let page = (paddr.wrapping_sub(self.base) >> PAGE_SHIFT) as usize;
        (page < self.pages.len()).then_some(page)
    }

    /// The lowered forms of RAM page `page` (from `page_of`), indexed by page offset / 2;
    /// `GENERIC_PAGE` while nothing in the page was decoded. The pointer stays valid until the cache
    /// is cleared or dropped, which cannot happen while the machine runs: the dispatch
    /// loop reads through it (in bounds: index < `SLOTS`) across stores that invalidate
    /// slots, and takes it again after every generic step (which may create the page).
    #[inline(always)]
    pub fn uops_ptr(&self, page: usize) -> *const Packed {
        match &self.pages[page] {
            Some(p) => p.uops.as_ptr(),
            None => GENERIC_PAGE.as_ptr(),
        }
    }

    /// The cached instruction at `paddr` (a RAM address), if decoded before.
    #[inline(always)]
    pub fn get_ref(&self, paddr: u32) -> Option<&Insn> {
        let (page, slot) = self.locate(paddr);
        match self.pages.get(page) {
            Some(Some(p)) if p.insns[slot].len != 0 => Some(&p.insns[slot]),
            _ => None,
        }
    }

    /// The map of 64-byte chunks holding decoded code of the page holding `paddr` (a
    /// RAM address): `CHUNKS` bytes, non-zero where an instruction has a byte. Null while
    /// the page has no decoded code; valid until the cache is cleared or dropped.
    pub fn code_map(&self, paddr: u32) -> *const u8 {
        match self.pages.get(self.locate(paddr).0) {
            Some(Some(p)) => p.code.as_ptr(),
            _ => std::ptr::null(),
        }
    }

    /// Caches `insn`, which must lie entirely inside one page of RAM. Returns true when
    /// this is the page's first decoded code (it now has a `code_map`).
    pub fn insert(&mut self, paddr: u32, insn: Insn) -> bool {
        let (page, slot) = self.locate(paddr);
        let mut created = false;
        if let Some(p) = self.pages.get_mut(page) {
            created = p.is_none();
            let p = p.get_or_insert_with(|| Box::new(Page::new()));
            let lo = (slot as u32) << 1;
            let hi = lo + insn.len.max(1) as u32 - 1;
            for chunk in lo >> CHUNK_SHIFT..=hi >> CHUNK_SHIFT {
                p.code[chunk as usize] = 1;
            }
            // The dispatch loop does not test the page after an instruction in sequence:
            // one ending at the page's end takes the slow side, which does.
            let lowered = if hi + 1 < 1 << PAGE_SHIFT {
                lower(&insn)
            } else {
                Uop::generic(&insn)
            };
            p.set_uop(slot, lowered.pack());
            p.insns[slot] = insn;
        }
        created
    }

    /// Forgets every instruction that may include a byte of [paddr, paddr + size).
    /// Returns true when a cached instruction may have been dropped.
    #[inline(always)]
    pub fn invalidate(&mut self, paddr: u32, size: u32) -> bool {
        let (page, slot) = self.locate(paddr);
        if let Some(Some(p)) = self.pages.get(page) {
            let lo = (slot as u32) << 1;
            let hi = (lo | (paddr & 1)) + size - 1;
            // A store ending past the page, or starting at its head (an instruction of the
            // previous page never is cached), stays on the exact path below.
            // A store of at most 4 bytes touches one or two chunks.
            if hi < (1 << PAGE_SHIFT)
                && size <= 4
                && p.code[(lo >> CHUNK_SHIFT) as usize] | p.code[(hi >> CHUNK_SHIFT) as usize] == 0
            {
                // Instructions starting up to 6 bytes earlier, in an earlier chunk, end
                // before `lo` unless their own chunk bit reaches `lo`'s chunk: inserting
                // sets the bits of every chunk an instruction touches, so the test above
                // already covers them.
                return false;
            }
            self.invalidate_slow(paddr, size);
            return true;
        }
        // A store at the start of a page can reach an instruction of the previous one only
        // if that one crossed the page end, and those are never cached.
        false
    }

    #[cold]
    fn invalidate_slow(&mut self, paddr: u32, size: u32) {
        let first = paddr.wrapping_sub(MAX_INSN - 2) & !1;
        let mut a = first;
        while a.wrapping_sub(first) < size + MAX_INSN - 2 {
            let (page, slot) = self.locate(a);
            if let Some(Some(p)) = self.pages.get_mut(page) {
                p.insns[slot].len = 0;
                p.set_uop(slot, Packed::default());
            }
            a = a.wrapping_add(2);
        }
    }

    pub fn clear(&mut self) {
        self.pages.iter_mut().for_each(|p| *p = None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_invalidates_overlapping_slots() {
        let mut c = DecodedCache::new(0x8000_0000, 1 << 20);
        let i = Insn {
            len: 8,
            ..Insn::default()
        };
        c.insert(0x8000_0100, i);
        assert!(c.get_ref(0x8000_0100).is_some());
        c.invalidate(0x8000_0200, 4);
        assert!(c.get_ref(0x8000_0100).is_some());
        c.invalidate(0x8000_0106, 1);
        assert!(c.get_ref(0x8000_0100).is_none());
    }

    #[test]
    fn chunk_map_sees_instructions_straddling_chunks() {
        let mut c = DecodedCache::new(0x8000_0000, 1 << 20);
        // Bytes 0x3C..0x43: chunks 0 and 1.
        c.insert(
            0x8000_003C,
            Insn {
                len: 8,
                ..Insn::default()
            },
        );
        // A store to data far away in the same page is filtered out.
        assert!(!c.invalidate(0x8000_1000, 4));
        assert!(c.get_ref(0x8000_003C).is_some());
        // A byte store to the LIMM's last byte, in the next chunk, still drops it.
        assert!(c.invalidate(0x8000_0043, 1));
        assert!(c.get_ref(0x8000_003C).is_none());
    }

    #[test]
    fn stores_at_page_edges() {
        let mut c = DecodedCache::new(0x8000_0000, 1 << 20);
        c.insert(
            0x8000_1FFE,
            Insn {
                len: 2,
                ..Insn::default()
            },
        );
        // A word store straddling into the next page: exact path.
        assert!(c.invalidate(0x8000_1FFE, 4));
        assert!(c.get_ref(0x8000_1FFE).is_none());
        c.insert(
            0x8000_2000,
            Insn {
                len: 4,
                ..Insn::default()
            },
        );
        assert!(c.invalidate(0x8000_1FFE, 4));
        assert!(c.get_ref(0x8000_2000).is_none());
    }

    #[test]
    fn outside_ram_is_never_cached() {
        let mut c = DecodedCache::new(0x8000_0000, 1 << 20);
        c.insert(
            0x1000,
            Insn {
                len: 2,
                ..Insn::default()
            },
        );
        assert!(c.get_ref(0x1000).is_none());
        assert!(c.page_of(0x1000).is_none());
    }
}
