//! The optional semantic reader (cargo feature `semantic`): a sentence-embedding model run
//! in-process, whose cosine of question and passage finds passages by meaning and weighs in
//! the last stage (see `crate::search::meaning`).
//!
//! - [`Encoder`] ([`model`]) loads a model folder and embeds texts.
//! - [`Slot`] is a snapshot's embeddings: empty while they are computed (the snapshot answers
//!   by keywords meanwhile), then set once; [`Slot::status`] says how far embedding has got.
//! - [`embed`] computes a snapshot's embeddings, of every indexed passage and of every
//!   sentence, in bounded batches, reusing the disk cache ([`cache`]) and the previous
//!   snapshot's vectors, so a restart or a reload embeds only texts that changed.

pub mod cache;
pub mod model;
#[doc(hidden)]
pub mod tiny;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

pub use model::{EmbedError, Encoder, ModelError};

use crate::corpus::Corpus;
use crate::search::evidence::dot;
use crate::search::meaning::{Meaning, Sentences};
use crate::search::weights;
use crate::search::Index;

/// Texts embedded together: bounded, so memory and the time one batch holds a core stay small.
pub const BATCH: usize = 16;

/// A snapshot's embeddings, once computed.
pub struct Embeddings {
    encoder: Arc<Encoder>,
    /// One unit vector per indexed passage, back to back, then one per sentence not already
    /// a passage's whole text.
    vectors: Vec<f32>,
    /// The key of each indexed passage's text ([`cache::key`]).
    keys: Vec<u64>,
    /// The key of each sentence's text → its vector's row in `vectors`.
    sentences: HashMap<u64, u32>,
    /// The rows of each indexed passage's sentences: passage `i`'s are
    /// `sentence_rows[starts[i]..starts[i + 1]]`.
    sentence_rows: Vec<u32>,
    starts: Vec<u32>,
}

impl Sentences for Embeddings {
    fn vector(&self, text: &str) -> Option<&[f32]> {
        self.vector_of(text)
    }
}

impl Embeddings {
    /// The encoder the vectors were made with.
    pub fn encoder(&self) -> &Arc<Encoder> {
        &self.encoder
    }

    /// Passages embedded.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Sentences whose vector is known (a passage of one sentence shares its vector).
    pub fn sentence_count(&self) -> usize {
        self.sentences.len()
    }

    /// The vector of sentence `text`, if it is a sentence of the corpus.
    pub fn vector_of(&self, text: &str) -> Option<&[f32]> {
        let row = *self.sentences.get(&cache::key(text))?;
        Some(self.row(row as usize))
    }

    fn row(&self, i: usize) -> &[f32] {
        let dims = self.encoder.dims();
        &self.vectors[i * dims..(i + 1) * dims]
    }

    /// True when there is no passage.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The vector of indexed passage `i`.
    pub fn vector(&self, i: usize) -> &[f32] {
        self.row(i)
    }

    /// The cosine of `question` (a unit vector) with every passage, in index order.
    pub fn cosines(&self, question: &[f32]) -> Vec<f32> {
        let dims = self.encoder.dims();
        self.vectors[..self.keys.len() * dims]
            .chunks_exact(dims)
            .map(|v| dot(v, question))
            .collect()
    }

    /// For each passage, the larger of `cosine` (its own) and its sentences' cosines with
    /// `question`.
    fn reach(&self, question: &[f32], cosine: &[f32]) -> Vec<f32> {
        cosine
            .iter()
            .enumerate()
            .map(|(i, &own)| {
                let (start, end) = (self.starts[i] as usize, self.starts[i + 1] as usize);
                self.sentence_rows[start..end]
                    .iter()
                    .map(|&row| dot(self.row(row as usize), question))
                    .fold(own, f32::max)
            })
            .collect()
    }

