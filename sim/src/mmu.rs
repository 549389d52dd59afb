//! MMUv4: a set-associative joint TLB of 8 KiB pages, the TLBPD0/TLBPD1/TLBIndex/
//! TLBCommand programming interface and PID. Addresses at and above 0x8000_0000 are never
//! translated (kernel only once the MMU is on). No µTLBs, super pages, PAE or shared ASIDs
//! are modelled, and MMU_BUILD says so.

pub const PAGE_SHIFT: u32 = 13;
pub const PAGE_SIZE: u32 = 1 << PAGE_SHIFT;
pub const VPN_MASK: u32 = 0x7FFF_E000;
pub const PPN_MASK: u32 = 0xFFFF_E000;
pub const PD0_V: u32 = 1 << 9;
pub const PD0_G: u32 = 1 << 8;
pub const PD0_ASID: u32 = 0xFF;
pub const PD1_KR: u32 = 1 << 6;
pub const PD1_KW: u32 = 1 << 5;
pub const PD1_KX: u32 = 1 << 4;
pub const PD1_UR: u32 = 1 << 3;
pub const PD1_UW: u32 = 1 << 2;
pub const PD1_UX: u32 = 1 << 1;
pub const PID_ENABLE: u32 = 1 << 31;
/// TLBIndex.E: the command found nothing.
pub const INDEX_E: u32 = 1 << 31;
/// TLBIndex.RC = 1: TLBProbe matched more than one entry.
pub const INDEX_MULTI: u32 = 1 << 28;
pub const UNTRANSLATED: u32 = 0x8000_0000;

pub const AUX_TLBPD0: u32 = 0x460;
pub const AUX_TLBPD1: u32 = 0x461;
pub const AUX_TLBPD1HI: u32 = 0x463;
pub const AUX_TLBINDEX: u32 = 0x464;
pub const AUX_TLBCOMMAND: u32 = 0x465;
pub const AUX_PID: u32 = 0x468;
pub const AUX_SCRATCH_DATA0: u32 = 0x46C;
pub const AUX_MMU_BUILD: u32 = 0x6F;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Fetch,
    Read,
    Write,
    /// Read-modify-write (EX, LLOCK/SCOND): needs read and write permission.
    Exchange,
}

impl Access {
    /// Cause code in ECR for TLBMissD and ProtV.
    pub fn cause(self) -> u8 {
        match self {
            Access::Fetch => 0,
            Access::Read => 1,
            Access::Write => 2,
            Access::Exchange => 3,
        }
    }
}

/// Why a translation failed: ECR vector, cause and parameter of the exception.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MmuFault {
    TlbMiss(Access),
    ProtV(Access),
    /// More than one TLB entry matched (Machine Check, cause 1).
    DuplicateMatch,
}

impl MmuFault {
    pub fn ecr_parts(self) -> (u8, u8, u8) {
        match self {
            MmuFault::TlbMiss(Access::Fetch) => (4, 0, 0),
            MmuFault::TlbMiss(a) => (5, a.cause(), 0),
            MmuFault::ProtV(a) => (6, a.cause(), 0x08),
            MmuFault::DuplicateMatch => (3, 1, 0),
        }
    }
}

/// Most ways a configuration can have (Config::validate).
const MAX_WAYS: usize = 8;

/// TLB indices of one set's entries that match TLBPD0 (no allocation: TLB commands run on
/// every refill).
struct Matches {
    index: [u32; MAX_WAYS],
    n: usize,
}

impl std::ops::Deref for Matches {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        &self.index[..self.n]
    }
}

#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct TlbEntry {
    pub pd0: u32,
    pub pd1: u32,
}

#[derive(Clone, Debug)]
pub struct Mmu {
    sets: u32,
    ways: u32,
    entries: Vec<TlbEntry>,
    /// Per-set round-robin replacement pointer.
    victim: Vec<u8>,
    pub pd0: u32,
    pub pd1: u32,
    pub pd1hi: u32,
    pub index: u32,
    pub command: u32,
    pub pid: u32,
    pub scratch_data0: u32,
    /// Bumped whenever a translation may have changed, so callers can cache lookups.
    pub generation: u64,
    /// Finer stamps for cached translations of one page: PID writes bump `pid_generation`;
    /// a TLB command that changes entries bumps the `set_generation` of their set (a
    /// lookup only reads the page's own set).
    pub pid_generation: u64,
    set_generation: Vec<u64>,
    /// Translations of the lowered loads and stores, dropped here as entries change.
    pub(crate) host: crate::host_tlb::HostTlb,
}

