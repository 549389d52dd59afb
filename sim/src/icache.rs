//! Decoded-instruction cache keyed by physical address: one lazily allocated array of
//! decoded slots per 8 KiB RAM page. Stores invalidate the slots they may overlap, so
//! self-modifying and freshly loaded code is always seen (stronger than silicon, whose
//! instruction cache needs an explicit invalidate).

use crate::decode::Insn;

const PAGE_SHIFT: u32 = 13;
const SLOTS: usize = 1 << (PAGE_SHIFT - 1);
/// Longest instruction: 8 bytes, so a store can change one that starts 6 bytes earlier.
const MAX_INSN: u32 = 8;

pub struct DecodedCache {
    base: u32,
    pages: Vec<Option<Box<[Insn]>>>,
}

/// A clone starts empty: it is only a cache, and copying it would make snapshots of the
/// machine expensive.
impl Clone for DecodedCache {
    fn clone(&self) -> Self {
        DecodedCache {
            base: self.base,
            pages: vec![None; self.pages.len()],
        }
    }
}

impl DecodedCache {
    pub fn new(ram_base: u32, ram_size: u32) -> DecodedCache {
        DecodedCache {
            base: ram_base,
            pages: vec![None; (ram_size >> PAGE_SHIFT) as usize],
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

    /// The cached instruction at `paddr` (a RAM address), if decoded before.
    #[inline(always)]
    pub fn get_ref(&self, paddr: u32) -> Option<&Insn> {
        let (page, slot) = self.locate(paddr);
        match self.pages.get(page) {
            Some(Some(p)) if p[slot].len != 0 => Some(&p[slot]),
            _ => None,
        }
    }

    /// Caches `insn`, which must lie entirely inside one page of RAM.
    pub fn insert(&mut self, paddr: u32, insn: Insn) {
        let (page, slot) = self.locate(paddr);
        if let Some(p) = self.pages.get_mut(page) {
            p.get_or_insert_with(|| vec![Insn::default(); SLOTS].into_boxed_slice())[slot] = insn;
        }
    }

    /// Forgets every instruction that may include a byte of [paddr, paddr + size).
    #[inline(always)]
    pub fn invalidate(&mut self, paddr: u32, size: u32) {
        let (page, _) = self.locate(paddr);
        if let Some(Some(_)) = self.pages.get(page) {
            self.invalidate_slow(paddr, size);
        }
    }

    fn invalidate_slow(&mut self, paddr: u32, size: u32) {
        let first = paddr.wrapping_sub(MAX_INSN - 2) & !1;
        let mut a = first;
        while a.wrapping_sub(first) < size + MAX_INSN - 2 {
            let (page, slot) = self.locate(a);
            if let Some(Some(p)) = self.pages.get_mut(page) {
                p[slot].len = 0;
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
    }
}
