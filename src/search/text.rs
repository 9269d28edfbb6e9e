//! Text → terms: the normalization both the corpus and the questions go through.
//!
//! - Unicode: compatibility decomposition, diacritics dropped, lower case (`Ṭālibān` = `taliban`).
//! - Quote marks and apostrophes folded; a possessive `'s` dropped (`Taliban’s` = `Taliban's` =
//!   `taliban`), other apostrophes removed (`don't` = `dont`).
//! - Hyphenated, slashed and dotted compounds yield their parts *and* the joined form
//!   (`Amir-Abdollahian` → `amir`, `abdollahian`, `amirabdollahian`), so either spelling matches.
//!   Dotted acronyms are one word (`U.S.` = `US`).
//! - English stop words are marked, except in all-capital acronyms (`US`, `IS`, `WHO`) unless the
//!   whole text is in capitals.
//! - Every word carries its Snowball stem and its byte range in the original text.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// One word of a text, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The normalized surface form (lower case, no diacritics, no apostrophes).
    pub text: String,
    /// Its Snowball stem.
    pub stem: String,
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// Written in capitals in the original (an acronym such as `US` or `ISKP`).
    pub caps: bool,
    /// An English stop word (never set on acronyms).
    pub stop: bool,
    /// The joined form of a compound, covering its parts' range.
    pub joined: bool,
    /// Word position: parts count one each; a joined form shares its first part's position.
    pub position: u32,
}

/// English stop words: function words and question words that carry no topic.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "also",
    "although",
    "am",
    "among",
    "an",
    "and",
    "any",
    "are",
    "arent",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "cant",
    "could",
    "couldnt",
    "did",
    "didnt",
    "do",
    "does",
    "doesnt",
    "doing",
    "dont",
    "down",
    "during",
    "each",
    "either",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadnt",
    "has",
    "hasnt",
    "have",
    "havent",
    "having",
    "he",
    "hed",
    "hell",
    "her",
    "here",
    "heres",
    "hers",
    "herself",
    "hes",
    "him",
    "himself",
    "his",
    "how",
    "hows",
    "i",
    "id",
    "if",
    "ill",
    "im",
    "in",
    "into",
    "is",
    "isnt",
    "it",
    "its",
    "itself",
    "ive",
    "just",
    "let",
    "lets",
    "many",
    "me",
    "more",
    "most",
    "much",
    "must",
    "mustnt",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "onto",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "same",
    "shall",
    "shant",
    "she",
    "shed",
    "shell",
    "shes",
    "should",
    "shouldnt",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "thats",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "theres",
    "these",
    "they",
    "theyd",
    "theyll",
    "theyre",
    "theyve",
    "this",
    "those",
    "though",
    "through",
    "to",
    "too",
    "toward",
    "towards",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "wasnt",
    "we",
    "wed",
    "well",
    "were",
    "werent",
    "weve",
    "what",
    "whats",
    "when",
    "whens",
    "where",
    "wheres",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whos",
    "whose",
    "why",
    "whys",
    "will",
    "with",
    "within",
    "without",
    "wont",
    "would",
    "wouldnt",
    "yet",
    "you",
    "youd",
    "youll",
    "your",
    "youre",
    "yours",
    "yourself",
    "yourselves",
    "youve",
];

/// True for an English stop word (normalized form).
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Normalizes a word: compatibility decomposition, diacritics dropped, lower case, apostrophes
/// and quote marks removed.
pub fn normalize(word: &str) -> String {
    if word.is_ascii() {
        // The common case, without decomposition tables.
        return word
            .bytes()
            .filter(|&b| !matches!(b, b'\'' | b'`'))
            .map(|b| b.to_ascii_lowercase() as char)
            .collect();
    }
    let mut out = String::with_capacity(word.len());
    for c in word.nfkd() {
        if is_combining_mark(c) || is_apostrophe(c) {
            continue;
        }
        for l in c.to_lowercase() {
            out.push(l);
        }
    }
    out
}

/// Irregular English verb forms and their base form, which Snowball cannot relate
/// (`said` → `say`, `came` → `come`); sorted for binary search.
const IRREGULAR: &[(&str, &str)] = &[
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
    if word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    let base = IRREGULAR
        .binary_search_by_key(&word, |&(form, _)| form)
        .map_or(word, |i| IRREGULAR[i].1);
    STEMMER.stem(base).into_owned()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '′' | '`' | '´')
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '/' | '.' | '_') || is_apostrophe(c)
}

fn is_splitter(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '/' | '.' | '_')
}

/// A text of three words or more written all in capitals: there, capitals say nothing about
/// acronyms.
fn shouted(text: &str) -> bool {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
        >= 3
        && all_caps(text)
}

/// True when the text has letters and all of them are capitals.
fn all_caps(text: &str) -> bool {
    let mut letters = text.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| !c.is_lowercase())
}

/// Splits a text into normalized tokens (stop words included, marked), with stems.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_with(text, true)
}

/// Splits a text into normalized tokens without stemming them (`stem` left empty): for callers
/// that look words up by their surface form, where stemming would be wasted work.
pub fn tokenize_surface(text: &str) -> Vec<Token> {
    tokenize_with(text, false)
}

