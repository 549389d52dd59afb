//! Checked access to user memory. The arch accessors do the access itself (and survive
//! faults through the exception table); this module adds the range check that keeps a user
//! pointer from naming kernel memory, which the MMU would not stop: the kernel's direct map
//! at 0x8000_0000 and up is untranslated and open to kernel-mode accesses.

use crate::arch::{self, Efault};
use crate::mm::TASK_SIZE;

/// `[addr, addr + len)` lies entirely in user space (Linux ARC's `__access_ok`).
pub fn access_ok(addr: u32, len: u32) -> bool {
    len <= TASK_SIZE && addr <= TASK_SIZE - len
}

pub fn put_user(ua: u32, v: u32) -> Result<(), Efault> {
    if !access_ok(ua, 4) {
        return Err(Efault);
    }
    arch::put_user_u32(ua, v)
}

pub fn copy_from_user(dst: &mut [u8], ua: u32) -> Result<(), Efault> {
    if !access_ok(ua, dst.len() as u32) {
        return Err(Efault);
    }
    arch::copy_from_user(dst, ua)
}

pub fn copy_to_user(ua: u32, src: &[u8]) -> Result<(), Efault> {
    if !access_ok(ua, src.len() as u32) {
        return Err(Efault);
    }
    arch::copy_to_user(ua, src)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_ok_rejects_kernel_and_wrapping_ranges() {
        assert!(access_ok(0x1_0000, 4));
        assert!(access_ok(0x5FFF_FFFC, 4));
        assert!(!access_ok(0x5FFF_FFFD, 4), "reaches TASK_SIZE");
        assert!(!access_ok(0x6000_0000, 0) || TASK_SIZE == 0x6000_0000);
        assert!(!access_ok(0x8000_0000, 4), "kernel direct map");
        assert!(!access_ok(0xFFFF_FFFE, 4), "wraps");
        assert!(!access_ok(0x10, 0xFFFF_FFF8), "huge length wraps");
        assert!(access_ok(0, 0));
    }
}
