//! Questions → concepts: what each informative word of a question may match in the index.
//!
//! A concept is one thing the question asks about (a word, a compound, an alias name) with its
//! alternatives, best first: the word's own stem (weight 1), the joined form of it and its
//! neighbour (`amir abdolahian` → `amirabdollahian`), and, when the word is missing from the
//! vocabulary or rare in it, vocabulary words within its typo budget (weight below 1, lower
//! for two typos). An alias name (`ISIL`) is one concept that matches every name of its group.
//!
//! Each concept also carries an importance for coverage: its idf, raised for words the asker
//! wrote as names (capitals mid-sentence, acronyms, numbers), since a name the corpus never
//! mentions is the surest sign that the corpus does not answer.

use super::fuzzy;
use super::index::Index;
use crate::text::{self, Compounds, Word};

/// At most this many typo neighbours per word.
const MAX_NEIGHBOURS: usize = 8;
/// Concepts beyond this many are dropped (a question is short; the bitmasks are 32 bits).
pub const MAX_CONCEPTS: usize = 24;

/// One thing the question asks about.
#[derive(Debug, Clone)]
pub struct Concept {
    /// The words of the question, as typed.
    pub label: String,
    /// The normalized word (for suggestions).
    pub normalized: String,
    /// Term ids and match weights, best first.
    pub alternatives: Vec<(u32, f32)>,
    /// The question's own word id, when the vocabulary has it (exact-match bonus).
    pub exact_word: Option<u32>,
    /// Importance for coverage.
    pub importance: f32,
    /// True when at least one alternative occurs in the corpus.
    pub known: bool,
    /// Written as a name (capitals mid-sentence, an acronym, a number).
    pub named: bool,
    /// Names the kind of answer ("which TV channel"): the passage seldom repeats it.
    pub focus: bool,
}

/// The kind of words that would answer the question, from its question word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerType {
    /// "who", "whom", "whose", "which": a name.
    Name,
    /// "how many", "how much", "when", "what year": a number.
    Number,
}

impl AnswerType {
    /// Reads the question word(s) of a question.
    pub fn of(tokens: &[Word<'_>]) -> Option<AnswerType> {
        let mut words = tokens
            .iter()
            .filter(|t| !t.joined)
            .map(|t| t.text)
            .peekable();
        while let Some(w) = words.next() {
            let next = words.peek().copied().unwrap_or("");
            match (w, next) {
                // "which year", "what percentage": a number, whatever the question word.
                (
                    "which" | "what",
                    "year" | "years" | "date" | "century" | "decade" | "percentage" | "percent"
                    | "temperature" | "age" | "number" | "amount",
                ) => return Some(AnswerType::Number),
                ("who" | "whom" | "whose" | "which", _) => return Some(AnswerType::Name),
                ("how", "many" | "much" | "long" | "old" | "often" | "far" | "large" | "big") => {
                    return Some(AnswerType::Number)
                }
                ("when", _) => return Some(AnswerType::Number),
                _ => {}
            }
        }
        None
    }
}

/// A question, parsed against an index.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Informative concepts, in question order.
    pub concepts: Vec<Concept>,
    /// The kind of answer asked for, if the question word says.
    pub answer_type: Option<AnswerType>,
    /// The terms among the alternatives that stand for passages defining an acronym: unlike
    /// words and alias names, they are in the postings but not in the passages' sequences.
    pub definitions: Vec<u32>,
    /// Pairs of named concepts written side by side in the question ("Public School"), in
    /// question order: a passage about that name holds them side by side too.
    pub name_pairs: Vec<(usize, usize)>,
    /// The last concept of what a "What is X?" question asks to define (X's last word): a
    /// sentence that writes it and goes on "is", "was", ", a" or "(" defines it.
    pub subject: Option<usize>,
}

