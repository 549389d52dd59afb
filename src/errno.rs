//! Linux error numbers (asm-generic), returned to user space as `-errno`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Errno(pub u32);

pub const EPERM: Errno = Errno(1);
pub const ESRCH: Errno = Errno(3);
pub const EINTR: Errno = Errno(4);
pub const EBADF: Errno = Errno(9);
pub const ENOMEM: Errno = Errno(12);
pub const EFAULT: Errno = Errno(14);
pub const EEXIST: Errno = Errno(17);
pub const EINVAL: Errno = Errno(22);
pub const ENOSYS: Errno = Errno(38);

impl Errno {
    /// The value user space sees in r0.
    pub fn to_user(self) -> u32 {
        self.0.wrapping_neg()
    }
}

impl From<crate::arch::Efault> for Errno {
    fn from(_: crate::arch::Efault) -> Self {
        EFAULT
    }
}
