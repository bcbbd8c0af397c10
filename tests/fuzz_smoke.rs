//! Seeded mutation fuzzing of the whole pipeline: parse -> validate -> evaluate -> latency (few
//! samples) -> draws, through the library as `ewsim validate` and `ewsim run` use it. Seeds are
//! the shipped scenarios (`scenarios/*.yaml`) and the regression corpus (`tests/fuzz-corpus/`:
//! minimised inputs that once hung, aborted or panicked). Every mutant must come back as a value
//! or an input error: a panic (or a case slower than [`SLOW`]) fails the run, after the input is
//! minimised and written to the test's scratch folder to be added to the corpus.
//!
//! `cargo test` runs a fixed smoke budget; `scripts/fuzz.sh SEED SECONDS` runs the ignored long
//! test for as long as asked (`EWSIM_FUZZ_SEED`, `EWSIM_FUZZ_SECONDS`). The randomness is one
//! seeded generator, so a seed and an iteration number reproduce a case exactly.

use ewsim::loader;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A case slower than this counts as a hang.
const SLOW: Duration = Duration::from_secs(20);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The seed texts: shipped scenarios and the regression corpus.
fn seeds() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["scenarios", "tests/fuzz-corpus"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
            .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for f in files {
            if f.extension().is_some_and(|e| e == "yaml")
                && let Ok(t) = std::fs::read_to_string(&f)
            {
                out.push((f.display().to_string(), t));
            }
        }
    }
    out
}

/// Values that have broken parsers and models before.
const INTERESTING: &[&str] = &[
    "0",
    "-1",
    "1e400",
    "1e-400",
    "4294967296",
    "18446744073709551616",
    "18446744073709551615",
    "1000000000",
    "150001",
    "20001",
    "10000001",
    ".nan",
    ".inf",
    "1e13",
    "\"\"",
    "1.5",
    "~",
    "4096",
    "4097",
    "[]",
    "{}",
    "1e400 TB",
    "0 B",
    "1 to 1000000000",
    "-0",
    "0x10",
    "1_000",
    "*a",
    "&a 1",
];

/// Fragments inserted at random places.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    "- ",
    "\t",
    "\"",
    "'",
    "#",
    "&a ",
    "*a",
    "<<: ",
    "!!str ",
    "\n",
    ",",
    "\u{1b}[31m",
    "=cmd",
    "%",
    "---\n",
    "...\n",
];

fn pick<'a, T>(rng: &mut impl Rng, v: &'a [T]) -> &'a T {
    &v[(rng.next_u64() % v.len() as u64) as usize]
}

fn below(rng: &mut impl Rng, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (rng.next_u64() % n as u64) as usize
    }
}

/// One to three mutations of `text`, with `other` as a source of spliced lines.
fn mutate(rng: &mut impl Rng, text: &str, other: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let donor: Vec<&str> = other.lines().collect();
    for _ in 0..=below(rng, 3) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = below(rng, lines.len());
        match below(rng, 8) {
            0 => {
                // Replace a number with an interesting value.
                let l = &lines[i];
                let starts: Vec<usize> = l
                    .char_indices()
                    .filter(|(k, c)| {
                        c.is_ascii_digit()
                            && (*k == 0 || !l.as_bytes()[k - 1].is_ascii_alphanumeric())
                    })
                    .map(|(k, _)| k)
                    .collect();
                if let Some(&k) = starts.get(below(rng, starts.len().max(1))) {
                    let end = l[k..]
                        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                        .map_or(l.len(), |e| k + e);
                    lines[i] = format!("{}{}{}", &l[..k], pick(rng, INTERESTING), &l[end..]);
                }
            }
            1 => {
                lines.remove(i);
            }
            2 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            3 => {
                let j = below(rng, lines.len());
                lines.swap(i, j);
            }
            4 => {
                let l = &lines[i];
                let cut: Vec<usize> = l.char_indices().map(|(k, _)| k).chain([l.len()]).collect();
                let k = *pick(rng, &cut);
                lines[i] = format!("{}{}{}", &l[..k], pick(rng, FRAGMENTS), &l[k..]);
            }
            5 => {
                // Swap a word for another word of the file.
                let words: Vec<String> = lines
                    .iter()
                    .flat_map(|l| l.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')))
                    .filter(|w| w.len() > 1)
                    .map(str::to_string)
                    .collect();
                if !words.is_empty() {
                    let from = pick(rng, &words).clone();
                    let to = pick(rng, &words).clone();
                    lines[i] = lines[i].replacen(&from, &to, 1);
                }
            }
            6 => {
                if !donor.is_empty() {
                    lines.insert(i, pick(rng, &donor).to_string());
                }
            }
            _ => {
                let l = &lines[i];
                let cut: Vec<usize> = l.char_indices().map(|(k, _)| k).collect();
                if !cut.is_empty() {
                    let k = *pick(rng, &cut);
                    lines[i] = l[..k].to_string();
                }
            }
        }
    }
    let mut t = lines.join("\n");
    t.push('\n');
    t
}