impl Query {
    /// Parses a question into concepts.
    pub fn parse(index: &Index, question: &str) -> Query {
        // The index knows the stems of the words it holds (a small one does): only the others
        // go through the stemmer.
        let mut buffer = String::new();
        let tokens = text::question_words(question, |word| index.known_stem(word), &mut buffer);
        let alias_matches = index.aliases.find(&tokens);
        // A question typed in lower case shows no names by its capitals: its words are names
        // when the corpus mostly writes them so.
        let uncased = !question
            .trim_start()
            .chars()
            .skip(1)
            .any(char::is_uppercase);
        let named_word = |t: &Word<'_>, id: Option<u32>| {
            looks_like_name(question, t) || (uncased && id.is_some_and(|id| index.is_name_word(id)))
        };
        // A concept per alias name and per word at most: sized once.
        let mut concepts: Vec<Concept> = Vec::with_capacity(tokens.len());
        let mut seen_terms: Vec<u32> = Vec::with_capacity(tokens.len());
        let mut definitions: Vec<u32> = Vec::new();
        // Where each concept is written in the question.
        let mut spans: Vec<(usize, usize)> = Vec::with_capacity(tokens.len());

        for m in &alias_matches {
            let term = index.alias_terms[m.group as usize];
            if seen_terms.contains(&term) {
                continue;
            }
            seen_terms.push(term);
            // The words inside the name, spelled out with a space between them.
            let (mut normalized, mut only, mut count, mut named) = (String::new(), None, 0, false);
            for t in tokens
                .iter()
                .filter(|t| t.start >= m.start && t.end <= m.end && !t.joined)
            {
                if count > 0 {
                    normalized.push(' ');
                }
                normalized.push_str(t.text);
                named |= named_word(t, index.word(t.text));
                only = Some(t.text);
                count += 1;
            }
            let exact_word = match (count, only) {
                (1, Some(one)) => index.word(one),
                _ => None,
            };
            spans.push((m.start, m.end));
            concepts.push(concept(
                index,
                question[m.start..m.end].to_string(),
                normalized,
                vec![(term, 1.0)],
                exact_word,
                named,
            ));
        }
        let in_alias = |t: &Word<'_>| {
            alias_matches
                .iter()
                .any(|m| t.start >= m.start && t.end <= m.end)
        };

        let focus = focus_words(&tokens);
        // Words: compounds count once, through their joined form.
        let compounds = Compounds::of(&tokens);
        let words: Vec<&Word<'_>> = tokens
            .iter()
            .filter(|t| !t.stop && !in_alias(t) && compounds.whole(t))
            .collect();
        let mut lookups = Lookups::new(index, &words);
        for (i, t) in words.iter().enumerate() {
            if t.text.chars().count() < 2 && !t.text.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let mut alternatives: Vec<(u32, f32)> = Vec::new();
            let word = lookups.word(i);
            // A word's term is its stem's: the index knows it for the words it holds.
            let own = match word {
                Some(id) => Some(index.word_term[id as usize]),
                None => index.term(t.stem),
            };
            let spelled = word.is_some();
            if let Some(term) = own {
                if seen_terms.contains(&term) {
                    continue;
                }
                // A word the corpus never spells this way shares its stem only by chance as
                // often as not (`governer` → `govern`): no better than a typo neighbour.
                alternatives.push((
                    term,
                    if spelled {
                        1.0
                    } else {
                        index.ranking.stem_only
                    },
                ));
            }
            // The joined form with the previous or the next word.
            for (a, b) in [(i.checked_sub(1), Some(i)), (Some(i), Some(i + 1))] {
                if let (Some(a), Some(b)) = (a, b) {
                    if let (Some(x), Some(y)) = (words.get(a), words.get(b)) {
                        if y.position == x.position + 1 {
                            alternatives.extend_from_slice(lookups.joined(a));
                        }
                    }
                }
            }
            // The passages that define an acronym the question uses.
            if may_be_defined(t.text) {
                if let Some(term) = index.definition(t.text) {
                    alternatives.push((term, 1.0));
                    definitions.push(term);
                }
            }
            // Typo neighbours for a word the corpus does not spell this way, or spells only
            // once (then the corpus may hold the typo, or the asker typed another rare word).
            let rare = word.is_none_or(|id| index.word_count[id as usize] <= 1);
            if rare {
                add_neighbours(index, t.text, 1.0, &mut alternatives);
            }
            if let Some(term) = own {
                seen_terms.push(term);
            }
            let mut c = concept(
                index,
                question[t.start..t.end].to_string(),
                t.text.to_string(),
                alternatives,
                word,
                named_word(t, word) && !focus.contains(&Some(t.start)),
            );
            if focus.contains(&Some(t.start)) {
                c.importance *= index.ranking.focus;
                c.focus = true;
            }
            spans.push((t.start, t.end));
            concepts.push(c);
        }
        concepts.truncate(MAX_CONCEPTS);
        let name_pairs = name_pairs(question, &concepts, &spans);
        let subject = subject(&tokens, &spans[..concepts.len().min(spans.len())]);
        Query {
            concepts,
            answer_type: AnswerType::of(&tokens),
            definitions,
            name_pairs,
            subject,
        }
    }

    /// Sum of the importances of all concepts.
    pub fn total_importance(&self) -> f32 {
        self.concepts.iter().map(|c| c.importance).sum()
    }
}

