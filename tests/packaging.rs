//! The data the library embeds is a copy of the top-level folders where it is edited
//! (`scripts/sync-data.sh` makes it): every file in `pricing/`, `latency/` and `capabilities/`
//! has an identical twin under `crates/ewsim/`, and nothing else is there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                let rel = p
                    .strip_prefix(base)
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                out.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn embedded_data_is_an_exact_copy_of_the_top_level_folders() {
    for d in ["pricing", "latency", "capabilities"] {
        let top = files(&root().join(d));
        let krate = files(&root().join("crates/ewsim").join(d));
        assert!(!top.is_empty(), "{d}/ has data files");
        assert_eq!(
            top.keys().collect::<Vec<_>>(),
            krate.keys().collect::<Vec<_>>(),
            "{d}: the same files (run scripts/sync-data.sh)"
        );
        for (name, bytes) in &top {
            assert!(
                krate.get(name) == Some(bytes),
                "{d}/{} differs from crates/ewsim/{d}/{} (run scripts/sync-data.sh)",
                name.display(),
                name.display()
            );
        }
    }
}

/// The fenced blocks of `lang` in a Markdown text.
fn fenced(text: &str, lang: &str) -> Vec<String> {
    let open = format!("```{lang}");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim_end() == open => current = Some(String::new()),
            Some(_) if line.trim_end() == "```" => blocks.extend(current.take()),
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// The top-level README's Rust examples are not compiled by anything, so each must be a verbatim
/// copy of one in the crate guide, whose blocks run as doctests.
#[test]
fn readme_rust_examples_are_doctested_in_the_crate_guide() {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap_or_default();
    let guide = fenced(&read("crates/ewsim/README.md"), "rust");
    let readme = fenced(&read("README.md"), "rust");
    assert!(
        guide.len() >= 4,
        "the crate guide has {} Rust blocks",
        guide.len()
    );
    assert!(!readme.is_empty(), "README.md shows the library in Rust");
    for block in &readme {
        assert!(
            guide.contains(block),
            "README.md's Rust block is not in crates/ewsim/README.md (where it would be \
             doctested):\n{block}"
        );
    }
}
