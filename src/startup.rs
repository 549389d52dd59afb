//! Boot on ARC: `kernel_main` is the first Rust to run (from `arc/vectors.S` through the
//! C glue), with the MMU off and interrupts disabled.

use crate::arch;
use crate::board;
use crate::mmu_build::MmuBuild;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[no_mangle]
pub extern "C" fn kernel_main() {
    crate::console::init();
    let mmu = MmuBuild::decode(arch::mmu_build());
    crate::kprintln!(
        "arc-kernel {} board={} identity={:#010x} mmu=v{} page={}KiB tlb={}x{}",
        VERSION,
        board::NAME,
        arch::identity(),
        mmu.version,
        mmu.page_kib,
        mmu.sets,
        mmu.ways
    );
    if mmu.version < arch::MMU_VERSION || mmu.page_kib != 8 {
        crate::kprintln!(
            concat!(
                "kernel: this kernel needs ",
                crate::arch_mmu_name!(),
                " with 8 KiB pages; MMU_BUILD={:#010x}"
            ),
            arch::mmu_build()
        );
        arch::exit_run(6);
    }
    crate::run::run();
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let _ = arch::irq_disable();
    crate::kprintln!("kernel panic: {}", info);
    arch::exit_run(2);
}
