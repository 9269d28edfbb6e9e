//! Snapshots and the library that serves them.
//!
//! A [`Snapshot`] is an immutable corpus plus its index and aliases. The [`Library`] holds the
//! current one in an `ArcSwap`: a question takes the `Arc` of the snapshot it started on, and a
//! [`Library::reload`] builds a new snapshot and swaps it in atomically, so questions in flight
//! finish on the old one and a failed reload leaves the serving snapshot untouched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;

use crate::answer::{Answer, AskOptions};
use crate::corpus::{self, Corpus, Document, LoadOptions, LoadWarning};
use crate::error::{Error, ErrorKind};
use crate::links::{Link, Sources};
use crate::search::{Aliases, Index};

/// Sizes and timings of a snapshot, for `check`, `/about` and footers.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Documents loaded.
    pub documents: usize,
    /// Passages indexed (after duplicates are folded).
    pub passages: usize,
    /// Distinct indexed terms.
    pub vocabulary: usize,
    /// Words of corpus text.
    pub words: usize,
    /// Bytes of corpus text.
    pub text_bytes: usize,
    /// Rough heap size of the snapshot in bytes.
    pub memory_bytes: usize,
    /// Time to read, clean and index the corpus.
    pub load_time: Duration,
}

/// An immutable, searchable corpus.
pub struct Snapshot {
    corpus: Corpus,
    index: Index,
    dir: PathBuf,
    /// The alias groups the index was built with (kept for the next reload, which keeps them
    /// when `aliases.toml` turns unusable, and for grouping questions in `/gaps`).
    aliases: Aliases,
    /// Where documents live on the web (`sources.toml`), for the links of quotes; kept for the
    /// next reload, which keeps them when the file turns unusable.
    sources: Sources,
    warnings: Vec<LoadWarning>,
    loaded_at: SystemTime,
    stats: Stats,
    /// The semantic reader's embeddings of the passages, once computed.
    #[cfg(feature = "semantic")]
    semantic: crate::semantic::Slot,
}

impl Snapshot {
    /// Loads every article under `dir` and indexes it. Never fails: problems are warnings, and a
    /// folder with nothing usable gives an empty snapshot (see [`Snapshot::is_empty`]).
    pub fn load(dir: &Path, options: &LoadOptions) -> Snapshot {
        Snapshot::load_after(dir, options, None)
    }

    /// [`Snapshot::load`] while `serving` serves: an `aliases.toml` that cannot be used keeps
    /// the alias groups of `serving` (see [`Aliases::load_with`]).
    fn load_after(dir: &Path, options: &LoadOptions, serving: Option<&Snapshot>) -> Snapshot {
        let started = Instant::now();
        let (corpus, mut warnings) = corpus::load_dir(dir, options);
        let (aliases, alias_warnings) =
            Aliases::load_with(dir, options, serving.map(|s| &s.aliases));
        warnings.extend(alias_warnings);
        let (sources, source_warnings) =
            Sources::load_with(dir, options, serving.map(|s| &s.sources));
        warnings.extend(source_warnings);
        let index = Index::build(&corpus, aliases.clone());
        for (part, bytes) in corpus
            .memory_parts()
            .into_iter()
            .chain(index.memory_parts())
        {
            tracing::debug!("memory: {part} {:.1} MiB", bytes as f64 / (1024.0 * 1024.0));
        }
        let stats = Stats {
            documents: corpus.documents.len(),
            passages: index.passage_count(),
            vocabulary: index.vocabulary_size(),
            words: corpus.documents.iter().map(|d| d.words).sum(),
            text_bytes: corpus.text_bytes(),
            memory_bytes: corpus.memory_bytes() + index.memory_bytes(),
            load_time: started.elapsed(),
        };
        Snapshot {
            corpus,
            index,
            dir: dir.to_path_buf(),
            aliases,
            sources,
            warnings,
            loaded_at: SystemTime::now(),
            stats,
            #[cfg(feature = "semantic")]
            semantic: crate::semantic::Slot::default(),
        }
    }

