//! Issue 13: hostile system calls at CI scale (`cargo xtask fuzz --ci`): 16 seeds, 4
//! threads each, 1,024,000 calls aimed at kernel memory, the canary, the vector table and
//! the page tables; every program's verdict, the kernel's LEAK check (frames, address
//! spaces, slots, preempt count) and the canary must come back clean. A failure names the
//! seed that reproduces it (`cargo xtask fuzz --seconds N` is the soak mode).

#[test]
fn a_million_hostile_syscalls_leave_the_kernel_intact() {
    let opts = xtask::fuzz::FuzzOptions::ci();
    let s = xtask::fuzz::fuzz(&opts).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "fuzz: seeds={} calls={} threads={} instructions={} failures={}",
        s.seeds.len(),
        s.calls,
        opts.threads,
        s.insns,
        s.failures.len()
    );
    assert!(s.failures.is_empty(), "{}", s.failures.join("\n"));
    assert!(s.calls >= 1_000_000, "only {} calls", s.calls);
    assert!(s.seeds.len() >= 8, "only {} seeds", s.seeds.len());
    assert!(opts.threads >= 4);
}
