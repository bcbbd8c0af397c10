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
