//! Turns the selected board's description into Rust constants (`$OUT_DIR/board.rs`).
//! The board comes from ARC_BOARD (set by xtask); host unit tests default to `sim`.
fn main() {
    let name = std::env::var("ARC_BOARD").unwrap_or_else(|_| "sim".to_string());
    println!("cargo:rerun-if-env-changed=ARC_BOARD");
    let board = match boards::Board::load(&name) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "cargo:rerun-if-changed={}",
        board.dir().join("board.toml").display()
    );
    // `arc_isa` picks the few ISA-specific lines of src/arch/arc.rs.
    println!("cargo::rustc-check-cfg=cfg(arc_isa, values(\"arcv2\", \"arcompact\"))");
    println!("cargo:rustc-cfg=arc_isa=\"{}\"", board.cpu.isa.cfg_name());
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("board.rs");
    std::fs::write(out, board.to_rust()).expect("write board.rs");
}
