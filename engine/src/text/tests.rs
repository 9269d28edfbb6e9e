//! The tokenizer's behaviour: folding, compounds, acronyms, capitals, stop words, stems,
//! sentences and question words.

use super::question::*;
use super::sentences::*;
use super::stem::*;
use super::stop_words::*;
use super::tokenize::*;
use super::*;
use rustc_hash::FxHashMap;

fn words(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|t| t.text).collect()
}

proptest::proptest! {
    #[test]
    fn pieces_are_the_unstemmed_tokens(text in "\\PC{0,200}") {
        let mut pieces = Vec::new();
        for_each_piece(&text, |p| {
            pieces.push(Token {
                text: p.word.to_string(),
                stem: String::new(),
                start: p.start,
                end: p.end,
                caps: p.caps,
                stop: p.stop,
                joined: p.joined,
                position: p.position,
            })
        });
        proptest::prop_assert_eq!(pieces, tokenize_unstemmed(&text));
    }

    #[test]
    fn unstemmed_tokens_are_the_tokens_without_their_stems(text in "\\PC{0,200}") {
        let mut tokens = tokenize(&text);
        tokens.iter_mut().for_each(|t| t.stem.clear());
        proptest::prop_assert_eq!(tokenize_unstemmed(&text), tokens);
    }

}

/// [`question_words`] as [`Token`]s, to compare with [`tokenize`]'s.
fn question_tokens<'s>(text: &str, known: impl Fn(&str) -> Option<&'s str>) -> Vec<Token> {
    let mut buffer = String::from("left over");
    question_words(text, |w| known(w), &mut buffer)
        .iter()
        .map(|w| Token {
            text: w.text.to_string(),
            stem: w.stem.to_string(),
            start: w.start,
            end: w.end,
            caps: w.caps,
            stop: w.stop,
            joined: w.joined,
            position: w.position,
        })
        .collect()
}

/// Question words agree with the tokens whether the index knows no stem, or every stem
/// (as [`stem`] gives it), or a wrong one for stop words (which must not be asked).
fn assert_question_words_are_the_tokens(text: &str) {
    let tokens = tokenize(text);
    assert_eq!(question_tokens(text, |_| None), tokens, "{text:?}");
    let stems: FxHashMap<String, String> = tokens
        .iter()
        .filter(|t| !t.stop)
        .map(|t| (t.text.clone(), t.stem.clone()))
        .collect();
    let known = |w: &str| stems.get(w).map(String::as_str);
    assert_eq!(question_tokens(text, known), tokens, "{text:?}");
    assert!(question_tokens(text, |_| Some("wrong"))
        .iter()
        .zip(&tokens)
        .all(|(q, t)| q.stem == t.stem || !t.stop));
}

#[test]
fn question_words_are_the_tokens_on_tricky_words() {
    for text in [
        "",
        "the U.S. forces and the U.S",
        "U.S.-led e.g. i.e. A.B.C.D. a.b-c",
        "Taliban’s don't ISIS-K's Amir-Abdollahian/US_IS it's 's",
        "WHO IS THE GOVERNOR OF KABUL",
        "who is THE governor US",
        "Who said what about IS and the US? Which TV channel?",
        "Ṭālibān CAFÉ e\u{301} \u{301}\u{301} İS ß ﬁ ’s",
        "3.5 2021/22 a--b a-'b x.-y ..a.. -a- _a_",
        "“Daesh” leaders—moved. IS-K (ISKP) OTH",
        "said came fought went thought understood themselves yourselves",
    ] {
        assert_question_words_are_the_tokens(text);
    }
}

proptest::proptest! {
    #[test]
    fn question_words_are_the_tokens_on_any_text(text in "\\PC{0,200}") {
        assert_question_words_are_the_tokens(&text);
    }

    #[test]
    fn question_words_are_the_tokens_on_wordy_text(
        text in "([a-zA-Z0-9 '’\\-/._éÉṬ?]|is |IS |the |The |THE |U\\.S\\.|'s |said |US ){0,40}",
    ) {
        assert_question_words_are_the_tokens(&text);
    }

    #[test]
    fn stop_word_stems_are_the_stemmers_stems_of_the_listed_words(
        word in "([a-z]{0,11}|[a-zA-Zé0-9’ ]{0,6})",
        pick in 0usize..1000,
        suffix in "[a-z]{0,2}",
    ) {
        let listed = |w: &str| STOP_WORDS.binary_search(&w).ok().map(|_| stem_uncached(w));
        proptest::prop_assert_eq!(stop_word_stem(&word).map(str::to_string), listed(&word));
        let near = format!("{}{suffix}", STOP_WORDS[pick % STOP_WORDS.len()]);
        proptest::prop_assert_eq!(stop_word_stem(&near).map(str::to_string), listed(&near));
    }
}