/// The pipeline on one text: what `validate` checks, then, when it accepts, what `run` does
/// with few samples and draws. Returns whether `validate` accepted it.
fn pipeline(text: &str) -> bool {
    let file = "fuzz.yaml";
    let Ok(partial) = loader::parse_scenario_partial(text, file) else {
        return false;
    };
    let table = loader::load_price_table(&partial.loaded.scenario.region, None, &[]);
    let table_ref = match &table {
        Ok(t) => Ok(t),
        Err(ewsim::Error::Input(e)) => Err(e),
        Err(_) => return false,
    };
    let problems = ewsim::validate::check(&partial, table_ref);
    let accepted = problems.is_empty();
    let (Ok(loaded), Ok(table)) = (loader::parse_scenario(text, file), table) else {
        assert!(!accepted, "validate accepted a scenario that does not load");
        return false;
    };
    let opts = ewsim::run::RunOptions::of(&loaded.scenario)
        .samples(200)
        .draws(Some(3));
    let r = ewsim::run::run(&loaded, &table, &opts);
    if accepted && let Err(ewsim::Error::Input(e)) = &r {
        // validate and run agree on the scenario (run may still refuse its own settings).
        let own = e
            .diagnostics
            .iter()
            .all(|d| d.path().is_empty() || d.message.contains("(in draw "));
        assert!(own, "validate accepted what run rejects: {e}");
    }
    accepted
}

/// Runs `text` through the pipeline; `Err` carries the panic message or the slowness.
fn survives(text: &str) -> Result<bool, String> {
    let started = Instant::now();
    let r = std::panic::catch_unwind(|| pipeline(text));
    let took = started.elapsed();
    match r {
        Ok(_) if took > SLOW => Err(format!("took {:.1} s", took.as_secs_f64())),
        Ok(a) => Ok(a),
        Err(p) => Err(p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into())),
    }
}

/// Drops lines while the failure remains: a small input to keep in the corpus.
fn minimise(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let mut shorter = lines.clone();
        shorter.remove(i);
        if survives(&(shorter.join("\n") + "\n")).is_err() {
            lines = shorter;
        } else {
            i += 1;
        }
    }
    lines.join("\n") + "\n"
}

/// Fuzzes for `iterations` mutants or `budget`, whichever ends first; returns (mutants run,
/// mutants validate accepted). Fails on the first panic or hang, with the minimised input.
fn fuzz(seed: u64, iterations: u64, budget: Duration) -> (u64, u64) {
    let seeds = seeds();
    assert!(!seeds.is_empty(), "no seed scenarios found");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let started = Instant::now();
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let (mut n, mut accepted) = (0u64, 0u64);
    // A line every five minutes, so a long run stopped early still tells how far it got.
    let mut report_at = Duration::from_secs(300);
    while n < iterations && started.elapsed() < budget {
        if started.elapsed() >= report_at {
            println!(
                "fuzz: seed {seed}: {n} mutants ({accepted} accepted by validate) after {} s",
                report_at.as_secs()
            );
            report_at += Duration::from_secs(300);
        }
        let (name, text) = pick(&mut rng, &seeds);
        let (_, other) = pick(&mut rng, &seeds);
        let mutant = mutate(&mut rng, text, other);
        match survives(&mutant) {
            Ok(a) => accepted += u64::from(a),
            Err(why) => {
                let small = minimise(&mutant);
                let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
                let path = dir.join(format!("fuzz-failure-{seed}-{n}.yaml"));
                let _ = std::fs::write(&path, &small);
                std::panic::set_hook(quiet);
                panic!(
                    "seed {seed}, mutant {n} of {name}: {why}\nminimised input written to {}:\n{small}",
                    path.display()
                );
            }
        }
        n += 1;
    }
    std::panic::set_hook(quiet);
    (n, accepted)
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn regression_corpus_comes_back_as_values_or_input_errors() {
    let dir = repo().join("tests/fuzz-corpus");
    let mut n = 0;
    for (name, text) in seeds() {
        if !Path::new(&name).starts_with(&dir) && !name.contains("fuzz-corpus") {
            continue;
        }
        n += 1;
        if let Err(why) = survives(&text) {
            panic!("{name}: {why}");
        }
    }
    assert!(n >= 5, "the corpus holds {n} files");
}

#[test]
fn fuzz_smoke_finds_no_panic_or_hang() {
    // A fixed number of mutants so every run tests the same inputs (a time cap keeps a slow
    // machine within the CI budget).
    let (n, accepted) = fuzz(env_u64("EWSIM_FUZZ_SEED", 1), 400, Duration::from_secs(90));
    assert!(n >= 50, "only {n} mutants in the time budget");
    // Some mutants must get past validation into evaluation and latency, or the fuzzing only
    // exercises the parser.
    assert!(accepted > 0, "no mutant of {n} passed validation");
}

/// The long run: `scripts/fuzz.sh SEED SECONDS`.
#[test]
#[ignore = "long fuzzing run: scripts/fuzz.sh SEED SECONDS"]
fn fuzz_long() {
    let seed = env_u64("EWSIM_FUZZ_SEED", 1);
    let secs = env_u64("EWSIM_FUZZ_SECONDS", 600);
    let started = Instant::now();
    let (n, accepted) = fuzz(seed, u64::MAX, Duration::from_secs(secs));
    println!(
        "fuzz: seed {seed}: {n} mutants ({accepted} accepted by validate) in {:.0} s, no panic or hang",
        started.elapsed().as_secs_f64()
    );
}