impl Mmu {
    pub fn new(sets: u32, ways: u32) -> Mmu {
        Mmu {
            sets,
            ways,
            entries: vec![TlbEntry::default(); (sets * ways) as usize],
            victim: vec![0; sets as usize],
            pd0: 0,
            pd1: 0,
            pd1hi: 0,
            index: 0,
            command: 0,
            pid: 0,
            scratch_data0: 0,
            generation: 0,
            pid_generation: 0,
            set_generation: vec![0; sets as usize],
            host: crate::host_tlb::HostTlb::new(sets),
        }
    }

    /// Stamp of the TLB set that translates `vaddr` (see `pid_generation`).
    #[inline(always)]
    pub fn set_generation(&self, vaddr: u32) -> u64 {
        self.set_generation[self.set_of(vaddr) as usize]
    }

    fn entries_changed(&mut self, set: u32) {
        if let Some(g) = self.set_generation.get_mut(set as usize) {
            *g += 1;
        }
        self.host.invalidate_set(set);
    }

    /// MMU_BUILD for this geometry: version 4, 8 KiB pages, n_entry = log2(sets/64),
    /// n_ways = ways/2, 4-entry I-µTLB and 8-entry D-µTLB (informational), no super
    /// pages, no PAE, no shared ASIDs.
    pub fn build_reg(&self) -> u32 {
        let n_entry = (self.sets / 64).trailing_zeros();
        let n_ways = self.ways / 2;
        4 << 24 | 4 << 15 | n_ways << 10 | n_entry << 8 | 1 << 3 | 2
    }

    pub fn enabled(&self) -> bool {
        self.pid & PID_ENABLE != 0
    }

    pub fn asid(&self) -> u32 {
        self.pid & PD0_ASID
    }

    pub fn entry(&self, index: u32) -> Option<TlbEntry> {
        self.entries.get(index as usize).copied()
    }

    fn set_of(&self, vaddr: u32) -> u32 {
        (vaddr >> PAGE_SHIFT) & (self.sets - 1)
    }

    fn matches(e: &TlbEntry, vpn: u32, asid: u32) -> bool {
        e.pd0 & PD0_V != 0
            && e.pd0 & VPN_MASK == vpn
            && (e.pd0 & PD0_G != 0 || e.pd0 & PD0_ASID == asid)
    }

    /// Index of the single entry mapping `vaddr` for `asid`; Err(()) on several matches.
    fn lookup(&self, vaddr: u32, asid: u32) -> Result<Option<u32>, ()> {
        let base = (self.set_of(vaddr) * self.ways) as usize;
        let vpn = vaddr & VPN_MASK;
        // One bounds check for the set, not one per way (every access translates).
        let set = &self.entries[base..base + self.ways as usize];
        let mut found = None;
        for (k, e) in set.iter().enumerate() {
            if Self::matches(e, vpn, asid) {
                if found.is_some() {
                    return Err(());
                }
                found = Some((base + k) as u32);
            }
        }
        Ok(found)
    }

    /// Translates `vaddr` for an access in user or kernel mode. A miss loads TLBPD0 with
    /// VPN | V | ASID, as the refill handler expects.
    #[inline]
    pub fn translate(&mut self, vaddr: u32, access: Access, user: bool) -> Result<u32, MmuFault> {
        let r = self.peek(vaddr, access, user);
        self.searched(vaddr, r)
    }

    /// `translate` with the set search inlined into the caller: for the host TLB's miss
    /// path, which every access of a TLB-miss-bound program takes. (Inlining `peek`
    /// everywhere moved the dispatch loop's registers.)
    #[inline(always)]
    pub fn translate_inlined(
        &mut self,
        vaddr: u32,
        access: Access,
        user: bool,
    ) -> Result<u32, MmuFault> {
        let r = self.search(vaddr, access, user);
        self.searched(vaddr, r)
    }

    /// A translation's side effect: a miss loads TLBPD0.
    #[inline(always)]
    fn searched(&mut self, vaddr: u32, r: Result<u32, MmuFault>) -> Result<u32, MmuFault> {
        if let Err(MmuFault::TlbMiss(_)) = r {
            self.pd0 = (vaddr & VPN_MASK) | PD0_V | self.asid();
        }
        r
    }

