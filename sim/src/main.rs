fn main() {
    eprintln!("arcsim: not built yet");
    std::process::exit(2);
}
