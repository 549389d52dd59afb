//! Decoding MMU_BUILD (aux 0x6F), for the banner and for sizing TLB flushes.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MmuBuild {
    pub version: u32,
    pub page_kib: u32,
    pub sets: u32,
    pub ways: u32,
}

impl MmuBuild {
    /// MMUv4 layout: version [31:24], sz0 [18:15] (page = 2^(sz0-1) KiB),
    /// n_ways [11:10] (ways = 2 * n_ways), n_entry [9:8] (sets = 64 << n_entry).
    /// A port written for MMUv3 (ARC700) reads the MMUv3 layout instead; the test is on
    /// a constant, so each image keeps only its own decoder.
    pub fn decode(bcr: u32) -> MmuBuild {
        if crate::arch::MMU_VERSION == 3 {
            return Self::decode_v3(bcr);
        }
        let sz0 = (bcr >> 15) & 0xF;
        MmuBuild {
            version: bcr >> 24,
            page_kib: if sz0 == 0 { 0 } else { 1 << (sz0 - 1) },
            sets: 64 << ((bcr >> 8) & 3),
            ways: 2 * ((bcr >> 10) & 3),
        }
    }

    /// MMUv3 (Linux `struct bcr_mmu_3`): version [31:24], ways = 2^[23:20],
    /// sets = 2^[19:16], pg_sz [11:8] (page = 2^(pg_sz-1) KiB).
    pub fn decode_v3(bcr: u32) -> MmuBuild {
        let pg_sz = (bcr >> 8) & 0xF;
        MmuBuild {
            version: bcr >> 24,
            page_kib: if pg_sz == 0 { 0 } else { 1 << (pg_sz - 1) },
            sets: 1 << ((bcr >> 16) & 0xF),
            ways: 1 << ((bcr >> 20) & 0xF),
        }
    }

    pub fn entries(&self) -> u32 {
        self.sets * self.ways
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_archs_value_is_256_sets_of_4_ways_with_8k_pages() {
        let m = MmuBuild::decode(0x04E2_1A4A);
        assert_eq!(
            m,
            MmuBuild {
                version: 4,
                page_kib: 8,
                sets: 256,
                ways: 4
            }
        );
        assert_eq!(m.entries(), 1024);
    }

    #[test]
    fn mmu_v3_layout() {
        // 8 KiB pages (pg_sz 4), 128 sets (2^7) of 2 ways (2^1): a 256-entry ARC700 JTLB.
        let bcr = 0x0300_0000 | (1 << 20) | (7 << 16) | (4 << 8);
        let m = MmuBuild::decode_v3(bcr);
        assert_eq!((m.version, m.page_kib, m.sets, m.ways), (3, 8, 128, 2));
        assert_eq!(m.entries(), 256);
        // The host stands in for the ARCv2 port, which reads every value as MMUv4.
        assert_ne!(MmuBuild::decode(bcr), m);
    }

    #[test]
    fn fields_move_independently() {
        let m = MmuBuild::decode(0x0400_0000 | (5 << 15) | (1 << 10) | (3 << 8));
        assert_eq!((m.version, m.page_kib, m.sets, m.ways), (4, 16, 512, 2));
        assert_eq!(MmuBuild::decode(0).page_kib, 0, "no MMU: no page size");
    }
}