    /// Answers one question from this snapshot.
    pub fn ask(&self, question: &str, options: &AskOptions) -> Answer {
        self.ask_in_context(question, None, options)
    }

    /// Gives each quote of `answer` its link (see [`Snapshot::link`]).
    fn linked(&self, mut answer: Answer) -> Answer {
        for quote in &mut answer.quotes {
            // The page's own heading (its title) needs no anchor: the page opens there.
            let section = quote.section_after_title().map(str::to_string);
            quote.link = self.link(&quote.source, section.as_deref(), &quote.text);
        }
        answer
    }

    /// The link of a quote `text` of document `source` in `section` (its heading path,
    /// `Embed › Embed Limits`): its page (own `url`, else `sources.toml`'s `base_url`), the
    /// anchor of the section's innermost heading, and a text fragment; `None` without a page.
    pub fn link(&self, source: &str, section: Option<&str>, text: &str) -> Option<Link> {
        let doc = self.document(source)?;
        let rel = doc.path.strip_prefix(&self.dir).unwrap_or(&doc.path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        let heading = section.and_then(|path| path.rsplit(" › ").next());
        self.sources.link(doc, &rel, heading, text)
    }

    /// The semantic reader's embeddings of this snapshot and how far they have got.
    #[cfg(feature = "semantic")]
    pub fn semantic(&self) -> &crate::semantic::Slot {
        &self.semantic
    }

    /// Embeds this snapshot's passages with `encoder` (blocking; see [`crate::semantic::embed`]):
    /// once done, questions are read with the semantic reader. `previous` (the snapshot
    /// served before) lends the vectors of passages it shares; the cache is kept beside the
    /// corpus, or in `cache_dir`.
    #[cfg(feature = "semantic")]
    pub fn embed(
        &self,
        encoder: &Arc<crate::semantic::Encoder>,
        previous: Option<&Snapshot>,
        cache_dir: Option<&Path>,
        progress: &dyn Fn(usize, usize),
    ) -> Result<crate::semantic::EmbedReport, crate::semantic::EmbedError> {
        crate::semantic::embed(
            (&self.corpus, &self.index, &self.dir),
            cache_dir,
            &self.semantic,
            encoder,
            previous.and_then(|p| p.semantic.get()).map(|e| &**e),
            progress,
        )
    }

    /// One line on the semantic reader for `check` and `/about` (None in a build without it).
    pub fn reader_status(&self) -> Option<String> {
        #[cfg(feature = "semantic")]
        return Some(self.semantic.status().to_string());
        #[cfg(not(feature = "semantic"))]
        None
    }

    /// A question's parse and evidence with the semantic reader's `meaning` (for tuning).
    pub fn read_with_meaning(
        &self,
        question: &str,
        meaning: Option<&crate::search::meaning::Meaning>,
    ) -> (
        crate::search::query::Query,
        crate::search::evidence::Evidence,
    ) {
        crate::search::read_with_meaning(&self.corpus, &self.index, question, meaning)
    }

    /// Reads questions and ranks passages with `ranking` from now on (for fitting it).
    pub fn set_ranking(&mut self, ranking: crate::search::weights::Ranking) {
        self.index.set_ranking(ranking);
    }

    /// A question's parse and its candidates' evidence before any weight (for tuning).
    pub fn read(
        &self,
        question: &str,
    ) -> (
        crate::search::query::Query,
        crate::search::evidence::Evidence,
    ) {
        crate::search::read(&self.corpus, &self.index, question)
    }

    /// [`Snapshot::read`] for a follow-up asked after `context` (for tuning).
    pub fn read_in_context(
        &self,
        question: &str,
        context: Option<&str>,
    ) -> (
        crate::search::query::Query,
        crate::search::evidence::Evidence,
    ) {
        crate::search::read_in_context(&self.corpus, &self.index, question, context)
    }

    /// Answers a follow-up `question` with an earlier question of the same conversation as
    /// lower-weight `context` (see [`crate::search::answer_in_context`]).
    pub fn ask_in_context(
        &self,
        question: &str,
        context: Option<&str>,
        options: &AskOptions,
    ) -> Answer {
        #[cfg(feature = "semantic")]
        if let Some(embeddings) = self.semantic.get() {
            let started = Instant::now();
            let asked = crate::search::cut_question(question.trim());
            if let Some(meaning) = Some(asked)
                .filter(|q| !q.is_empty())
                .and_then(|q| embeddings.meaning(q))
            {
                let mut answer = crate::search::answer_with_meaning(
                    &self.corpus,
                    &self.index,
                    (question, context),
                    options,
                    Some(&meaning),
                );
                answer.elapsed_us = started.elapsed().as_micros() as u64;
                return self.linked(answer);
            }
        }
        self.linked(crate::search::answer_in_context(
            &self.corpus,
            &self.index,
            question,
            context,
            options,
        ))
    }

    /// How a question is understood and ranked: concepts, alternatives, top candidates.
    pub fn explain(&self, question: &str) -> String {
        crate::search::explain(&self.corpus, &self.index, question)
    }

    /// The corpus: documents, passages, their text and layout (sections, places).
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// Its documents, sorted by source id.
    pub fn documents(&self) -> &[Document] {
        &self.corpus.documents
    }

    /// One document by source id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.corpus.documents.iter().find(|d| d.id == id)
    }

