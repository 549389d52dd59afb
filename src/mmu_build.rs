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
    pub fn decode(bcr: u32) -> MmuBuild {
        let sz0 = (bcr >> 15) & 0xF;
        MmuBuild {
            version: bcr >> 24,
            page_kib: if sz0 == 0 { 0 } else { 1 << (sz0 - 1) },
            sets: 64 << ((bcr >> 8) & 3),
            ways: 2 * ((bcr >> 10) & 3),
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
    fn fields_move_independently() {
        let m = MmuBuild::decode(0x0400_0000 | (5 << 15) | (1 << 10) | (3 << 8));
        assert_eq!((m.version, m.page_kib, m.sets, m.ways), (4, 16, 512, 2));
        assert_eq!(MmuBuild::decode(0).page_kib, 0, "no MMU: no page size");
    }
}
