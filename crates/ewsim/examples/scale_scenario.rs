//! Writes a generated scenario of `N` services and `E` traffic edges (fixed seed) to stdout: the
//! input of the scale benchmark (`benches/scale.sh`); see `benches/scale_gen.rs` for its shape.
//!
//! Run: `cargo run --release -p ewsim --example scale_scenario -- SERVICES EDGES [SEED]`

#[path = "../../../benches/scale_gen.rs"]
mod scale_gen;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| -> u64 {
        args.get(i)
            .map(|a| {
                a.replace('_', "").parse().unwrap_or_else(|_| {
                    eprintln!("usage: scale_scenario SERVICES EDGES [SEED]");
                    std::process::exit(2)
                })
            })
            .unwrap_or(default)
    };
    let services = arg(0, 100).max(2);
    let edges = arg(1, 100);
    let seed = arg(2, 1);
    print!("{}", scale_gen::scenario(services, edges, seed));
}
