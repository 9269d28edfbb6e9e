//! Stems: the Snowball English stemmer, with irregular verb forms first taken to their base
//! (`said` → `say`), so `said`, `says` and `saying` share a stem.

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

/// The Snowball stem of a normalized word (irregular verb forms first become their base).
pub fn stem(word: &str) -> String {
    let mut out = String::new();
    stem_into(word, &mut out);
    out
}

/// [`stem`] appended to `out`; a stop word's from a table made once (every question has some).
pub(super) fn stem_into(word: &str, out: &mut String) {
    match stop_word_stem(word) {
        Some(stem) => out.push_str(stem),
        None => out.push_str(&stem_uncached(word)),
    }
}

/// The stem of a stop word, from a table made once.
pub(super) fn stop_word_stem(word: &str) -> Option<&'static str> {
    static STEMS: LazyLock<FxHashMap<&'static str, String>> =
        LazyLock::new(|| STOP_WORDS.iter().map(|&w| (w, stem_uncached(w))).collect());
    STEMS.get(word).map(String::as_str)
}

/// [`stem`] without the stop-word table: the Snowball stem (a vocabulary's words are stemmed
/// once each, with this).
pub fn stem_uncached(word: &str) -> String {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    let base = IRREGULAR
        .binary_search_by_key(&word, |&(form, _)| form)
        .map_or(word, |i| IRREGULAR[i].1);
    STEMMER.stem(base).into_owned()
}
