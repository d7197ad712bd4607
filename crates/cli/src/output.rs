//! Output files appear whole or not at all: written to a temporary file beside the target and
//! renamed into place only when the command succeeded.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Runs `write` on a temporary file next to `path`; keeps it as `path` when `write` returns `Ok`.
/// On error the temporary file is removed and `path` is left untouched.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".homeward-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let value = write(temp.as_file_mut())?;
    temp.as_file_mut().flush()?;
    temp.persist(path).map_err(|e| e.error).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(value)
}
