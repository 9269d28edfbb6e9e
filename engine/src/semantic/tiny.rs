//! A tiny BERT model folder for tests: random weights from a fixed seed, a WordPiece vocabulary
//! of a few dozen words, a `config.json` of hidden size 32 and 2 layers. It embeds like the
//! real model (same files, same code path), only its vectors mean nothing.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use candle_transformers::models::bert::{BertModel, Config};
use serde_json::json;

/// Hidden size of the tiny model (its embeddings' dimensions).
pub const DIMS: usize = 32;

const SPECIAL: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "is",
    "was",
    "who",
    "what",
    "when",
    "where",
    "how",
    "did",
    "taliban",
    "kabul",
    "minister",
    "ministry",
    "foreign",
    "spokesman",
    "said",
    "says",
    "afghanistan",
    "bread",
    "bake",
    "harbour",
    "ferry",
    "ship",
    "city",
    "river",
    "water",
    "year",
    "people",
    "government",
    "new",
    "first",
    "##s",
    "##ed",
    "##ing",
    ".",
    ",",
    "?",
    "'",
];

/// The tiny model's `config.json`.
pub fn config() -> serde_json::Value {
    json!({
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": DIMS,
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 64,
        "model_type": "bert",
        "num_attention_heads": 4,
        "num_hidden_layers": 2,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": 2,
        "vocab_size": SPECIAL.len() + WORDS.len(),
    })
}

/// The tiny model's `tokenizer.json`: BERT's normalizer, pre-tokenizer and template around a
/// WordPiece model of [`WORDS`].
pub fn tokenizer() -> serde_json::Value {
    let vocab: serde_json::Map<String, serde_json::Value> = SPECIAL
        .iter()
        .chain(WORDS)
        .enumerate()
        .map(|(i, w)| (w.to_string(), json!(i)))
        .collect();
    let added: Vec<serde_json::Value> = SPECIAL
        .iter()
        .enumerate()
        .map(|(i, w)| {
            json!({"id": i, "special": true, "content": w, "single_word": false,
                   "lstrip": false, "rstrip": false, "normalized": false})
        })
        .collect();
    json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": true,
                       "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}
            }
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab}
    })
}

/// Writes `model.safetensors` for `config` to `file`: every tensor BERT needs, filled from a
/// fixed-seed generator (the same bytes on every run).
pub fn write_weights(config: &serde_json::Value, file: &Path, seed: u64) -> Result<(), String> {
    let config: Config = serde_json::from_value(config.clone()).map_err(|e| e.to_string())?;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    BertModel::load(vb, &config).map_err(|e| e.to_string())?;
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.4
    };
    let data = varmap.data().lock().map_err(|e| e.to_string())?;
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    for name in names {
        let var = &data[name];
        let shape = var.shape().clone();
        let values: Vec<f32> = (0..shape.elem_count()).map(|_| next()).collect();
        let tensor = Tensor::from_vec(values, shape, &Device::Cpu).map_err(|e| e.to_string())?;
        var.set(&tensor).map_err(|e| e.to_string())?;
    }
    drop(data);
    varmap.save(file).map_err(|e| e.to_string())
}

/// Writes the tiny model's three files into `dir`.
pub fn write(dir: &Path, seed: u64) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let config = config();
    let text = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    std::fs::write(dir.join(super::model::CONFIG), text(&config)).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(super::model::TOKENIZER), text(&tokenizer()))
        .map_err(|e| e.to_string())?;
    write_weights(&config, &dir.join(super::model::WEIGHTS), seed)
}
