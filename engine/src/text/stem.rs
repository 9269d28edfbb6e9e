//! Stems: the Snowball English stemmer, with irregular verb forms first taken to their base
//! (`said` → `say`), so `said`, `says` and `saying` share a stem.

use std::cell::RefCell;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use super::stop_words::STOP_WORDS;

pub(super) static STEMMER: LazyLock<Stemmer> =
    LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Irregular English verb forms and their base form, which Snowball cannot relate
/// (`said` → `say`, `came` → `come`); sorted for binary search.
pub(super) const IRREGULAR: &[(&str, &str)] = &[
    ("ate", "eat"),
    ("became", "become"),
    ("began", "begin"),
    ("begun", "begin"),
    ("bought", "buy"),
    ("broke", "break"),
    ("broken", "break"),
    ("brought", "bring"),
    ("built", "build"),
    ("came", "come"),
    ("caught", "catch"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("drawn", "draw"),
    ("drew", "draw"),
    ("driven", "drive"),
    ("drove", "drive"),
    ("fallen", "fall"),
    ("fell", "fall"),
    ("felt", "feel"),
    ("fled", "flee"),
    ("flew", "fly"),
    ("flown", "fly"),
    ("fought", "fight"),
    ("found", "find"),
    ("gave", "give"),
    ("given", "give"),
    ("gone", "go"),
    ("got", "get"),
    ("gotten", "get"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("held", "hold"),
    ("hid", "hide"),
    ("hidden", "hide"),
    ("kept", "keep"),
    ("knew", "know"),
    ("known", "know"),
    ("led", "lead"),
    ("lost", "lose"),
    ("made", "make"),
    ("meant", "mean"),
    ("met", "meet"),
    ("paid", "pay"),
    ("ran", "run"),
    ("risen", "rise"),
    ("rose", "rise"),
    ("said", "say"),
    ("saw", "see"),
    ("seen", "see"),
    ("sent", "send"),
    ("shot", "shoot"),
    ("sold", "sell"),
    ("sought", "seek"),
    ("spent", "spend"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("stole", "steal"),
    ("stolen", "steal"),
    ("stood", "stand"),
    ("struck", "strike"),
    ("taken", "take"),
    ("taught", "teach"),
    ("thought", "think"),
    ("threw", "throw"),
    ("thrown", "throw"),
    ("told", "tell"),
    ("took", "take"),
    ("understood", "understand"),
    ("went", "go"),
    ("won", "win"),
    ("wore", "wear"),
    ("worn", "wear"),
    ("written", "write"),
    ("wrote", "write"),
];

/// Stems cached per thread before the cache is emptied and starts again (bounds its memory).
pub(super) const STEM_CACHE_LIMIT: usize = 1 << 16;

thread_local! {
    static STEMS: RefCell<FxHashMap<Box<str>, Box<str>>> = RefCell::default();
}

/// The Snowball stem of a normalized word (irregular verb forms first become their base).
///
/// A corpus says the same words over and over, so stems are cached per thread.
pub fn stem(word: &str) -> String {
    let mut out = String::new();
    stem_into(word, &mut out);
    out
}

/// [`stem`] appended to `out`, from the cache without a `String` of its own when it is there.
pub(super) fn stem_into(word: &str, out: &mut String) {
    // Every question has stop words, and alias names may: theirs are in a table of their own.
    if let Some(stem) = stop_word_stem(word) {
        out.push_str(stem);
        return;
    }
    STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(s) = cache.get(word) {
            out.push_str(s);
            return;
        }
        let s = stem_uncached(word);
        if cache.len() >= STEM_CACHE_LIMIT {
            cache.clear();
        }
        out.push_str(&s);
        cache.insert(word.into(), s.into_boxed_str());
    })
}

/// Empties this thread's stem cache and gives its memory back: an index build fills the
/// caches of every thread that tokenized, which questions would otherwise keep for good.
pub fn forget_stems() {
    STEMS.with(|cache| *cache.borrow_mut() = FxHashMap::default());
}

/// The stem of a stop word, from a table made once.
pub(super) fn stop_word_stem(word: &str) -> Option<&'static str> {
    static STEMS: LazyLock<FxHashMap<&'static str, String>> =
        LazyLock::new(|| STOP_WORDS.iter().map(|&w| (w, stem_uncached(w))).collect());
    STEMS.get(word).map(String::as_str)
}

/// [`stem`] without the cache, for words met once (a vocabulary's).
pub fn stem_uncached(word: &str) -> String {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    let base = IRREGULAR
        .binary_search_by_key(&word, |&(form, _)| form)
        .map_or(word, |i| IRREGULAR[i].1);
    STEMMER.stem(base).into_owned()
}