    /// The [`Meaning`] of a question whose unit vector is `question`, read with `weights` and
    /// `fusion`.
    pub fn meaning_of<'a>(
        &'a self,
        question: Vec<f32>,
        weights: &'a crate::search::weights::Weights,
        fusion: crate::search::meaning::Fusion,
    ) -> Meaning<'a> {
        let cosine = self.cosines(&question);
        Meaning {
            reach: self.reach(&question, &cosine),
            cosine,
            question,
            sentences: self,
            weights,
            fusion,
        }
    }

    /// The [`Meaning`] of a question with the fitted semantic weights, or None when the
    /// question cannot be embedded (logged; the keyword answer serves).
    pub fn meaning(&self, question: &str) -> Option<Meaning<'_>> {
        let fitted = weights::semantic();
        match self.encoder.embed(&[question]) {
            Ok(vector) => Some(self.meaning_of(vector, &fitted.last_stage, fitted.fusion)),
            Err(err) => {
                tracing::warn!("semantic reader: {err}; answering by keywords");
                None
            }
        }
    }
}

/// How far a snapshot's embeddings have got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// No semantic reader: answers are by keywords.
    Off,
    /// Embedding: `done` of `total` texts, passages and sentences (answers by keywords until
    /// all are).
    Embedding {
        /// Texts embedded or found in the cache.
        done: usize,
        /// Texts to embed.
        total: usize,
    },
    /// Every passage and sentence embedded: the reader is on.
    Ready {
        /// Passages embedded.
        passages: usize,
        /// Sentences embedded.
        sentences: usize,
    },
    /// Embedding failed: answers stay by keywords.
    Failed(String),
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Off => write!(f, "semantic reader off (answers by keywords)"),
            Status::Embedding { done, total } => write!(
                f,
                "semantic reader embedding: {done} of {total} passages and sentences (answers by keywords until done)"
            ),
            Status::Ready {
                passages,
                sentences,
            } => write!(
                f,
                "semantic reader on: {passages} passages and {sentences} sentences embedded"
            ),
            Status::Failed(why) => write!(f, "semantic reader failed ({why}): answers by keywords"),
        }
    }
}

/// A snapshot's embeddings: empty until [`embed`] sets them, with its progress meanwhile.
#[derive(Default)]
pub struct Slot {
    ready: OnceLock<Arc<Embeddings>>,
    started: std::sync::atomic::AtomicBool,
    done: AtomicUsize,
    total: AtomicUsize,
    failed: Mutex<Option<String>>,
}

impl Slot {
    /// The embeddings, once every passage has one.
    pub fn get(&self) -> Option<&Arc<Embeddings>> {
        self.ready.get()
    }

    /// How far embedding has got.
    pub fn status(&self) -> Status {
        if let Some(ready) = self.ready.get() {
            return Status::Ready {
                passages: ready.len(),
                sentences: ready.sentence_count(),
            };
        }
        if let Some(why) = self.failed.lock().ok().and_then(|f| f.clone()) {
            return Status::Failed(why);
        }
        if !self.started.load(Ordering::Acquire) {
            return Status::Off;
        }
        Status::Embedding {
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
        }
    }
}

/// What one embedding run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbedReport {
    /// Passages of the snapshot.
    pub passages: usize,
    /// Sentences of its passages (one embedded as a passage shares that vector).
    pub sentences: usize,
    /// Texts, passages and sentences, embedded now (the others came from the cache or the
    /// previous snapshot).
    pub embedded: usize,
    /// Problems with the cache (read or written), for a warning; embedding went on.
    pub cache_warning: Option<String>,
    /// The cache file.
    pub cache: PathBuf,
}

