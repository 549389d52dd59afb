//! Interior mutability for kernel state on a uniprocessor.
//!
//! Rust atomics are not interrupt-safe once lowered through wasm (they become plain loads
//! and stores), so exclusion comes from the two things that really stop other code from
//! running on one CPU:
//!
//! - `IrqCell`: interrupts off for the duration of the borrow. For state the interrupt path
//!   touches (scheduler, preempt count, ASIDs).
//! - `PreemptCell`: preemption off for the duration of the borrow. For state only task code
//!   touches (frames, address spaces, the task table). An interrupt may still arrive, but it
//!   cannot switch tasks, so no other task can observe the state half-updated.
//!
//! Both borrow through a closure so a borrow can never be held across a context switch, and
//! both refuse re-entry (a fault taken while a borrow is live would otherwise alias it).
//!
//! - `IrqWord`: a single word read and written without masking, for the few values on the
//!   hot trap path whose every writer either runs with interrupts off or leaves the value
//!   as it found it before any other code can run (the preempt count). On the syscall path
//!   each `IrqCell` borrow costs two imported calls; these cost one load or store.

use crate::arch;
use core::cell::{Cell, UnsafeCell};

pub struct IrqCell<T> {
    busy: Cell<bool>,
    value: UnsafeCell<T>,
}

// Safety: uniprocessor; every access runs with interrupts disabled and re-entry is refused.
unsafe impl<T> Sync for IrqCell<T> {}

impl<T> IrqCell<T> {
    pub const fn new(value: T) -> Self {
        IrqCell {
            busy: Cell::new(false),
            value: UnsafeCell::new(value),
        }
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let flags = arch::irq_disable();
        let _borrow = Borrow::new(&self.busy);
        // Safety: interrupts are off and `busy` proves nobody else holds a reference.
        let r = f(unsafe { &mut *self.value.get() });
        drop(_borrow);
        arch::irq_restore(flags);
        r
    }
}

pub struct PreemptCell<T> {
    busy: Cell<bool>,
    value: UnsafeCell<T>,
}

// Safety: uniprocessor; no task switch can happen during a borrow and interrupt handlers
// never touch a PreemptCell.
unsafe impl<T> Sync for PreemptCell<T> {}

impl<T> PreemptCell<T> {
    pub const fn new(value: T) -> Self {
        PreemptCell {
            busy: Cell::new(false),
            value: UnsafeCell::new(value),
        }
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        crate::sched::preempt_disable();
        let borrow = Borrow::new(&self.busy);
        // Safety: preemption is off and `busy` proves nobody else holds a reference.
        let r = f(unsafe { &mut *self.value.get() });
        drop(borrow);
        crate::sched::preempt_enable();
        r
    }
}

/// Marks a cell borrowed; clears the mark on drop, also when a host test unwinds.
struct Borrow<'a>(&'a Cell<bool>);

impl<'a> Borrow<'a> {
    fn new(busy: &'a Cell<bool>) -> Self {
        assert!(!busy.get(), "kernel state re-entered while borrowed");
        busy.set(true);
        Borrow(busy)
    }
}

impl Drop for Borrow<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

pub struct IrqWord<T: Copy> {
    value: UnsafeCell<T>,
}

// Safety: uniprocessor; see the module documentation for the rule each user must follow.
unsafe impl<T: Copy> Sync for IrqWord<T> {}

impl<T: Copy> IrqWord<T> {
    pub const fn new(value: T) -> Self {
        IrqWord {
            value: UnsafeCell::new(value),
        }
    }

    pub fn get(&self) -> T {
        // Safety: a word-sized copy; writers follow the module rule.
        unsafe { *self.value.get() }
    }

    pub fn set(&self, v: T) {
        // Safety: as for `get`.
        unsafe { *self.value.get() = v }
    }
}