    /// `translate` without side effects (for the debugger-style accesses of semihosting).
    pub fn peek(&self, vaddr: u32, access: Access, user: bool) -> Result<u32, MmuFault> {
        self.search(vaddr, access, user)
    }

    #[inline(always)]
    fn search(&self, vaddr: u32, access: Access, user: bool) -> Result<u32, MmuFault> {
        if !self.enabled() {
            return Ok(vaddr);
        }
        if vaddr >= UNTRANSLATED {
            return if user {
                Err(MmuFault::ProtV(access))
            } else {
                Ok(vaddr)
            };
        }
        let e = match self.lookup(vaddr, self.asid()) {
            Err(()) => return Err(MmuFault::DuplicateMatch),
            Ok(None) => return Err(MmuFault::TlbMiss(access)),
            Ok(Some(i)) => self.entries[i as usize],
        };
        if !Self::permits(e.pd1, access, user) {
            return Err(MmuFault::ProtV(access));
        }
        Ok((e.pd1 & PPN_MASK) | (vaddr & (PAGE_SIZE - 1)))
    }

    /// Whether an entry with TLBPD1 `pd1` allows `access` at this privilege.
    #[inline(always)]
    fn permits(pd1: u32, access: Access, user: bool) -> bool {
        let need = match (access, user) {
            (Access::Fetch, false) => PD1_KX,
            (Access::Read, false) => PD1_KR,
            (Access::Write, false) => PD1_KW,
            (Access::Exchange, false) => PD1_KR | PD1_KW,
            (Access::Fetch, true) => PD1_UX,
            (Access::Read, true) => PD1_UR,
            (Access::Write, true) => PD1_UW,
            (Access::Exchange, true) => PD1_UR | PD1_UW,
        };
        pd1 & need == need
    }

    /// What `translate` now returns for page `vpage` right after an InsertEntry that
    /// wrote TLBPD0/TLBPD1 for it, without searching the set: InsertEntry invalidates
    /// every entry the new one could be confused with, so when TLBPD0 names this page
    /// and the current ASID (or is global) the new entry is the page's only match.
    /// `None` when the insert was for something else (or did not insert).
    pub fn inserted_translation(&self, vpage: u32, access: Access, user: bool) -> Option<u32> {
        let pd0 = self.pd0;
        let names_page = pd0 & (VPN_MASK | PD0_V) == (vpage & VPN_MASK) | PD0_V
            && (pd0 & PD0_G != 0 || pd0 & PD0_ASID == self.asid());
        if !names_page || !self.enabled() || vpage >= UNTRANSLATED || self.command != 7 {
            return None;
        }
        Self::permits(self.pd1, access, user).then_some(self.pd1 & PPN_MASK)
    }

    /// Whether valid entry `e` is one a command with TLBPD0 `pd0` names: the same VPN,
    /// and the same ASID unless either is global.
    #[inline(always)]
    fn matches_pd0(e: &TlbEntry, pd0: u32) -> bool {
        e.pd0 & PD0_V != 0
            && e.pd0 & VPN_MASK == pd0 & VPN_MASK
            && (pd0 & PD0_G != 0 || e.pd0 & PD0_G != 0 || e.pd0 & PD0_ASID == pd0 & PD0_ASID)
    }

    /// Entries of TLBPD0's set that match TLBPD0 (VPN, and ASID unless TLBPD0.G).
    fn pd0_matches(&self) -> Matches {
        let base = self.set_of(self.pd0) * self.ways;
        let mut m = Matches {
            index: [0; MAX_WAYS],
            n: 0,
        };
        for i in base..base + self.ways {
            if Self::matches_pd0(&self.entries[i as usize], self.pd0) && m.n < MAX_WAYS {
                m.index[m.n] = i;
                m.n += 1;
            }
        }
        m
    }

    fn next_victim(&mut self, set: u32) -> u32 {
        // The stored pointer is always below `ways`; no division on the refill path.
        let mut v = self.victim[set as usize] as u32;
        if v >= self.ways {
            v %= self.ways;
        }
        self.victim[set as usize] = if v + 1 == self.ways { 0 } else { v + 1 } as u8;
        set * self.ways + v
    }

    fn write_entry(&mut self, index: u32) {
        if let Some(e) = self.entries.get_mut(index as usize) {
            *e = TlbEntry {
                pd0: self.pd0,
                pd1: self.pd1,
            };
        }
    }

