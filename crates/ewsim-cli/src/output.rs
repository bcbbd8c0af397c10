//! Where output goes and how it gets there: `--out FILE` / `-o FILE` / `--out -`, the format
//! inferred from the file's extension, and writing that never clobbers what it should not.
//!
//! - standard output (no `--out`, or `--out -`): written as it comes; a reader that closed the
//!   pipe (`| head`) ends the command quietly with exit 0, as ripgrep does;
//! - a new file, or an existing regular file: the whole output goes to a temporary file in the
//!   same folder, which is then renamed over the target, so the target is never left half
//!   written; an existing file keeps its permission bits (and, where allowed, its owner);
//! - a regular file with several hard links: the output is completed in a temporary file first,
//!   then copied into the file itself, so every link sees it (not atomic, said in docs/cli.md);
//! - a symbolic link: the file it points to is written as above (the link stays a link);
//! - `/dev/stdout` (and `/dev/fd/1`, `/proc/self/fd/1`): standard output itself;
//! - a FIFO, a character device, a socket, or anything else under `/dev/` or `/proc/`: written
//!   through, never replaced;
//! - a read-only file (no write permission bit) or a folder: refused (exit 1), left as it is.
//!
//! On any failure the target keeps what it had and no temporary file is left behind.

use crate::{Failure, Format};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Names of this process's standard output: written to the handle itself (so `>>` appends and a
/// `/dev/stdout` that is not the usual link is never touched).
const STDOUT_NAMES: [&str; 4] = ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];

/// The format and destination flags every command that renders a document takes.
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Output format (default: from the `--out` extension, .csv .json .md .html, else table).
    #[arg(short = 'f', long, value_enum)]
    pub format: Option<Format>,
    /// Write to FILE instead of standard output (`-` for standard output); an existing file is
    /// replaced whole or not at all and keeps its permissions (see docs/cli.md).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl OutputArgs {
    /// The format asked for: `--format`, else the one the `--out` extension names, else the text
    /// table. A `--format` that contradicts the extension is an input error (exit 2).
    pub fn format(&self) -> Result<Format, Failure> {
        let inferred = self.out.as_deref().and_then(format_of_path);
        match (self.format, inferred) {
            (Some(f), Some(e)) if f != e => Err(Failure::Input(format!(
                "error: --format {} does not match --out {} (a .{} file is {}); drop --format \
                 or change the file name",
                f.name(),
                self.out
                    .as_deref()
                    .map(Path::display)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                extension(self.out.as_deref()).unwrap_or_default(),
                e.name()
            ))),
            (Some(f), _) => Ok(f),
            (None, Some(e)) => Ok(e),
            (None, None) => Ok(Format::Table),
        }
    }

    /// Writes `text` to the destination (see [`write_output`]).
    pub fn write(&self, text: &str) -> Result<(), Failure> {
        write_output(self.out.as_deref(), text)
    }
}