proptest::proptest! {
    #[test]
    fn compounds_tell_whole_words_as_a_search_of_every_token_does(
        text in "([a-zA-Z '’\\-/._éU]|U\\.S\\.|-led |'s ){0,40}",
    ) {
        let tokens = tokenize(&text);
        let compounds = Compounds::of(&tokens);
        for t in &tokens {
            let whole = t.joined
                || !tokens
                    .iter()
                    .any(|j| j.joined && j.start <= t.start && j.end >= t.end);
            proptest::prop_assert_eq!(compounds.whole(&t.as_word()), whole, "{:?}", t);
        }
    }
}

proptest::proptest! {
    #[test]
    fn stop_words_are_the_listed_words(
        word in "([a-z]{0,11}|[a-zé0-9’ ]{0,6})",
        pick in 0usize..1000,
        suffix in "[a-z]{0,2}",
    ) {
        let listed = |w: &str| STOP_WORDS.binary_search(&w).is_ok();
        proptest::prop_assert_eq!(is_stop_word(&word), listed(&word));
        let near = format!("{}{suffix}", STOP_WORDS[pick % STOP_WORDS.len()]);
        proptest::prop_assert_eq!(is_stop_word(&near), listed(&near));
    }
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
fn stop_words_take_the_stemmers_stems_from_their_table() {
    for w in STOP_WORDS {
        assert_eq!(stop_word_stem(w), Some(stem_uncached(w).as_str()), "{w}");
    }
    for w in ["taliban", "kabul", "zzzzzzzzzz", ""] {
        assert_eq!(stop_word_stem(w), None, "{w}");
    }
}

#[test]
fn stop_words_are_sorted_unique_and_short() {
    let mut sorted = STOP_WORDS.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, STOP_WORDS);
    assert!(STOP_WORDS.iter().all(|w| w.len() <= 10 && is_stop_word(w)));
    for w in ["hisx", "usa", "zzzzzzzzzz", "taliban"] {
        assert!(!is_stop_word(w), "{w}");
    }
    assert!(!is_stop_word("taliban") && !is_stop_word("themselvesx"));
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
fn sentences_end_at_terminal_punctuation_before_a_capital() {
    let text = "He said “no.” Then he left! U.S. officials met e.g. him. 3.5 is a number… End";
    let got: Vec<&str> = sentences(text).iter().map(|&(s, e)| &text[s..e]).collect();
    assert_eq!(
        got,
        vec![
            "He said “no.” ",
            "Then he left! ",
            "U.S. officials met e.g. him. ",
            "3.5 is a number… ",
            "End"
        ]
    );
    assert!(sentences("").is_empty());
    assert_eq!(sentences("No end"), vec![(0, 6)]);
}

#[test]
fn notes_initials_and_titles_do_not_end_a_sentence() {
    let text = "It fell in 1920.[citation needed] On May 1 George W. Bush met Mr. Smith in \
                St. John's. The U.S. Army left (J. Doe). Vitamin C. Then [a] end.[1]";
    let got: Vec<&str> = sentences(text).iter().map(|&(s, e)| &text[s..e]).collect();
    assert_eq!(
        got,
        vec![
            "It fell in 1920.[citation needed] ",
            "On May 1 George W. Bush met Mr. Smith in St. John's. ",
            "The U.S. ",
            "Army left (J. Doe). ",
            "Vitamin C. Then [a] end.[1]",
        ]
    );
}

#[test]
fn byte_ranges_point_into_the_original() {
    let text = "“Daesh” leaders—moved.";
    for t in tokenize(text) {
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
    }
    assert_eq!(words(text), vec!["daesh", "leaders", "moved"]);
}
