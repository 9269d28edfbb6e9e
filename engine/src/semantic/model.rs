//! The sentence-embedding model: a BERT encoder (all-MiniLM-L6-v2 or any BERT folder laid out
//! the same way) run with candle on the CPU, mean-pooled and L2-normalised as
//! sentence-transformers does.
//!
//! A model folder holds `config.json` (BERT's hyper-parameters), `tokenizer.json` (a WordPiece
//! tokenizer, as the hub publishes it) and `model.safetensors` (the weights). Every file is read
//! with a size bound, and every problem is a [`ModelError`] naming the file and the reason.

use std::io::Read;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use sha2::{Digest, Sha256};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// The files of a model folder.
pub const CONFIG: &str = "config.json";
/// The tokenizer's file.
pub const TOKENIZER: &str = "tokenizer.json";
/// The weights' file.
pub const WEIGHTS: &str = "model.safetensors";

/// `config.json` and `tokenizer.json` larger than this are refused.
const MAX_TEXT_FILE: u64 = 64 << 20;
/// `model.safetensors` larger than this is refused (all-MiniLM-L6-v2's is 87 MiB).
const MAX_WEIGHTS_FILE: u64 = 2 << 30;
/// Token sequences are cut to this length (sentence-transformers' `max_seq_length` for
/// all-MiniLM-L6-v2), or to the model's position limit when that is shorter.
pub const MAX_TOKENS: usize = 256;

/// A model folder that cannot be used: which file, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    /// The file at fault (or the folder itself).
    pub file: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "semantic model: {}: {}",
            self.file.display(),
            self.reason
        )
    }
}

impl std::error::Error for ModelError {}

fn fail(file: &Path, reason: impl std::fmt::Display) -> ModelError {
    ModelError {
        file: file.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// A loaded sentence encoder.
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
    dims: usize,
    /// Hex digest of the three files: embeddings cached under another model are never reused.
    id: String,
    dir: PathBuf,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("dir", &self.dir)
            .field("dims", &self.dims)
            .field("id", &self.id)
            .finish()
    }
}

/// Reads a whole file of at most `limit` bytes.
fn read_bounded(file: &Path, limit: u64) -> Result<Vec<u8>, ModelError> {
    let handle = std::fs::File::open(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => fail(file, "missing (the model folder needs config.json, tokenizer.json and model.safetensors; `citebot model fetch` gets them)"),
        _ => fail(file, e),
    })?;
    let meta = handle.metadata().map_err(|e| fail(file, e))?;
    if !meta.is_file() {
        return Err(fail(file, "not a regular file"));
    }
    if meta.len() > limit {
        return Err(fail(
            file,
            format!("{} bytes, more than the {limit} allowed", meta.len()),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    handle
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(file, e))?;
    if bytes.len() as u64 > limit {
        return Err(fail(file, format!("more than the {limit} bytes allowed")));
    }
    Ok(bytes)
}

impl Encoder {
    /// Loads the model in `dir`.
    pub fn load(dir: &Path) -> Result<Encoder, ModelError> {
        if !dir.is_dir() {
            return Err(fail(dir, "not a folder (SEMANTIC_MODEL / --semantic-model names the folder holding config.json, tokenizer.json and model.safetensors)"));
        }
        let config_path = dir.join(CONFIG);
        let config_bytes = read_bounded(&config_path, MAX_TEXT_FILE)?;
        let config: Config = serde_json::from_slice(&config_bytes)
            .map_err(|e| fail(&config_path, format!("not a BERT configuration: {e}")))?;
        if config.hidden_size == 0
            || config.num_attention_heads == 0
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(fail(
                &config_path,
                "hidden_size must be a positive multiple of num_attention_heads",
            ));
        }
        let tokenizer_path = dir.join(TOKENIZER);
        let tokenizer_bytes = read_bounded(&tokenizer_path, MAX_TEXT_FILE)?;
        let mut tokenizer = Tokenizer::from_bytes(&tokenizer_bytes)
            .map_err(|e| fail(&tokenizer_path, format!("not a tokenizer: {e}")))?;
        let max_tokens = MAX_TOKENS.min(config.max_position_embeddings).max(2);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| fail(&tokenizer_path, e))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            pad_id: config.pad_token_id as u32,
            ..PaddingParams::default()
        }));
        if let Some(too_big) = tokenizer_max_id(&tokenizer).filter(|&id| id >= config.vocab_size) {
            return Err(fail(
                &tokenizer_path,
                format!(
                    "token id {too_big} is beyond the model's vocabulary of {} ({CONFIG})",
                    config.vocab_size
                ),
            ));
        }
        let weights_path = dir.join(WEIGHTS);
        let weights = read_bounded(&weights_path, MAX_WEIGHTS_FILE)?;
        let mut digest = Sha256::new();
        for part in [&config_bytes, &tokenizer_bytes, &weights] {
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part);
        }
        let id: String = digest
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(|e| fail(&weights_path, format!("not a safetensors file: {e}")))?;
        let model = BertModel::load(vb, &config).map_err(|e| {
            fail(
                &weights_path,
                format!("does not hold the BERT weights {CONFIG} describes: {e}"),
            )
        })?;
        Ok(Encoder {
            model,
            tokenizer,
            dims: config.hidden_size,
            id,
            dir: dir.to_path_buf(),
        })
    }

    /// Dimensions of an embedding.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The model's identity: a digest of its three files.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The folder it was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Embeds `texts`, one unit-length vector of [`Encoder::dims`] each, back to back. The
    /// caller bounds the batch (its longest text sets the padded length).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<f32>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError(format!("tokenizing: {e}")))?;
        let rows = encodings.len();
        let len = encodings.first().map_or(0, |e| e.get_ids().len());
        let mut ids = Vec::with_capacity(rows * len);
        let mut types = Vec::with_capacity(rows * len);
        let mut mask = Vec::with_capacity(rows * len);
        for e in &encodings {
            if e.get_ids().len() != len {
                return Err(EmbedError("a batch padded unevenly".to_string()));
            }
            ids.extend_from_slice(e.get_ids());
            types.extend_from_slice(e.get_type_ids());
            mask.extend_from_slice(e.get_attention_mask());
        }
        let run = || -> candle_core::Result<Vec<f32>> {
            let device = &self.model.device;
            let ids = Tensor::from_vec(ids, (rows, len), device)?;
            let types = Tensor::from_vec(types, (rows, len), device)?;
            let mask = Tensor::from_vec(mask, (rows, len), device)?;
            let hidden = self.model.forward(&ids, &types, Some(&mask))?;
            // Mean over the real tokens (padding masked out), then unit length.
            let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
            let counts = mask.sum(1)?.clamp(1e-9, f32::MAX)?;
            let mean = summed.broadcast_div(&counts)?;
            let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f32::MAX)?;
            mean.broadcast_div(&norms)?.flatten_all()?.to_vec1::<f32>()
        };
        run().map_err(|e| EmbedError(e.to_string()))
    }
}

/// The largest token id the tokenizer can give (its vocabulary, added tokens included).
fn tokenizer_max_id(tokenizer: &Tokenizer) -> Option<usize> {
    tokenizer
        .get_vocab(true)
        .values()
        .max()
        .map(|&id| id as usize)
}

/// Embedding failed (a bug or an exhausted machine, not bad input: the model loaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedError(pub String);

impl std::fmt::Display for EmbedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "embedding failed: {}", self.0)
    }
}

impl std::error::Error for EmbedError {}