/// The lower-case extension of `path`, if any.
fn extension(path: Option<&Path>) -> Option<String> {
    path?
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// The format a file name's extension names: `.csv`, `.json`, `.md` / `.markdown`, `.html` /
/// `.htm`; none for other names (and for `-`).
pub fn format_of_path(path: &Path) -> Option<Format> {
    match extension(Some(path))?.as_str() {
        "csv" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "md" | "markdown" => Some(Format::Markdown),
        "html" | "htm" => Some(Format::Html),
        _ => None,
    }
}

/// Writes the whole of `text` to `out` (standard output when `None` or `-`), as the module
/// documentation describes.
pub fn write_output(out: Option<&Path>, text: &str) -> Result<(), Failure> {
    write_with(out, |w| w.write_all(text.as_bytes()))
}

/// Writes what `body` produces to `out` (standard output when `None` or `-`): the streaming form
/// of [`write_output`], for documents too large to build in memory first.
pub fn write_with(
    out: Option<&Path>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let path = match out {
        Some(p) if !STDOUT_NAMES.iter().any(|n| p == Path::new(n)) => p,
        _ => {
            let stdout = io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            return body(&mut w)
                .and_then(|_| w.flush())
                .map_err(|e| stream_error(e, "standard output"));
        }
    };
    let fail =
        |e: io::Error| Failure::Runtime(format!("error: cannot write {}: {e}", path.display()));
    if path.starts_with("/dev") || path.starts_with("/proc") {
        return write_through(path, body);
    }
    let target = resolve_links(path).map_err(fail)?;
    match fs::metadata(&target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(&target, None, body).map_err(fail),
        Err(e) => Err(fail(e)),
        Ok(m) if m.is_dir() => Err(fail(io::Error::other("it is a folder"))),
        Ok(m) if !m.is_file() => {
            let t = m.file_type();
            debug_assert!(
                t.is_fifo() || t.is_char_device() || t.is_socket() || t.is_block_device()
            );
            write_through(&target, body)
        }
        Ok(m) => {
            if m.permissions().mode() & 0o222 == 0 {
                return Err(fail(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "the file is read-only (left as it is)",
                )));
            }
            // Also refused when this user may not write it (root passes this check).
            OpenOptions::new().write(true).open(&target).map_err(fail)?;
            replace(&target, Some(&m), body).map_err(fail)
        }
    }
}

/// The error of a failed write to a stream: a closed pipe is [`Failure::Closed`] (exit 0,
/// nothing printed), anything else a runtime failure.
fn stream_error(e: io::Error, what: &str) -> Failure {
    // The streamed JSON report wraps the write error in serde_json's, which keeps its kind.
    let json_kind = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<serde_json::Error>())
        .and_then(serde_json::Error::io_error_kind);
    if e.kind() == io::ErrorKind::BrokenPipe || json_kind == Some(io::ErrorKind::BrokenPipe) {
        Failure::Closed
    } else {
        Failure::Runtime(format!("error: cannot write to {what}: {e}"))
    }
}

/// Writes into an existing non-regular file (FIFO, terminal, `/dev/stdout`) without creating,
/// truncating or replacing it.
fn write_through(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Failure::Runtime(format!("error: cannot write {}: {e}", path.display())))?;
    let mut w = BufWriter::new(file);
    body(&mut w)
        .and_then(|_| w.flush())
        .map_err(|e| stream_error(e, &path.display().to_string()))
}

/// The file a path finally names after following symbolic links (at most 40, as the kernel
/// allows); the path itself when it is not a link. A dangling link resolves to its missing
/// target, which is then created.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let t = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if t.is_relative() => dir.join(t),
                    _ => t,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Writes the output into a temporary file beside `target`, then renames it over `target` (or,
/// for a file with several hard links, copies it into `target`). `old` is the existing target's
/// metadata: its mode and owner are given to the new file.
fn replace(
    target: &Path,
    old: Option<&fs::Metadata>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.ewsim-tmp-{}", std::process::id()));
    let file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    let result = fill(file, &tmp, target, old, body);
    if result.is_err() || old.is_some_and(|m| m.nlink() > 1) {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The body of [`replace`] once the temporary file exists (the caller removes it on failure).
fn fill(
    file: File,
    tmp: &Path,
    target: &Path,
    old: Option<&fs::Metadata>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut w = BufWriter::new(file);
    body(&mut w)?;
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    match old {
        Some(m) if m.nlink() > 1 => {
            // Every hard link must see the new text: copy it into the file itself (truncated
            // only once the whole text is ready), keeping its mode and owner.
            let mut from = File::open(tmp)?;
            let mut to = OpenOptions::new().write(true).truncate(true).open(target)?;
            io::copy(&mut from, &mut to)?;
            to.sync_all()
        }
        Some(m) => {
            // Keeping the owner needs privileges; without them the file is the writer's. The
            // owner first: changing it clears set-id bits, which the mode then restores.
            let _ = std::os::unix::fs::fchown(&file, Some(m.uid()), Some(m.gid()));
            file.set_permissions(fs::Permissions::from_mode(m.mode() & 0o7777))?;
            fs::rename(tmp, target)
        }
        None => fs::rename(tmp, target),
    }
}