    /// The first quotable paragraph of a document, verbatim.
    pub fn opening_paragraph(&self, id: &str) -> Option<&str> {
        self.corpus.opening_paragraph(id)
    }

    /// True when no document loaded.
    pub fn is_empty(&self) -> bool {
        self.corpus.documents.is_empty()
    }

    /// What went wrong while loading, file by file.
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }

    /// The alias groups this snapshot searches with, as read at load (no file is read again).
    pub fn aliases(&self) -> &Aliases {
        &self.aliases
    }

    /// Where the documents live on the web, as `sources.toml` said at load.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The folder this snapshot was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// When the load finished.
    pub fn loaded_at(&self) -> SystemTime {
        self.loaded_at
    }

    /// Sizes and timings, measured once at load.
    pub fn stats(&self) -> Stats {
        self.stats.clone()
    }
}

/// What a successful reload changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReloadReport {
    /// Source ids new in this load.
    pub added: Vec<String>,
    /// Source ids gone from this load.
    pub removed: Vec<String>,
    /// Source ids whose content changed.
    pub changed: Vec<String>,
    /// Files skipped, with the reason.
    pub skipped: Vec<LoadWarning>,
    /// Documents now serving.
    pub documents: usize,
    /// How long the reload took.
    pub elapsed: Duration,
}