/// The vocabulary lookups of a question's words, each done once: a word and the joined form of
/// a pair of neighbours are looked at by up to three concepts.
struct Lookups<'a> {
    index: &'a Index,
    words: &'a [&'a Word<'a>],
    /// Word → its id in the vocabulary, once looked up.
    ids: Vec<Option<Option<u32>>>,
    /// Word `a` → the alternatives the joined form of words `a` and `a + 1` gives.
    joined: Vec<Option<Vec<(u32, f32)>>>,
    /// Where a joined form is spelled, reused.
    spelling: String,
}

impl<'a> Lookups<'a> {
    fn new(index: &'a Index, words: &'a [&'a Word<'a>]) -> Lookups<'a> {
        Lookups {
            index,
            words,
            ids: vec![None; words.len()],
            joined: vec![None; words.len()],
            spelling: String::new(),
        }
    }

    /// The vocabulary id of word `i`.
    fn word(&mut self, i: usize) -> Option<u32> {
        let (index, words) = (self.index, self.words);
        *self.ids[i].get_or_insert_with(|| index.word(words[i].text))
    }

    /// The alternatives of the joined form of words `a` and `a + 1`: the word it is, if the
    /// vocabulary has it, else its typo neighbours when one of the two is not a known word.
    fn joined(&mut self, a: usize) -> &[(u32, f32)] {
        if self.joined[a].is_none() {
            let index = self.index;
            let (x, y) = (self.words[a], self.words[a + 1]);
            let mut joined = std::mem::take(&mut self.spelling);
            joined.clear();
            joined.push_str(x.text);
            joined.push_str(y.text);
            let mut alternatives = Vec::new();
            if let Some(id) = index.word(&joined) {
                alternatives.push((index.word_term[id as usize], index.ranking.joined));
            } else if self.word(a).is_none() || self.word(a + 1).is_none() {
                // A misspelt name split in two (`amir abdolahian`); two common words are not
                // worth a typo search of their join.
                add_neighbours(index, &joined, index.ranking.joined, &mut alternatives);
            }
            self.joined[a] = Some(alternatives);
            self.spelling = joined;
        }
        self.joined[a].as_deref().unwrap_or_default()
    }
}

/// Whether a word may name an acronym the corpus defines: the index records definitions of
/// two to six letters only (a test holds the two rules together).
fn may_be_defined(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if !c.is_alphabetic() {
            return false;
        }
        letters += 1;
    }
    (2..=6).contains(&letters)
}

