//! Virtual memory areas: the ranges of an address space user code may touch, and how.
//!
//! Every area is anonymous private memory (ELF segments are copied into fresh frames at load
//! time, so they need no backing file). The list is kept sorted and non-overlapping; areas are
//! split by munmap/mprotect, and `insert`/`protect` join neighbours that touch and have equal
//! rights (Linux's `vma_merge`), so a change undone leaves the list as it was and toggling
//! rights cannot exhaust the fixed capacity (docs/kernel-findings.md, F7).

use crate::arch::PAGE_SIZE;
use heapless::Vec;

pub const MAX_VMAS: usize = 32;

bitflags::bitflags! {
    /// Access rights of an area, the PROT_* bits of mmap.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Prot: u32 {
        const R = 1;
        const W = 2;
        const X = 4;
        const RW = Self::R.bits() | Self::W.bits();
    }
}

impl Prot {
    /// Writable implies readable on ARC, as on Linux.
    pub fn readable(self) -> bool {
        self.intersects(Prot::RW)
    }
    pub fn writable(self) -> bool {
        self.contains(Prot::W)
    }
    pub fn executable(self) -> bool {
        self.contains(Prot::X)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vma {
    pub start: u32,
    /// Exclusive.
    pub end: u32,
    pub prot: Prot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmaError {
    Overlap,
    /// The fixed capacity is exhausted (ENOMEM to the caller).
    Full,
    /// A range with unaligned ends or that is not entirely mapped.
    BadRange,
}

#[derive(Default)]
pub struct Vmas {
    list: Vec<Vma, MAX_VMAS>,
}

fn aligned(start: u32, end: u32) -> bool {
    start.is_multiple_of(PAGE_SIZE) && end.is_multiple_of(PAGE_SIZE) && start < end
}

impl Vmas {
    pub const fn new() -> Vmas {
        Vmas { list: Vec::new() }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Vma> {
        self.list.iter()
    }

    pub fn find(&self, addr: u32) -> Option<Vma> {
        self.list
            .iter()
            .copied()
            .find(|v| v.start <= addr && addr < v.end)
    }

    fn overlaps(&self, start: u32, end: u32) -> bool {
        self.list.iter().any(|v| v.start < end && start < v.end)
    }

    /// Add an area; it joins a neighbour it touches that has the same rights, so a merge
    /// needs no free slot.
    pub fn insert(&mut self, vma: Vma) -> Result<(), VmaError> {
        if !aligned(vma.start, vma.end) {
            return Err(VmaError::BadRange);
        }
        if self.overlaps(vma.start, vma.end) {
            return Err(VmaError::Overlap);
        }
        let at = self
            .list
            .iter()
            .position(|v| v.start > vma.start)
            .unwrap_or(self.list.len());
        let joins_prev = at > 0 && {
            let p = self.list[at - 1];
            p.end == vma.start && p.prot == vma.prot
        };
        let joins_next = self
            .list
            .get(at)
            .is_some_and(|n| n.start == vma.end && n.prot == vma.prot);
        match (joins_prev, joins_next) {
            (true, true) => {
                self.list[at - 1].end = self.list[at].end;
                self.list.remove(at);
            }
            (true, false) => self.list[at - 1].end = vma.end,
            (false, true) => self.list[at].start = vma.start,
            (false, false) => self.list.insert(at, vma).map_err(|_| VmaError::Full)?,
        }
        Ok(())
    }

    /// Remove `[start, end)` from every area, splitting areas that straddle it. Unmapped
    /// holes inside the range are fine (munmap semantics).
    pub fn remove(&mut self, start: u32, end: u32) -> Result<(), VmaError> {
        if !aligned(start, end) {
            return Err(VmaError::BadRange);
        }
        // An area strictly containing the range becomes two: check capacity first so a
        // failure leaves the list untouched.
        let splits = self.list.iter().any(|v| v.start < start && end < v.end);
        if splits && self.list.is_full() {
            return Err(VmaError::Full);
        }
        let mut i = 0;
        while i < self.list.len() {
            let v = self.list[i];
            if v.end <= start || end <= v.start {
                i += 1;
            } else if v.start < start && end < v.end {
                self.list[i].end = start;
                let tail = Vma { start: end, ..v };
                // Capacity checked above.
                let _ = self.list.insert(i + 1, tail);
                i += 2;
            } else if v.start < start {
                self.list[i].end = start;
                i += 1;
            } else if end < v.end {
                self.list[i].start = end;
                i += 1;
            } else {
                self.list.remove(i);
            }
        }
        Ok(())
    }

    /// Give `[start, end)` the rights `prot`. The whole range must be mapped (ENOMEM in
    /// Linux otherwise); areas straddling its ends are split, and areas that end up touching
    /// with equal rights are joined. The capacity is checked on the result, so a change that
    /// splits nothing in the end (e.g. undoing the previous one) succeeds on a full list.
    pub fn protect(&mut self, start: u32, end: u32, prot: Prot) -> Result<(), VmaError> {
        if !aligned(start, end) || !self.covers(start, end) {
            return Err(VmaError::BadRange);
        }
        // Each area gives at most three pieces (before, inside, after the range).
        let mut out: Vec<Vma, { MAX_VMAS + 2 }> = Vec::new();
        for v in self.list.iter() {
            let inside = (v.start.max(start), v.end.min(end));
            let pieces = [
                (v.start, v.end.min(start), v.prot),
                (inside.0, inside.1, prot),
                (v.start.max(end), v.end, v.prot),
            ];
            for (s, e, p) in pieces {
                if s >= e {
                    continue;
                }
                match out.last_mut() {
                    Some(last) if last.end == s && last.prot == p => last.end = e,
                    _ => {
                        if out
                            .push(Vma {
                                start: s,
                                end: e,
                                prot: p,
                            })
                            .is_err()
                        {
                            return Err(VmaError::Full);
                        }
                    }
                }
            }
        }
        if out.len() > MAX_VMAS {
            return Err(VmaError::Full);
        }
        self.list.clear();
        for v in out {
            // Fits: checked above.
            let _ = self.list.push(v);
        }
        Ok(())
    }

    /// Whether every page of `[start, end)` lies in some area.
    pub fn covers(&self, start: u32, end: u32) -> bool {
        let mut at = start;
        while at < end {
            match self.find(at) {
                Some(v) => at = v.end,
                None => return false,
            }
        }
        true
    }

    /// Lowest free, page-aligned range of `len` bytes inside `[lo, hi)`.
    pub fn find_gap(&self, len: u32, lo: u32, hi: u32) -> Option<u32> {
        let mut candidate = lo;
        for v in self.list.iter() {
            if v.end <= candidate {
                continue;
            }
            if v.start >= candidate && v.start - candidate >= len {
                break;
            }
            candidate = candidate.max(v.end);
        }
        let end = candidate.checked_add(len)?;
        (end <= hi).then_some(candidate)
    }

    /// Change the end of the area that ends at `old_end` (brk).
    pub fn resize_end(&mut self, old_end: u32, new_end: u32) -> Result<(), VmaError> {
        let i = self
            .list
            .iter()
            .position(|v| v.end == old_end)
            .ok_or(VmaError::BadRange)?;
        let next_start = self.list.get(i + 1).map_or(u32::MAX, |v| v.start);
        if new_end <= self.list[i].start || new_end > next_start {
            return Err(VmaError::Overlap);
        }
        self.list[i].end = new_end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: u32 = PAGE_SIZE;

    fn vma(start: u32, end: u32, prot: Prot) -> Vma {
        Vma { start, end, prot }
    }

    #[test]
    fn insert_keeps_order_and_refuses_overlap() {
        let mut v = Vmas::new();
        v.insert(vma(10 * P, 12 * P, Prot::R)).unwrap();
        v.insert(vma(2 * P, 4 * P, Prot::R)).unwrap();
        assert_eq!(v.insert(vma(3 * P, 5 * P, Prot::R)), Err(VmaError::Overlap));
        assert_eq!(
            v.insert(vma(3 * P + 1, 5 * P, Prot::R)),
            Err(VmaError::BadRange)
        );
        let starts: std::vec::Vec<u32> = v.iter().map(|v| v.start).collect();
        assert_eq!(starts, [2 * P, 10 * P]);
        assert_eq!(v.find(11 * P + 5).unwrap().start, 10 * P);
        assert_eq!(v.find(12 * P), None, "end is exclusive");
    }

    #[test]
    fn remove_splits_and_trims() {
        let mut v = Vmas::new();
        v.insert(vma(0, 10 * P, Prot::R | Prot::W)).unwrap();
        v.remove(4 * P, 6 * P).unwrap();
        assert_eq!(v.find(3 * P).unwrap(), vma(0, 4 * P, Prot::RW));
        assert_eq!(v.find(5 * P), None);
        assert_eq!(v.find(6 * P).unwrap(), vma(6 * P, 10 * P, Prot::RW));
        v.remove(2 * P, 8 * P).unwrap();
        assert!(v.covers(0, 2 * P) && v.covers(8 * P, 10 * P) && !v.covers(0, 3 * P));
        v.remove(0, 20 * P).unwrap();
        assert_eq!(v.iter().count(), 0);
    }

    #[test]
    fn protect_needs_full_coverage_and_splits() {
        let mut v = Vmas::new();
        v.insert(vma(0, 4 * P, Prot::R | Prot::W)).unwrap();
        assert_eq!(v.protect(2 * P, 6 * P, Prot::R), Err(VmaError::BadRange));
        v.protect(P, 2 * P, Prot::R).unwrap();
        assert_eq!(v.find(0).unwrap().prot, Prot::RW);
        assert_eq!(v.find(P).unwrap(), vma(P, 2 * P, Prot::R));
        assert_eq!(v.find(3 * P).unwrap(), vma(2 * P, 4 * P, Prot::RW));
    }

    #[test]
    fn gaps_are_found_between_areas() {
        let mut v = Vmas::new();
        v.insert(vma(0x1000_0000, 0x1000_0000 + 2 * P, Prot::R))
            .unwrap();
        assert_eq!(
            v.find_gap(P, 0x1000_0000, 0x2000_0000),
            Some(0x1000_0000 + 2 * P)
        );
        v.insert(vma(0x1000_0000 + 3 * P, 0x1000_0000 + 4 * P, Prot::R))
            .unwrap();
        assert_eq!(
            v.find_gap(P, 0x1000_0000, 0x2000_0000),
            Some(0x1000_0000 + 2 * P)
        );
        assert_eq!(
            v.find_gap(2 * P, 0x1000_0000, 0x2000_0000),
            Some(0x1000_0000 + 4 * P)
        );
        assert_eq!(v.find_gap(0x2000_0000, 0x1000_0000, 0x2000_0000), None);
    }

    #[test]
    fn capacity_is_an_error_not_a_panic() {
        let mut v = Vmas::new();
        for i in 0..MAX_VMAS as u32 {
            v.insert(vma(i * 4 * P, i * 4 * P + 3 * P, Prot::R))
                .unwrap();
        }
        assert_eq!(
            v.insert(vma(0x4000_0000, 0x4000_0000 + P, Prot::R)),
            Err(VmaError::Full)
        );
        assert_eq!(
            v.remove(P, 2 * P),
            Err(VmaError::Full),
            "a split needs a free slot"
        );
        assert_eq!(v.protect(P, 2 * P, Prot::RW), Err(VmaError::Full));
        assert_eq!(
            v.protect(P, 2 * P, Prot::R),
            Ok(()),
            "rights it already has: nothing to split"
        );
        assert_eq!(
            v.find(P).unwrap(),
            vma(0, 3 * P, Prot::R),
            "a refused change leaves the list alone"
        );
        assert_eq!(v.remove(0, P), Ok(()), "trimming needs no slot");
    }

    /// F7 (docs/kernel-findings.md): k_vma_toggle's pattern. Fails without merging:
    /// `Full` at round 15, when the 32 slots are used up.
    #[test]
    fn mprotect_toggling_merges_back_and_never_runs_out() {
        let mut v = Vmas::new();
        let base = 0x2000_0000;
        v.insert(vma(base, base + 48 * P, Prot::RW)).unwrap();
        for round in 0..40 {
            let page = base + (round % 48) * P;
            assert_eq!(v.protect(page, page + P, Prot::R), Ok(()), "round {round}");
            assert_eq!(
                v.iter().count(),
                if round == 0 || round == 47 { 2 } else { 3 }
            );
            assert_eq!(v.protect(page, page + P, Prot::RW), Ok(()), "round {round}");
            assert_eq!(
                v.iter().copied().collect::<std::vec::Vec<_>>(),
                [vma(base, base + 48 * P, Prot::RW)],
                "round {round}: back to one area"
            );
        }
    }

    #[test]
    fn insert_joins_touching_areas_with_equal_rights() {
        let mut v = Vmas::new();
        v.insert(vma(0, 2 * P, Prot::RW)).unwrap();
        v.insert(vma(4 * P, 6 * P, Prot::RW)).unwrap();
        v.insert(vma(6 * P, 7 * P, Prot::R)).unwrap();
        v.insert(vma(2 * P, 4 * P, Prot::RW)).unwrap();
        assert_eq!(
            v.iter().copied().collect::<std::vec::Vec<_>>(),
            [vma(0, 6 * P, Prot::RW), vma(6 * P, 7 * P, Prot::R)]
        );
        // A full list still takes an area that only extends a neighbour.
        let mut v = Vmas::new();
        for i in 0..MAX_VMAS as u32 {
            v.insert(vma(i * 4 * P, i * 4 * P + 3 * P, Prot::R))
                .unwrap();
        }
        assert_eq!(v.insert(vma(3 * P, 4 * P, Prot::R)), Ok(()));
        assert_eq!(v.find(0).unwrap(), vma(0, 7 * P, Prot::R));
        assert_eq!(v.iter().count(), MAX_VMAS - 1);
    }

    #[test]
    fn protect_joins_only_equal_rights_and_keeps_the_rest() {
        let mut v = Vmas::new();
        v.insert(vma(0, 4 * P, Prot::R)).unwrap();
        v.insert(vma(4 * P, 8 * P, Prot::RW)).unwrap();
        v.insert(vma(10 * P, 12 * P, Prot::RW)).unwrap();
        v.protect(2 * P, 8 * P, Prot::RW).unwrap();
        assert_eq!(
            v.iter().copied().collect::<std::vec::Vec<_>>(),
            [
                vma(0, 2 * P, Prot::R),
                vma(2 * P, 8 * P, Prot::RW),
                vma(10 * P, 12 * P, Prot::RW)
            ],
            "no join across a hole"
        );
    }
}
