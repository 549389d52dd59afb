//! The host TLB: for each privilege and direction (read, write), a direct-mapped table
//! from a virtual page to the host memory of the RAM page it translates to, so that a
//! lowered load or store that hits costs one tag compare (which also rejects misaligned
//! addresses) instead of the translation, the RAM bounds and the sparse-page lookup.
//!
//! It is indexed like the MMU's own sets (`vaddr >> 13` modulo the set count), so a TLB
//! command that changes a set drops exactly that slot of every table (`invalidate_set`);
//! a PID write (ASID or enable) drops everything. An entry is made only from a
//! translation that succeeded for its privilege and direction, and only for RAM. RAM is
//! sparse (`ram.rs`): a write entry allocates its page; a read entry for a page never
//! written points at `ZERO_PAGE` instead, and such entries are dropped whenever RAM
//! allocates a page (`invalidate_zero_reads`, which the machine calls when it sees the
//! allocation count change: at block starts, after the generic executor, when a write
//! entry is made).
//!
//! Stores must still drop decoded instructions they overwrite: a write entry carries the
//! page's map of code chunks (`DecodedCache::code_map`), or null while the page has no
//! decoded code. When a page gains its first decoded instruction, or the decoded cache or
//! RAM is dropped, the owner calls `invalidate_writes`/`invalidate_all`.

/// One direct-mapped slot.
#[derive(Clone, Copy)]
pub(crate) struct HostPage {
    /// Virtual page address, or `INVALID`.
    tag: u32,
    /// Physical page address.
    ppage: u32,
    /// The RAM page's 8 KiB of host memory.
    host: *mut u8,
    /// Write entries: the page's code-chunk map, or null when it holds no decoded code.
    code: *const u8,
}

/// A tag no access matches: an access compares `vaddr & (PAGE_MASK | (size - 1))`,
/// which never has bit 12 set.
const INVALID: u32 = 0x1000;
const PAGE_MASK: u32 = !0x1FFF;

/// What a page never written reads as. Only read entries point here.
static ZERO_PAGE: [u8; 8192] = [0; 8192];

/// `HostPage::host` of an entry for a page never written.
pub(crate) fn zero_page() -> *mut u8 {
    ZERO_PAGE.as_ptr() as *mut u8
}

const EMPTY: HostPage = HostPage {
    tag: INVALID,
    ppage: 0,
    host: std::ptr::null_mut(),
    code: std::ptr::null(),
};

/// Which table: privilege and direction.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Dir {
    Read = 0,
    Write = 1,
}

pub(crate) struct HostTlb {
    /// Per set, the slots of the four tables: kernel read, kernel write, user read, user
    /// write (so one set's four slots are dropped together).
    slots: Vec<[HostPage; 4]>,
    sets: u32,
}

// The pointers are into RAM pages and decoded-cache pages owned by the same `Machine`,
// which keeps them alive (and this table empty whenever they may go: see the module
// comment); the table is only ever used through that machine.
unsafe impl Send for HostTlb {}
unsafe impl Sync for HostTlb {}

/// A copy starts empty: its pointers would be into the original's memory.
impl Clone for HostTlb {
    fn clone(&self) -> Self {
        HostTlb::new(self.sets)
    }
}

impl std::fmt::Debug for HostTlb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let live = self
            .slots
            .iter()
            .flatten()
            .filter(|s| s.tag != INVALID)
            .count();
        write!(f, "HostTlb {{ sets: {}, live: {live} }}", self.sets)
    }
}

/// A hit: where the access goes.
pub(crate) struct Hit {
    pub host: *mut u8,
    pub paddr: u32,
    pub code: *const u8,
}

impl HostTlb {
    /// `sets`: the MMU's set count, a power of two.
    pub(crate) fn new(sets: u32) -> HostTlb {
        assert!(sets.is_power_of_two());
        HostTlb {
            slots: vec![[EMPTY; 4]; sets as usize],
            sets,
        }
    }

    /// Which of a set's four slots is the table for `user` and `dir`.
    #[inline(always)]
    fn slot(user: bool, dir: Dir) -> usize {
        (user as usize) * 2 + dir as usize
    }

    /// The first slot of the table for `user` and `dir`, for `lookup`.
    #[inline(always)]
    pub(crate) fn table(&self, user: bool, dir: Dir) -> *const HostPage {
        // SAFETY: `slot` < 4: a slot of the first set.
        unsafe { (self.slots.as_ptr() as *const HostPage).add(Self::slot(user, dir)) }
    }