impl ReloadReport {
    /// True when no document was added, removed or changed.
    pub fn is_unchanged(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The serving corpus: the current [`Snapshot`] behind an atomic pointer.
pub struct Library {
    current: ArcSwap<Snapshot>,
    options: LoadOptions,
    /// The semantic reader, once set: every snapshot swapped in is embedded in the background.
    #[cfg(feature = "semantic")]
    reader: arc_swap::ArcSwapOption<(Arc<crate::semantic::Encoder>, Option<PathBuf>)>,
}

impl Library {
    /// Wraps a loaded snapshot; reloads read the same folder with the same options.
    pub fn new(snapshot: Snapshot, options: LoadOptions) -> Library {
        Library {
            current: ArcSwap::from_pointee(snapshot),
            options,
            #[cfg(feature = "semantic")]
            reader: arc_swap::ArcSwapOption::empty(),
        }
    }

    /// Turns the semantic reader on: the serving snapshot is embedded in the background (it
    /// answers by keywords until that is done), and so is every snapshot a reload swaps in.
    /// The handle is the background thread's (for tests; serving lets it run).
    #[cfg(feature = "semantic")]
    pub fn set_reader(
        &self,
        encoder: Arc<crate::semantic::Encoder>,
        cache_dir: Option<PathBuf>,
    ) -> std::io::Result<std::thread::JoinHandle<()>> {
        let reader = Arc::new((encoder, cache_dir));
        self.reader.store(Some(Arc::clone(&reader)));
        embed_in_background(self.snapshot(), reader, None)
    }

    /// The snapshot serving now; hold it for the whole question.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Reads the folder again and swaps the new snapshot in. Blocking: call it off the async
    /// runtime. On error the serving snapshot is untouched.
    pub fn reload(&self) -> Result<ReloadReport, Error> {
        let started = Instant::now();
        let old = self.snapshot();
        let new = Snapshot::load_after(old.dir(), &self.options, Some(&old));
        if new.is_empty() {
            return Err(ErrorKind::NoDocuments {
                dir: old.dir().to_path_buf(),
                warnings: new.warnings,
            }
            .into());
        }
        let report = diff(&old, &new, started);
        let new = Arc::new(new);
        self.current.store(Arc::clone(&new));
        #[cfg(feature = "semantic")]
        if let Some(reader) = self.reader.load_full() {
            if let Err(e) = embed_in_background(new, reader, Some(old)) {
                tracing::warn!("semantic reader: could not start embedding: {e}");
            }
        }
        #[cfg(not(feature = "semantic"))]
        drop(new);
        Ok(report)
    }
}

/// Embeds `snapshot` on a thread of its own, in a pool of one thread (answers keep the other
/// cores), logging progress about every tenth of the way.
#[cfg(feature = "semantic")]
fn embed_in_background(
    snapshot: Arc<Snapshot>,
    reader: Arc<(Arc<crate::semantic::Encoder>, Option<PathBuf>)>,
    previous: Option<Arc<Snapshot>>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("citebot-embed".to_string())
        .spawn(move || {
            let started = Instant::now();
            let logged = std::sync::atomic::AtomicUsize::new(0);
            let progress = |done: usize, total: usize| {
                let tenth = (done * 10).checked_div(total).unwrap_or(10);
                if tenth > logged.load(std::sync::atomic::Ordering::Relaxed) || done == 0 {
                    logged.store(tenth, std::sync::atomic::Ordering::Relaxed);
                    tracing::info!(
                        "semantic reader: embedded {done} of {total} passages and sentences"
                    );
                }
            };
            let (encoder, cache_dir) = &*reader;
            let run = || snapshot.embed(encoder, previous.as_deref(), cache_dir.as_deref(), &progress);
            let result = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                Ok(pool) => pool.install(run),
                Err(_) => run(),
            };
            match result {
                Ok(report) => {
                    if let Some(warning) = &report.cache_warning {
                        tracing::warn!("semantic reader: cache: {warning}");
                    }
                    tracing::info!(
                        "semantic reader on: {} passages and {} sentences ({} texts embedded now, the rest cached) in {:.1} s",
                        report.passages,
                        report.sentences,
                        report.embedded,
                        started.elapsed().as_secs_f64()
                    );
                }
                Err(err) => tracing::warn!("semantic reader: {err}; answering by keywords"),
            }
        })
}

fn diff(old: &Snapshot, new: &Snapshot, started: Instant) -> ReloadReport {
    let before: BTreeMap<&str, u64> = old
        .documents()
        .iter()
        .map(|d| (d.id.as_str(), d.content_hash))
        .collect();
    let after: BTreeMap<&str, u64> = new
        .documents()
        .iter()
        .map(|d| (d.id.as_str(), d.content_hash))
        .collect();
    let added = after
        .keys()
        .filter(|id| !before.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    let removed = before
        .keys()
        .filter(|id| !after.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    let changed = after
        .iter()
        .filter(|(id, hash)| before.get(*id).is_some_and(|old| old != *hash))
        .map(|(id, _)| id.to_string())
        .collect();
    ReloadReport {
        added,
        removed,
        changed,
        skipped: new.warnings().to_vec(),
        documents: new.documents().len(),
        elapsed: started.elapsed(),
    }
}