    /// TLBCommand. Returns false for a command that does not exist.
    pub fn command(&mut self, cmd: u32) -> bool {
        self.generation += 1;
        let index = self.index & 0x1FFF;
        match cmd {
            // Write, WriteNI: there are no µTLBs, so both just write the joint TLB.
            1 | 5 => {
                self.write_entry(index);
                self.entries_changed(index / self.ways);
            }
            // Read
            2 => {
                let e = self.entry(index).unwrap_or_default();
                self.pd0 = e.pd0;
                self.pd1 = e.pd1;
                self.index = index;
            }
            // GetIndex: where an insert of TLBPD0 would go.
            3 => {
                let set = self.set_of(self.pd0);
                let base = set * self.ways;
                let m = self.pd0_matches();
                self.index = if let Some(&i) = m.first() {
                    i
                } else if let Some(i) =
                    (base..base + self.ways).find(|&i| self.entries[i as usize].pd0 & PD0_V == 0)
                {
                    i
                } else {
                    self.next_victim(set)
                };
            }
            // Probe
            4 => {
                let m = self.pd0_matches();
                self.index = match m.len() {
                    0 => INDEX_E,
                    1 => m[0],
                    _ => m[0] | INDEX_MULTI,
                };
            }
            // IVUTLB: no µTLBs to invalidate.
            6 => {}
            7 => self.insert_entry(),
            // DeleteEntry
            8 => {
                self.entries_changed(self.set_of(self.pd0));
                let m = self.pd0_matches();
                for &i in m.iter() {
                    self.entries[i as usize].pd0 &= !PD0_V;
                }
                self.index = m.first().copied().unwrap_or(INDEX_E);
            }
            _ => return false,
        }
        self.command = cmd;
        true
    }

    /// TLBCommand InsertEntry (`command(7)`), for callers that inline it: every TLB refill
    /// runs it.
    #[inline(always)]
    pub fn insert(&mut self) {
        self.generation += 1;
        self.insert_entry();
        self.command = 7;
    }

    /// InsertEntry in one pass over the set: invalidates the entries that match TLBPD0
    /// (`pd0_matches`), then writes TLBPD0/TLBPD1 over the one match, or else over the
    /// set's next victim.
    #[inline(always)]
    fn insert_entry(&mut self) {
        let set = self.set_of(self.pd0);
        self.entries_changed(set);
        let base = set * self.ways;
        let (pd0, pd1) = (self.pd0, self.pd1);
        let hit = |e: &TlbEntry| Self::matches_pd0(e, pd0);
        let ways = &mut self.entries[base as usize..(base + self.ways) as usize];
        let (hits, way) = match <&mut [TlbEntry; 4]>::try_from(&mut *ways) {
            Ok(four) => Self::invalidate(four, hit),
            Err(_) => Self::invalidate(ways, hit),
        };
        if pd0 & PD0_V == 0 {
            self.index = INDEX_E;
            return;
        }
        let slot = if hits == 1 {
            base + way
        } else {
            self.next_victim(set)
        };
        self.entries[slot as usize] = TlbEntry { pd0, pd1 };
        self.index = slot;
    }

    /// Clears V of the `ways` that satisfy `hit`: how many did, and the way of the last.
    #[inline(always)]
    fn invalidate(ways: &mut [TlbEntry], hit: impl Fn(&TlbEntry) -> bool) -> (u32, u32) {
        let (mut hits, mut way) = (0, 0);
        for (k, e) in ways.iter_mut().enumerate() {
            if hit(e) {
                e.pd0 &= !PD0_V;
                hits += 1;
                way = k as u32;
            }
        }
        (hits, way)
    }

