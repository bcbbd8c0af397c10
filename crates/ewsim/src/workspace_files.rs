//! Test-only access to files beside the crate in the workspace (shipped scenarios, the
//! committed schema, import fixtures). The published crate carries none of them, so a test
//! that needs one skips visibly there instead of failing.

use std::path::PathBuf;

/// The workspace file at `rel` (relative to the repository root), or `None` with a
/// "skipped" line on stderr when the crate is built outside its workspace.
pub(crate) fn beside_crate(rel: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {rel} is not beside the crate (a packaged crate has no workspace files)"
        );
        None
    }
}
