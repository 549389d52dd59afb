#!/bin/sh
# Builds the benchmarks with the ARC cross toolchain and runs them on the release arcsim.
# Usage: sim/bench/run.sh   (from the repository root; CARGO_TARGET_DIR is honoured)
set -e
here=$(cd "$(dirname "$0")" && pwd)
target=${CARGO_TARGET_DIR:-$here/../../target}
out=$target/arcsim-bench
mkdir -p "$out"
cargo build --release -q -p arcsim
# Freestanding: never the host's /usr/include (toolchain/src/lib.rs says why).
arc-linux-gnu-gcc -nostdinc -isystem "$(arc-linux-gnu-gcc -print-file-name=include)" \
    -mcpu=hs38 -mno-unaligned-access -O2 -nostdlib -static \
    -Wl,--no-warn-rwx-segments -T "$here/link.ld" "$here/crt.S" "$here/exit.S" "$here/compute.c" -o "$out/compute"
arc-linux-gnu-as -mcpu=hs38 "$here/tlb_heavy.S" -o "$out/tlb_heavy.o"
arc-linux-gnu-as -mcpu=hs38 "$here/exit.S" -o "$out/exit.o"
arc-linux-gnu-ld --no-warn-rwx-segments -T "$here/link.ld" "$out/tlb_heavy.o" "$out/exit.o" -o "$out/tlb_heavy"
for b in compute tlb_heavy; do
    echo "== $b"
    "$target/release/arcsim" run --stats "$out/$b" || true
done