/// Embeds every indexed passage of a corpus, and every sentence of its passages, into `slot` (blocking: run it on a thread of its
/// own). Vectors come from `previous` (the snapshot served before a reload), then the disk
/// cache (beside the corpus in `dir`, or in `cache_dir`), then the model, [`BATCH`] texts at a time, shortest first; `progress` hears
/// (done, total) after each batch. The cache is rewritten with this corpus's passages.
pub fn embed(
    (corpus, index, dir): (&Corpus, &Index, &std::path::Path),
    cache_dir: Option<&std::path::Path>,
    slot: &Slot,
    encoder: &Arc<Encoder>,
    previous: Option<&Embeddings>,
    progress: &dyn Fn(usize, usize),
) -> Result<EmbedReport, EmbedError> {
    let dims = encoder.dims();
    slot.done.store(0, Ordering::Relaxed);
    slot.started.store(true, Ordering::Release);
    let passages = index.passage_count();
    let mut texts: Vec<String> = (0..passages as u32)
        .map(|i| {
            corpus
                .text_of(&corpus.passages[index.passage_id(i) as usize])
                .into_owned()
        })
        .collect();
    let mut keys: Vec<u64> = texts.iter().map(|t| cache::key(t)).collect();
    // Every sentence of every passage, as a candidate paragraph splits it (see
    // `search::evidence`): a text already embedded shares its row.
    let mut sentences: HashMap<u64, u32> = HashMap::new();
    let mut rows: HashMap<u64, u32> = HashMap::new();
    for (row, &key) in keys.iter().enumerate() {
        rows.entry(key).or_insert(row as u32);
    }
    let mut of_passage: Vec<Vec<u32>> = vec![Vec::new(); passages];
    for (id, passage) in corpus.passages.iter().enumerate() {
        let indexed = index.indexed(id as u32);
        let text = corpus.text_of(passage);
        for (start, end) in crate::text::sentences(&text) {
            let sentence = text[start..end].trim_end();
            if sentence.is_empty() {
                continue;
            }
            let key = cache::key(sentence);
            let row = *rows.entry(key).or_insert_with(|| {
                texts.push(sentence.to_string());
                keys.push(key);
                (keys.len() - 1) as u32
            });
            sentences.insert(key, row);
            if let Some(i) = indexed {
                of_passage[i as usize].push(row);
            }
        }
    }
    let mut starts = Vec::with_capacity(passages + 1);
    starts.push(0u32);
    let mut sentence_rows = Vec::new();
    for rows in of_passage {
        sentence_rows.extend(rows);
        starts.push(sentence_rows.len() as u32);
    }
    drop(rows);
    let total = texts.len();
    slot.total.store(total, Ordering::Relaxed);
    let file = cache::path(dir, cache_dir, encoder.id());
    let mut report = EmbedReport {
        passages,
        sentences: sentences.len(),
        cache: file.clone(),
        ..EmbedReport::default()
    };
    let mut known: HashMap<u64, Vec<f32>> = match cache::read(&file, dims) {
        Ok(known) => known,
        Err(why) => {
            report.cache_warning = Some(why);
            HashMap::new()
        }
    };
    if let Some(previous) = previous.filter(|p| p.encoder.id() == encoder.id()) {
        let sentences = previous
            .sentences
            .iter()
            .map(|(&k, &row)| (k, row as usize));
        for (key, row) in previous
            .keys
            .iter()
            .copied()
            .enumerate()
            .map(|(i, k)| (k, i))
            .chain(sentences)
        {
            known
                .entry(key)
                .or_insert_with(|| previous.row(row).to_vec());
        }
    }
    let mut vectors = vec![0.0f32; total * dims];
    let mut missing: Vec<usize> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        match known.get(key) {
            Some(v) if v.len() == dims => vectors[i * dims..(i + 1) * dims].copy_from_slice(v),
            _ => missing.push(i),
        }
    }
    drop(known);
    let mut done = total - missing.len();
    slot.done.store(done, Ordering::Relaxed);
    progress(done, total);
    // Shortest first: a batch's texts are padded to its longest.
    missing.sort_by_key(|&i| (texts[i].len(), i));
    for batch in missing.chunks(BATCH) {
        let batch_texts: Vec<&str> = batch.iter().map(|&i| texts[i].as_str()).collect();
        let out = match encoder.embed(&batch_texts) {
            Ok(out) => out,
            Err(err) => {
                if let Ok(mut failed) = slot.failed.lock() {
                    *failed = Some(err.to_string());
                }
                return Err(err);
            }
        };
        for (&i, v) in batch.iter().zip(out.chunks_exact(dims)) {
            vectors[i * dims..(i + 1) * dims].copy_from_slice(v);
        }
        done += batch.len();
        slot.done.store(done, Ordering::Relaxed);
        progress(done, total);
    }
    report.embedded = missing.len();
    if !missing.is_empty() || report.cache_warning.is_some() || !file.exists() {
        let records: Vec<(u64, &[f32])> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, &vectors[i * dims..(i + 1) * dims]))
            .collect();
        if let Err(e) = cache::write(&file, dims, &records) {
            let why = format!(
                "{}: {e} (embeddings are kept in memory only; the next start embeds again)",
                file.display()
            );
            report.cache_warning = Some(why);
        }
    }
    keys.truncate(passages);
    let _ = slot.ready.set(Arc::new(Embeddings {
        encoder: Arc::clone(encoder),
        vectors,
        keys,
        sentences,
        sentence_rows,
        starts,
    }));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AskOptions, LoadOptions, Snapshot};

    fn tiny_model() -> (tempfile::TempDir, Arc<Encoder>) {
        let dir = tempfile::tempdir().unwrap();
        tiny::write(dir.path(), 7).unwrap();
        let encoder = Encoder::load(dir.path()).unwrap();
        (dir, Arc::new(encoder))
    }

    fn norm(v: &[f32]) -> f32 {
        v.iter().map(|x| x * x).sum::<f32>().sqrt()
    }

    #[test]
    fn the_tiny_model_loads_and_embeds_unit_vectors_the_same_every_time() {
        let (dir, encoder) = tiny_model();
        assert_eq!(encoder.dims(), tiny::DIMS);
        let texts = [
            "Who is the spokesman?",
            "the city of the river and the ferry",
            "",
        ];
        let out = encoder.embed(&texts).unwrap();
        assert_eq!(out.len(), texts.len() * tiny::DIMS);
        for v in out.chunks_exact(tiny::DIMS) {
            assert!((norm(v) - 1.0).abs() < 1e-4, "{}", norm(v));
        }
        assert_ne!(out[..tiny::DIMS], out[tiny::DIMS..2 * tiny::DIMS]);
        // A text embeds the same alone as padded in a batch, and on every load.
        let alone = encoder.embed(&texts[..1]).unwrap();
        let close = alone.iter().zip(&out).all(|(a, b)| (a - b).abs() < 1e-4);
        assert!(close, "padding changed the vector");
        let again = Encoder::load(dir.path()).unwrap();
        assert_eq!(again.embed(&texts[..1]).unwrap(), alone);
        assert_eq!(again.id(), encoder.id());
        let other = tempfile::tempdir().unwrap();
        tiny::write(other.path(), 8).unwrap();
        assert_ne!(Encoder::load(other.path()).unwrap().id(), encoder.id());
        assert!(encoder.embed(&[]).unwrap().is_empty());
    }

    fn load_error(dir: &std::path::Path) -> ModelError {
        Encoder::load(dir).expect_err("the folder is broken")
    }

    #[test]
    fn a_broken_model_folder_is_an_error_naming_the_file() {
        let (dir, _) = tiny_model();
        let d = dir.path();
        std::fs::rename(d.join(model::TOKENIZER), d.join("moved")).unwrap();
        let err = load_error(d);
        assert_eq!(err.file, d.join(model::TOKENIZER));
        assert!(err.to_string().contains("tokenizer.json: missing"), "{err}");
        std::fs::rename(d.join("moved"), d.join(model::TOKENIZER)).unwrap();

        let config = std::fs::read(d.join(model::CONFIG)).unwrap();
        std::fs::write(d.join(model::CONFIG), b"{\"hidden_size\": ").unwrap();
        let err = load_error(d);
        assert_eq!(err.file, d.join(model::CONFIG));
        assert!(err.reason.contains("not a BERT configuration"), "{err}");
        std::fs::write(d.join(model::CONFIG), &config).unwrap();

        std::fs::write(d.join(model::TOKENIZER), b"[1, 2]").unwrap();
        assert_eq!(load_error(d).file, d.join(model::TOKENIZER));
        std::fs::write(
            d.join(model::TOKENIZER),
            serde_json::to_vec(&tiny::tokenizer()).unwrap(),
        )
        .unwrap();

        // Weights of another shape than config.json says (hidden size 16, not 32).
        let mut smaller = tiny::config();
        smaller["hidden_size"] = 16.into();
        tiny::write_weights(&smaller, &d.join(model::WEIGHTS), 1).unwrap();
        let err = load_error(d);
        assert_eq!(err.file, d.join(model::WEIGHTS));
        assert!(
            err.reason.contains("does not hold the BERT weights"),
            "{err}"
        );

        std::fs::write(d.join(model::WEIGHTS), b"not safetensors").unwrap();
        assert_eq!(load_error(d).file, d.join(model::WEIGHTS));
        let missing = d.join("nowhere");
        assert_eq!(load_error(&missing).file, missing);
        assert!(Encoder::load(d).is_err());
    }

    fn corpus(dir: &std::path::Path) {
        std::fs::write(
            dir.join("harbour.txt"),
            "The harbour\n\nThe ferry to the city leaves every hour. It stops at the old pier.\n\n\
             The river water was high this year.\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("kabul.txt"),
            "Kabul\n\nThe spokesman of the foreign ministry said the minister was in Kabul.\n",
        )
        .unwrap();
    }

    #[test]
    fn embeddings_are_computed_once_and_cached_by_model_and_passage_text() {
        let (_model, encoder) = tiny_model();
        let dir = tempfile::tempdir().unwrap();
        corpus(dir.path());
        let snapshot = Snapshot::load(dir.path(), &LoadOptions::default());
        assert!(matches!(snapshot.semantic().status(), Status::Off));
        let before = snapshot.ask(
            "Who is the spokesman of the foreign ministry?",
            &AskOptions::default(),
        );
        let seen = std::sync::Mutex::new(Vec::new());
        let report = snapshot
            .embed(&encoder, None, None, &|done, total| {
                seen.lock().unwrap().push((done, total))
            })
            .unwrap();
        let passages = snapshot.stats().passages;
        // Every passage is one sentence but the ferry's, whose two sentences are embedded too.
        let texts = passages + 2;
        assert_eq!(
            (report.passages, report.sentences, report.embedded),
            (passages, passages + 1, texts)
        );
        assert!(report.cache_warning.is_none(), "{report:?}");
        assert_eq!(seen.lock().unwrap().last(), Some(&(texts, texts)));
        let sentences = passages + 1;
        assert_eq!(
            snapshot.semantic().status(),
            Status::Ready {
                passages,
                sentences
            }
        );
        // A sentence's vector is found by its text, and is its own.
        let embeddings = snapshot.semantic().get().unwrap();
        let pier = embeddings.vector_of("It stops at the old pier.").unwrap();
        assert!((norm(pier) - 1.0).abs() < 1e-4);
        assert!(embeddings.vector_of("A sentence of no passage.").is_none());
        // Each candidate's sentences, as the last stage splits them, find their vectors.
        let question = "When does the ferry to the city leave?";
        let meaning = embeddings.meaning(question).unwrap();
        let (_, evidence) = snapshot.read_with_meaning(question, Some(&meaning));
        let ferry = evidence
            .candidates
            .iter()
            .find(|c| c.text.contains("ferry"))
            .expect("the ferry's paragraph is a candidate");
        assert_eq!(ferry.sentences.len(), 2);
        for s in &ferry.sentences {
            let own = meaning.sentence_cosine(&ferry.text[s.start..s.end]);
            assert!(s.cosine != 0.0 && s.cosine == own, "{s:?}");
        }
        // A passage is as near as its nearer sentence: only the ferry's, of two sentences, can
        // be nearer than itself, and then as near as one of them.
        let nearer = ferry
            .sentences
            .iter()
            .map(|s| s.cosine)
            .fold(f32::MIN, f32::max);
        let pairs = meaning.reach.iter().zip(&meaning.cosine);
        assert!(pairs.clone().all(|(r, c)| r >= c));
        let moved: Vec<f32> = pairs.filter(|(r, c)| r != c).map(|(&r, _)| r).collect();
        assert!(
            moved.len() <= 1 && moved.iter().all(|&r| r == nearer),
            "{moved:?}"
        );
        assert!(report.cache.starts_with(dir.path().join(".citebot")));
        let embeddings = snapshot.semantic().get().unwrap();
        for i in 0..embeddings.len() {
            assert!((norm(embeddings.vector(i)) - 1.0).abs() < 1e-4);
        }
        // The cache folder is not a document, and a restart embeds nothing again.
        let again = Snapshot::load(dir.path(), &LoadOptions::default());
        assert_eq!(again.documents().len(), 2);
        assert_eq!(
            again
                .embed(&encoder, None, None, &|_, _| {})
                .unwrap()
                .embedded,
            0
        );
        assert_eq!(
            again.semantic().get().unwrap().vector(0),
            embeddings.vector(0)
        );
        // A changed file: only its new passage is embedded, the others come from the cache.
        std::fs::write(
            dir.path().join("kabul.txt"),
            "Kabul\n\nThe spokesman of the foreign ministry said the minister was in Kabul.\n\n\
             People bake bread in the city.\n",
        )
        .unwrap();
        let changed = Snapshot::load(dir.path(), &LoadOptions::default());
        let report = changed
            .embed(&encoder, Some(&again), None, &|_, _| {})
            .unwrap();
        assert_eq!(report.embedded, 1, "{report:?}");
        // With the reader the snapshot still answers, by the same code path plus meaning.
        let with = snapshot.ask(
            "Who is the spokesman of the foreign ministry?",
            &AskOptions::default(),
        );
        assert!(before.is_answered() && with.is_answered(), "{with:?}");
        assert_eq!(with.quotes[0].source, "kabul");
    }

    #[test]
    fn an_unwritable_cache_is_a_warning_and_embeddings_stay_in_memory() {
        let (_model, encoder) = tiny_model();
        let dir = tempfile::tempdir().unwrap();
        corpus(dir.path());
        // A file where the cache folder should be: the folder cannot be made.
        std::fs::write(dir.path().join(".citebot"), b"in the way").unwrap();
        let snapshot = Snapshot::load(dir.path(), &LoadOptions::default());
        let report = snapshot.embed(&encoder, None, None, &|_, _| {}).unwrap();
        let warning = report
            .cache_warning
            .expect("the cache could not be written");
        assert!(warning.contains(".citebot"), "{warning}");
        assert!(snapshot.semantic().get().is_some());
    }

    #[test]
    fn a_library_embeds_in_the_background_and_again_after_a_reload() {
        let (_model, encoder) = tiny_model();
        let dir = tempfile::tempdir().unwrap();
        corpus(dir.path());
        let library = crate::Library::new(
            Snapshot::load(dir.path(), &LoadOptions::default()),
            LoadOptions::default(),
        );
        library
            .set_reader(Arc::clone(&encoder), None)
            .unwrap()
            .join()
            .unwrap();
        assert!(library.snapshot().semantic().get().is_some());
        std::fs::write(
            dir.path().join("more.txt"),
            "More\n\nThe first ship of the year.\n",
        )
        .unwrap();
        library.reload().unwrap();
        // The reload's embedding runs on its own thread: wait for it, bounded.
        let mut waited = 0;
        while library.snapshot().semantic().get().is_none() && waited < 600 {
            std::thread::sleep(std::time::Duration::from_millis(50));
            waited += 1;
        }
        let status = library.snapshot().semantic().status();
        assert!(matches!(status, Status::Ready { .. }), "{status}");
    }
}