/// The concept a "What is X?" question asks to define: the one written last, when the question
/// is a question word, a form of "be" and a subject of informative words (an article aside).
fn subject(tokens: &[Word<'_>], spans: &[(usize, usize)]) -> Option<usize> {
    let mut words = tokens.iter().filter(|t| !t.joined);
    let asks = matches!(words.next()?.text, "what" | "who");
    let be = matches!(words.next()?.text, "is" | "are" | "was" | "were");
    let bare = words.all(|t| !t.stop || matches!(t.text, "a" | "an" | "the"));
    if !(asks && be && bare) {
        return None;
    }
    (0..spans.len()).max_by_key(|&i| spans[i].0)
}

/// Named concepts written side by side (only spaces between them), in question order.
fn name_pairs(
    question: &str,
    concepts: &[Concept],
    spans: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let named: Vec<usize> = (0..concepts.len()).filter(|&i| concepts[i].named).collect();
    let mut pairs = Vec::new();
    for &a in &named {
        for &b in &named {
            let between = question.get(spans[a].1..spans[b].0);
            if between.is_some_and(|g| !g.is_empty() && g.trim().is_empty()) {
                pairs.push((a, b));
            }
        }
    }
    pairs
}

fn concept(
    index: &Index,
    label: String,
    normalized: String,
    mut alternatives: Vec<(u32, f32)>,
    exact_word: Option<u32>,
    named: bool,
) -> Concept {
    alternatives.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    alternatives.dedup_by_key(|a| a.0);
    let known = alternatives.iter().any(|&(t, _)| index.df(t) > 0);
    // Importance: how telling the word is where it matches; a word the corpus lacks counts as
    // the rarest.
    let idf = alternatives
        .iter()
        .filter(|&&(t, _)| index.df(t) > 0)
        .map(|&(t, w)| index.idf(t) * w)
        .fold(None, |best: Option<f32>, x| {
            Some(best.map_or(x, |b| b.max(x)))
        })
        .unwrap_or(index.max_idf());
    let importance = idf * if named { index.ranking.name } else { 1.0 };
    Concept {
        label,
        normalized,
        alternatives,
        exact_word,
        importance,
        known,
        named,
        focus: false,
    }
}

/// Typo neighbours of a word as alternatives.
fn add_neighbours(index: &Index, word: &str, weight: f32, out: &mut Vec<(u32, f32)>) {
    let budget = fuzzy::typo_budget(word.chars().count());
    for (id, distance) in index
        .trigrams
        .neighbours(&index.words, word, budget, MAX_NEIGHBOURS)
    {
        let likeness = fuzzy::likeness(word, &index.words[id as usize]);
        let r = &index.ranking;
        let w = weight
            * r.typo[(distance as usize - 1).min(1)]
            * (1.0 - r.typo_likeness + r.typo_likeness * likeness);
        out.push((index.word_term[id as usize], w));
    }
}

/// The words that name the kind of answer right after "which" or "what" ("which TV channel",
/// "what year"): they describe the answer, and the passage that holds it seldom repeats them.
/// Returns their byte offsets (none, one or two).
fn focus_words(tokens: &[Word<'_>]) -> [Option<usize>; 2] {
    let mut words = tokens.iter().filter(|t| !t.joined);
    let mut focus = [None; 2];
    if words.any(|t| t.text == "which" || t.text == "what") {
        for (slot, t) in focus.iter_mut().zip(words.take_while(|t| !t.stop)) {
            *slot = Some(t.start);
        }
    }
    focus
}

/// Written as a name: an acronym, a number, or a capital letter not at the start of a sentence.
fn looks_like_name(question: &str, t: &Word<'_>) -> bool {
    if t.caps || t.text.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    let first = question[t.start..].chars().next();
    if !first.is_some_and(char::is_uppercase) {
        return false;
    }
    let before = question[..t.start].trim_end();
    !(before.is_empty() || before.ends_with(['.', '!', '?', ':', '"', '“']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{load_dir, LoadOptions};
    use crate::search::{index, Aliases};

    fn answer_type(question: &str) -> Option<AnswerType> {
        let mut buffer = String::new();
        AnswerType::of(&text::question_words(question, |_| None, &mut buffer))
    }

    #[test]
    fn the_question_word_and_the_word_after_it_say_what_kind_of_answer_is_wanted() {
        use AnswerType::{Name, Number};
        for (question, kind) in [
            ("Who is the spokesman?", Some(Name)),
            ("Which group claimed the attack?", Some(Name)),
            ("In which year did the crisis begin?", Some(Number)),
            ("What percentage of stations ran dry?", Some(Number)),
            ("How far is Kabul from Herat?", Some(Number)),
            ("When did the embargo end?", Some(Number)),
            ("What did the Taliban say?", None),
        ] {
            assert_eq!(answer_type(question), kind, "{question}");
        }
    }

    /// A question's words, with the stems the index knows, are the tokens the index build
    /// sees, and name the same aliases: over every passage and title of the bundled corpus,
    /// and every word of its vocabulary as typed, capitalized and shouted.
    #[test]
    fn question_words_are_the_corpus_tokens() {
        let dir = crate::test_corpus();
        let (corpus, _) = load_dir(dir, &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::load(dir).0);
        let check = |text: &str| {
            let mut buffer = String::new();
            let words = text::question_words(text, |w| index.known_stem(w), &mut buffer);
            let tokens = text::tokenize(text);
            assert_eq!(words.len(), tokens.len(), "{text:?}");
            for (w, t) in words.iter().zip(&tokens) {
                assert_eq!(*w, text::AsWord::as_word(t), "{text:?}");
            }
            assert_eq!(
                index.aliases.find(&words),
                index.aliases.find(&tokens),
                "{text:?}"
            );
        };
        for passage in &corpus.passages {
            check(&corpus.text_of(passage));
        }
        for document in &corpus.documents {
            check(&document.title);
        }
        for word in index.words.iter() {
            let mut capital = word.to_string();
            if let Some(first) = capital.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            check(&format!(
                "Who is {word} in {capital} of {}?",
                word.to_uppercase()
            ));
            check(&format!("WHAT IS {}", word.to_uppercase()));
        }
    }

    /// Parsing skips the definition lookup for words that are not two to six letters: the index
    /// must record no other definitions.
    #[test]
    fn definitions_are_looked_up_for_the_words_the_index_defines() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Acronyms of the report\n\n\
            The Islamic State (IS) said so.\n\n\
            Limited to over the horizon (OTH) assets.\n\n\
            Alpha bravo charlie delta echo foxtrot (ABCDEF) came.\n\n\
            Alpha bravo charlie delta echo foxtrot golf (ABCDEFG) went.\n\n\
            Zulu (Z) stayed.\n";
        std::fs::write(dir.path().join("acronyms.txt"), text).unwrap();
        let (corpus, _) = load_dir(dir.path(), &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::default());
        for word in ["is", "oth", "abcdef", "abcdefg", "z"] {
            let defined = index.term(&index::definition_term(word)).is_some();
            assert_eq!(defined, may_be_defined(word), "{word}");
        }
        assert!(may_be_defined("oth") && !may_be_defined("2021") && !may_be_defined("abcdefg"));
        let query = Query::parse(&index, "What does OTH stand for?");
        assert_eq!(query.definitions.len(), 1);
    }
    /// A question with no capital past its first letter names what the corpus writes as a
    /// name; a question with capitals is taken at its word.
    #[test]
    fn a_lower_case_question_names_what_the_corpus_writes_as_names() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Reports\n\n\
            The governor met Tesla in Herat. The governor and Tesla spoke of tesla coils.\n\n\
            Then Tesla left Herat for Kabul, and the governor stayed.\n";
        std::fs::write(dir.path().join("reports.txt"), text).unwrap();
        let (corpus, _) = load_dir(dir.path(), &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::default());
        let named = |question: &str| -> Vec<String> {
            Query::parse(&index, question)
                .concepts
                .into_iter()
                .filter(|c| c.named)
                .map(|c| c.normalized)
                .collect()
        };
        assert_eq!(named("where did tesla meet the governor"), ["tesla"]);
        assert_eq!(
            named("where did tesla meet the governor in herat?"),
            ["tesla", "herat"]
        );
        assert_eq!(named("Where did tesla meet the governor?"), ["tesla"]);
        assert_eq!(named("Where did the Governor meet tesla?"), ["governor"]);
    }
}
