//! Embeddings cached on disk beside the corpus: `<corpus>/.citebot/embeddings-<model>.bin`
//! (the loader skips hidden folders, so the cache is never read as a document), or, for a
//! corpus that cannot be written, in a cache folder of the operator's choosing
//! (`SEMANTIC_CACHE_DIR`): `<cache>/embeddings-<model>-<corpus>.bin`, the corpus named by a
//! digest of its full path.
//!
//! One file per model (its name carries the model's digest), holding a vector per passage
//! keyed by a digest of the passage's text: a restart or a reload embeds only passages whose
//! text is new. The file is rewritten whole after each embedding with the passages of the
//! corpus then loaded, so it never grows past the corpus. A file that is damaged or of other
//! dimensions is ignored (and rewritten).
//!
//! Layout (little-endian): the magic `CBEMB001`, dims (u32), count (u64), then `count` records
//! of a key (u64) and `dims` f32.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"CBEMB001";
const HEADER: usize = 8 + 4 + 8;
/// A cache holding more records than this is refused (a corpus of 10 million passages would
/// not load either).
const MAX_RECORDS: u64 = 10_000_000;

/// The cache file of model `model_id` for the corpus in `dir`: beside it, or in `cache_dir`.
pub fn path(dir: &Path, cache_dir: Option<&Path>, model_id: &str) -> PathBuf {
    match cache_dir {
        None => dir
            .join(".citebot")
            .join(format!("embeddings-{model_id}.bin")),
        Some(cache_dir) => {
            let full = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
            let corpus = format!("{:016x}", key(&full.to_string_lossy()));
            cache_dir.join(format!("embeddings-{model_id}-{corpus}.bin"))
        }
    }
}

/// The key of a passage's text: the first 8 bytes of its SHA-256.
pub fn key(text: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

/// Reads the vectors of a cache file, by key. A missing file is empty; a damaged one is an
/// error naming it (the caller warns and embeds again).
pub fn read(file: &Path, dims: usize) -> Result<HashMap<u64, Vec<f32>>, String> {
    let handle = match std::fs::File::open(file) {
        Ok(handle) => handle,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(format!("{}: {e}", file.display())),
    };
    let len = handle
        .metadata()
        .map_err(|e| format!("{}: {e}", file.display()))?
        .len();
    let record = 8 + 4 * dims as u64;
    let damaged = |why: &str| format!("{}: {why}; it is ignored and rewritten", file.display());
    if len < HEADER as u64 {
        return Err(damaged("too short for a cache"));
    }
    let mut bytes = Vec::new();
    handle
        .take(HEADER as u64 + MAX_RECORDS * record)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    if &bytes[..8] != MAGIC {
        return Err(damaged("not a citebot embeddings cache"));
    }
    let stored_dims = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default()) as usize;
    let count = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or_default());
    if stored_dims != dims {
        return Err(damaged(&format!(
            "vectors of {stored_dims} dimensions, the model gives {dims}"
        )));
    }
    if count > MAX_RECORDS || bytes.len() as u64 != HEADER as u64 + count * record {
        return Err(damaged("its length does not match its record count"));
    }
    let mut out = HashMap::with_capacity(count as usize);
    for chunk in bytes[HEADER..].chunks_exact(record as usize) {
        let key = u64::from_le_bytes(chunk[..8].try_into().unwrap_or_default());
        let vector: Vec<f32> = chunk[8..]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap_or_default()))
            .collect();
        if vector.iter().any(|x| !x.is_finite()) {
            return Err(damaged("a vector holds a value that is not a number"));
        }
        out.insert(key, vector);
    }
    Ok(out)
}

/// Writes `records` (key, vector of `dims`) as the cache file, atomically (a temporary file
/// renamed over it), creating its folder.
pub fn write(file: &Path, dims: usize, records: &[(u64, &[f32])]) -> std::io::Result<()> {
    let folder = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let temporary = file.with_extension(format!("tmp{}", std::process::id()));
    let written = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
        out.write_all(MAGIC)?;
        out.write_all(&(dims as u32).to_le_bytes())?;
        out.write_all(&(records.len() as u64).to_le_bytes())?;
        for (key, vector) in records {
            out.write_all(&key.to_le_bytes())?;
            for x in vector.iter() {
                out.write_all(&x.to_le_bytes())?;
            }
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&temporary, file)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_round_trips_and_a_damaged_one_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path(), None, "abc");
        let elsewhere = path(dir.path(), Some(Path::new("/var/cache/citebot")), "abc");
        assert!(elsewhere.starts_with("/var/cache/citebot"), "{elsewhere:?}");
        assert_ne!(
            elsewhere,
            path(
                Path::new("/other"),
                Some(Path::new("/var/cache/citebot")),
                "abc"
            )
        );
        assert!(read(&file, 2).unwrap().is_empty(), "no file: empty");
        let (a, b) = ([0.6f32, 0.8], [1.0f32, 0.0]);
        write(&file, 2, &[(key("a"), &a), (key("b"), &b)]).unwrap();
        let back = read(&file, 2).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[&key("a")], a.to_vec());
        let err = read(&file, 3).unwrap_err();
        assert!(
            err.contains("embeddings-abc.bin") && err.contains("3"),
            "{err}"
        );
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.pop();
        std::fs::write(&file, &bytes).unwrap();
        let err = read(&file, 2).unwrap_err();
        assert!(err.contains("length"), "{err}");
        std::fs::write(&file, b"hello there, world!!!!").unwrap();
        assert!(read(&file, 2).unwrap_err().contains("not a citebot"));
        assert_ne!(key("a"), key("b"));
    }
}