    /// The write table of the privilege whose read table is `reads` (from `table`).
    #[inline(always)]
    pub(crate) fn writes(reads: *const HostPage) -> *const HostPage {
        // SAFETY: a read table is slot 0 or 2 of the first set; its write table the next.
        unsafe { reads.add(Dir::Write as usize) }
    }

    /// The entry for an `N`-byte access at `vaddr` through `table` (from `table`, on this
    /// host TLB, unchanged since), if it hits; a misaligned address never does.
    #[inline(always)]
    pub(crate) fn lookup<const N: u32>(&self, table: *const HostPage, vaddr: u32) -> Option<Hit> {
        let i = (vaddr >> 13) & (self.sets - 1);
        // SAFETY: `table` is one of the first set's slots (`table`), and `i < sets`.
        let e = unsafe { &*table.add(4 * i as usize) };
        if e.tag != vaddr & (PAGE_MASK | (N - 1)) {
            return None;
        }
        let off = vaddr & !PAGE_MASK;
        Some(Hit {
            // SAFETY: `host` is the start of a live 8 KiB RAM page, and `off` < 8 KiB.
            host: unsafe { e.host.add(off as usize) },
            paddr: e.ppage | off,
            code: e.code,
        })
    }

    /// Remembers that `vaddr`'s page translates to RAM page `ppage` at `host` for `user`
    /// and `dir` (`code`: see `HostPage::code`).
    pub(crate) fn fill(
        &mut self,
        user: bool,
        dir: Dir,
        vaddr: u32,
        ppage: u32,
        host: *mut u8,
        code: *const u8,
    ) {
        let i = ((vaddr >> 13) & (self.sets - 1)) as usize;
        self.slots[i][Self::slot(user, dir)] = HostPage {
            tag: vaddr & PAGE_MASK,
            ppage: ppage & PAGE_MASK,
            host,
            code,
        };
    }

    /// The MMU changed the entries of `set`.
    #[inline(always)]
    pub(crate) fn invalidate_set(&mut self, set: u32) {
        let i = (set & (self.sets - 1)) as usize;
        self.slots[i].iter_mut().for_each(|s| s.tag = INVALID);
    }

    /// Write entries whose code map may be stale (a page gained decoded code).
    pub(crate) fn invalidate_writes(&mut self) {
        for set in self.slots.iter_mut() {
            set[Self::slot(false, Dir::Write)].tag = INVALID;
            set[Self::slot(true, Dir::Write)].tag = INVALID;
        }
    }

    /// Read entries of pages that were never written: one of them may just have been.
    pub(crate) fn invalidate_zero_reads(&mut self) {
        let zero = zero_page();
        for s in self.slots.iter_mut().flatten() {
            if s.host == zero {
                s.tag = INVALID;
            }
        }
    }

    pub(crate) fn invalidate_all(&mut self) {
        self.slots
            .iter_mut()
            .flatten()
            .for_each(|s| s.tag = INVALID);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_only_its_privilege_direction_page_and_alignment() {
        let mut page = vec![0u8; 8192];
        let host = page.as_mut_ptr();
        let mut t = HostTlb::new(256);
        let kr = t.table(false, Dir::Read);
        t.fill(
            false,
            Dir::Read,
            0x0012_3456,
            0x8040_2000,
            host,
            std::ptr::null(),
        );
        let hit = t
            .lookup::<4>(kr, 0x0012_3458)
            .expect("aligned word in the page");
        assert_eq!(hit.paddr, 0x8040_3458);
        assert_eq!(hit.host, host.wrapping_add(0x1458));
        assert!(t.lookup::<4>(kr, 0x0012_345A).is_none(), "misaligned");
        assert!(t.lookup::<2>(kr, 0x0012_345A).is_some());
        assert!(t.lookup::<4>(kr, 0x0012_5458).is_none(), "next page");
        let other = 0x0012_3458 + (256 << 13);
        assert!(t.lookup::<4>(kr, other).is_none(), "same slot, other page");
        assert!(
            t.lookup::<4>(HostTlb::writes(kr), 0x0012_3458).is_none(),
            "write table"
        );
        assert!(
            t.lookup::<4>(t.table(true, Dir::Read), 0x0012_3458)
                .is_none(),
            "user table"
        );
        t.invalidate_writes();
        assert!(t.lookup::<1>(kr, 0x0012_3457).is_some(), "reads survive");
        t.invalidate_set(0x0012_3456 >> 13);
        assert!(t.lookup::<1>(kr, 0x0012_3457).is_none());
        assert_eq!(t.clone().slots.len(), 256);
    }
}