fn tokenize_with(text: &str, stems: bool) -> Vec<Token> {
    let shouting = shouted(text);
    let mut tokens = Vec::new();
    let mut position = 0u32;
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if !is_word_char(c) {
            chars.next();
            continue;
        }
        // A raw word: word characters with single joiners between them.
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if is_word_char(c) {
                end = i + c.len_utf8();
                chars.next();
            } else if is_joiner(c) {
                let mut ahead = chars.clone();
                ahead.next();
                match ahead.peek() {
                    Some(&(_, n)) if is_word_char(n) => {
                        chars.next();
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        let mut raw_end = end;
        // Keep the final dot of an acronym such as `U.S.` in its range.
        if text[start..end].contains('.') && is_dotted_acronym(&text[start..end]) {
            if let Some(&(i, '.')) = chars.peek() {
                raw_end = i + 1;
            }
        }
        push_word(
            text,
            start,
            raw_end,
            shouting,
            stems,
            &mut position,
            &mut tokens,
        );
    }
    tokens
}

fn is_dotted_acronym(raw: &str) -> bool {
    raw.split('.')
        .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
}

fn push_word(
    text: &str,
    start: usize,
    end: usize,
    shouting: bool,
    stems: bool,
    position: &mut u32,
    tokens: &mut Vec<Token>,
) {
    let raw = &text[start..end];
    let acronym = raw.contains('.') && is_dotted_acronym(raw.trim_end_matches('.'));
    // Parts: split at hyphens, slashes, dots and underscores (not inside a dotted acronym).
    let mut parts: Vec<(usize, usize)> = Vec::new();
    if acronym {
        parts.push((start, end));
    } else {
        let mut part_start = start;
        for (i, c) in raw.char_indices() {
            if is_splitter(c) {
                parts.push((part_start, start + i));
                part_start = start + i + c.len_utf8();
            }
        }
        parts.push((part_start, end));
    }
    let first_position = *position;
    let mut joined = String::new();
    for &(s, e) in &parts {
        let piece = &text[s..e];
        let word = normalize(strip_possessive(piece));
        let word: String = word.chars().filter(|c| *c != '.').collect();
        if word.is_empty() {
            continue;
        }
        joined.push_str(&word);
        let caps = !shouting
            && piece.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && all_caps(piece);
        tokens.push(Token {
            stop: !caps && is_stop_word(&word),
            stem: if stems { stem(&word) } else { String::new() },
            text: word,
            start: s,
            end: e,
            caps,
            joined: false,
            position: *position,
        });
        *position += 1;
    }
    let produced = tokens
        .iter()
        .rev()
        .take_while(|t| t.start >= start && !t.joined)
        .count();
    if produced > 1 {
        let caps = !shouting && all_caps(raw);
        tokens.push(Token {
            stop: false,
            stem: if stems { stem(&joined) } else { String::new() },
            text: joined,
            start,
            end,
            caps,
            joined: true,
            position: first_position,
        });
    }
}

/// Drops a possessive `'s` (any apostrophe): `Taliban’s` → `Taliban`.
fn strip_possessive(piece: &str) -> &str {
    let mut rev = piece.char_indices().rev();
    match (rev.next(), rev.next()) {
        (Some((_, 's' | 'S')), Some((i, a))) if is_apostrophe(a) && i > 0 => &piece[..i],
        _ => piece,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn irregular_verbs_share_their_base_stem() {
        let mut sorted = IRREGULAR.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, IRREGULAR);
        assert_eq!(stem("said"), stem("says"));
        assert_eq!(stem("came"), stem("coming"));
        assert_eq!(stem("fought"), stem("fighting"));
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn apostrophes_and_quote_marks_fold() {
        assert_eq!(words("Taliban’s"), words("Taliban's"));
        assert_eq!(words("Taliban's"), vec!["taliban"]);
        assert_eq!(words("don't"), vec!["dont"]);
    }

    #[test]
    fn compounds_yield_parts_and_the_joined_form() {
        assert_eq!(
            words("Amir-Abdollahian"),
            vec!["amir", "abdollahian", "amirabdollahian"]
        );
        assert_eq!(words("ISIS-K"), vec!["isis", "k", "isisk"]);
        let joined = tokenize("ISIS-K").pop().unwrap();
        assert!(joined.joined && joined.caps);
        assert_eq!((joined.start, joined.end), (0, 6));
    }

    #[test]
    fn dotted_acronyms_are_one_word() {
        let t = tokenize("the U.S. forces");
        assert_eq!(t[1].text, "us");
        assert!(t[1].caps && !t[1].stop);
        assert_eq!(&"the U.S. forces"[t[1].start..t[1].end], "U.S.");
    }

    #[test]
    fn capitals_protect_acronyms_from_the_stop_list_unless_shouting() {
        let t = tokenize("tell us about the US");
        assert!(t[1].stop);
        assert!(!t[4].stop);
        let shout = tokenize("WHO IS THE GOVERNOR");
        assert!(shout[0].stop && shout[1].stop);
    }

    #[test]
    fn diacritics_and_case_are_folded() {
        assert_eq!(words("Ṭālibān CAFÉ"), vec!["taliban", "cafe"]);
    }

    #[test]
    fn byte_ranges_point_into_the_original() {
        let text = "“Daesh” leaders—moved.";
        for t in tokenize(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
        assert_eq!(words(text), vec!["daesh", "leaders", "moved"]);
    }
}