    pub fn write_pid(&mut self, v: u32) {
        self.pid = v & (PID_ENABLE | PD0_ASID);
        self.generation += 1;
        self.pid_generation += 1;
        self.host.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RW_USER: u32 = PD1_UR | PD1_UW | PD1_KR | PD1_KW;

    fn insert(m: &mut Mmu, va: u32, asid: u32, pa: u32, perm: u32) -> u32 {
        m.pd0 = (va & VPN_MASK) | PD0_V | asid;
        m.pd1 = (pa & PPN_MASK) | perm;
        assert!(m.command(7));
        m.index
    }

    #[test]
    fn build_reg_matches_geometry() {
        assert_eq!(Mmu::new(256, 4).build_reg(), 0x0402_0A0A);
        let b = Mmu::new(128, 2).build_reg();
        assert_eq!(64 << ((b >> 8) & 3), 128);
        assert_eq!(((b >> 10) & 3) * 2, 2);
        assert_eq!(1 << (((b >> 15) & 0xF) - 1), 8); // KiB
    }

    #[test]
    fn off_is_identity_and_unchecked() {
        let mut m = Mmu::new(256, 4);
        assert_eq!(m.translate(0x1234, Access::Write, true), Ok(0x1234));
        assert_eq!(
            m.translate(0x9000_0000, Access::Read, true),
            Ok(0x9000_0000)
        );
    }

    #[test]
    fn miss_loads_pd0_then_insert_hits() {
        let mut m = Mmu::new(256, 4);
        m.write_pid(PID_ENABLE | 5);
        assert_eq!(
            m.translate(0x2000_0010, Access::Read, true),
            Err(MmuFault::TlbMiss(Access::Read))
        );
        assert_eq!(m.pd0, 0x2000_0205);
        assert_eq!(
            m.translate(0x2000_0010, Access::Fetch, true)
                .unwrap_err()
                .ecr_parts(),
            (4, 0, 0)
        );
        let idx = insert(&mut m, 0x2000_0000, 5, 0x8010_0000, RW_USER);
        assert_eq!(idx & INDEX_E, 0);
        assert_eq!(
            m.translate(0x2000_0010, Access::Read, true),
            Ok(0x8010_0010)
        );
        // another ASID misses
        m.write_pid(PID_ENABLE | 6);
        assert!(m.translate(0x2000_0010, Access::Read, true).is_err());
    }

    #[test]
    fn permissions_user_and_kernel() {
        let mut m = Mmu::new(256, 4);
        m.write_pid(PID_ENABLE | 1);
        insert(&mut m, 0x4000, 1, 0x8000_4000, PD1_UR | PD1_KR);
        assert!(m.translate(0x4000, Access::Read, true).is_ok());
        assert_eq!(
            m.translate(0x4000, Access::Write, true),
            Err(MmuFault::ProtV(Access::Write))
        );
        assert_eq!(
            m.translate(0x4000, Access::Write, false),
            Err(MmuFault::ProtV(Access::Write))
        );
        assert_eq!(
            m.translate(0x4000, Access::Fetch, true)
                .unwrap_err()
                .ecr_parts(),
            (6, 0, 8)
        );
        assert_eq!(
            m.translate(0x4000, Access::Exchange, true)
                .unwrap_err()
                .ecr_parts(),
            (6, 3, 8)
        );
        assert_eq!(
            m.translate(0x8000_0000, Access::Read, true)
                .unwrap_err()
                .ecr_parts(),
            (6, 1, 8)
        );
        assert_eq!(
            m.translate(0x8000_0000, Access::Read, false),
            Ok(0x8000_0000)
        );
    }

    #[test]
    fn global_pages_ignore_asid() {
        let mut m = Mmu::new(256, 4);
        m.write_pid(PID_ENABLE | 9);
        m.pd0 = 0x6000 | PD0_V | PD0_G;
        m.pd1 = 0x8000_6000 | PD1_KR;
        m.command(7);
        assert_eq!(m.translate(0x6004, Access::Read, false), Ok(0x8000_6004));
    }

    #[test]
    fn insert_replaces_existing_entry() {
        let mut m = Mmu::new(256, 4);
        m.write_pid(PID_ENABLE | 2);
        let a = insert(&mut m, 0x10000, 2, 0x8000_0000, RW_USER);
        let b = insert(&mut m, 0x10000, 2, 0x8002_0000, RW_USER);
        assert_eq!(a, b);
        assert_eq!(m.translate(0x10000, Access::Read, true), Ok(0x8002_0000));
    }

    #[test]
    fn victims_rotate_through_ways() {
        let mut m = Mmu::new(64, 2);
        m.write_pid(PID_ENABLE);
        let stride = 64 * PAGE_SIZE; // same set
        let i0 = insert(&mut m, 0, 0, 0x8000_0000, RW_USER);
        let i1 = insert(&mut m, stride, 0, 0x8000_2000, RW_USER);
        let i2 = insert(&mut m, 2 * stride, 0, 0x8000_4000, RW_USER);
        assert_ne!(i0, i1);
        assert_eq!(i2, i0);
        assert!(m.translate(0, Access::Read, true).is_err());
    }

    #[test]
    fn delete_and_probe() {
        let mut m = Mmu::new(256, 4);
        m.write_pid(PID_ENABLE | 3);
        let i = insert(&mut m, 0x2000, 3, 0x8000_2000, RW_USER);
        m.pd0 = 0x2000 | PD0_V | 3;
        m.command(4);
        assert_eq!(m.index, i);
        m.command(8);
        assert_eq!(m.index, i);
        m.command(4);
        assert_eq!(m.index, INDEX_E);
        m.command(8);
        assert_eq!(m.index, INDEX_E);
    }

    #[test]
    fn get_index_prefers_match_then_free_way() {
        let mut m = Mmu::new(256, 4);
        m.pd0 = 0x2000 | PD0_V;
        m.command(3);
        let free = m.index;
        assert_eq!(free, (0x2000 >> 13) * 4);
        m.pd1 = 0x8000_0000 | PD1_KR;
        m.command(1); // write at that index
        m.pd0 = 0x2000 | PD0_V;
        m.command(3);
        assert_eq!(m.index, free);
        m.pd0 = 0x2000 + 256 * PAGE_SIZE | PD0_V;
        m.command(3);
        assert_eq!(m.index, free + 1);
    }

    #[test]
    fn write_read_roundtrip_and_duplicate_is_machine_check() {
        let mut m = Mmu::new(256, 4);
        m.write_pid(PID_ENABLE);
        for way in 0..2 {
            m.index = 4 + way;
            m.pd0 = 0x2000 | PD0_V;
            m.pd1 = 0x8000_0000 | PD1_KR;
            m.command(1);
        }
        m.index = 5 | INDEX_E;
        m.pd0 = 0;
        m.command(2);
        assert_eq!(
            (m.pd0, m.pd1, m.index),
            (0x2000 | PD0_V, 0x8000_0000 | PD1_KR, 5)
        );
        assert_eq!(
            m.translate(0x2000, Access::Read, false),
            Err(MmuFault::DuplicateMatch)
        );
        assert_eq!(MmuFault::DuplicateMatch.ecr_parts(), (3, 1, 0));
    }

    /// `inserted_translation` must agree with a full search of the set, whatever the
    /// set held before the InsertEntry (duplicates, global entries, other ASIDs).
    #[test]
    fn inserted_translation_agrees_with_a_search() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = |n: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as u32
        };
        let mut m = Mmu::new(64, 4);
        let stride = 64 * PAGE_SIZE; // same set
        let (mut primed, mut declined) = (0, 0);
        for _ in 0..20_000 {
            let page = |r: u32| 0x4000 + r * stride;
            let entry = |rnd: &mut dyn FnMut(u32) -> u32| {
                let g = if rnd(4) == 0 { PD0_G } else { 0 };
                let v = if rnd(8) == 0 { 0 } else { PD0_V };
                (
                    page(rnd(3)) | g | v | rnd(3),
                    0x8000_0000 + rnd(64) * PAGE_SIZE | rnd(64) << 1,
                )
            };
            if rnd(2) == 0 {
                let (pd0, pd1) = entry(&mut rnd);
                (m.pd0, m.pd1, m.index) = (pd0, pd1, rnd(64 * 4));
                m.command(1);
            }
            m.write_pid(PID_ENABLE | rnd(3));
            let (pd0, pd1) = entry(&mut rnd);
            (m.pd0, m.pd1) = (pd0, pd1);
            m.command(7);
            let va = page(rnd(3)) + 4 * rnd(2048);
            for access in [Access::Fetch, Access::Read, Access::Write, Access::Exchange] {
                for user in [false, true] {
                    let search = m.peek(va, access, user);
                    match m.inserted_translation(va & !(PAGE_SIZE - 1), access, user) {
                        Some(ppage) => {
                            primed += 1;
                            assert_eq!(search, Ok(ppage | va & (PAGE_SIZE - 1)));
                        }
                        None => {
                            declined += 1;
                            let names = pd0 & (VPN_MASK | PD0_V) == va & VPN_MASK | PD0_V
                                && (pd0 & PD0_G != 0 || pd0 & PD0_ASID == m.asid());
                            assert!(!names || search.is_err(), "{search:?} for {va:#x}");
                        }
                    }
                }
            }
        }
        assert!(primed > 10_000 && declined > 10_000, "{primed} {declined}");
    }

    #[test]
    fn unknown_command_rejected() {
        assert!(!Mmu::new(256, 4).command(9));
        assert!(!Mmu::new(256, 4).command(0));
    }
}
