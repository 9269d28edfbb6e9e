//! Rendering answers for Discord: every limit holds and corpus text can neither format the reply
//! nor mention anyone, whatever the text (proptest), and the rendered answer reads as intended
//! (insta snapshots).

use std::path::PathBuf;
use std::time::Duration;

use citebot::discord::render::{
    self, cut, discord_len, escape, unescape, AnswerPage, AnswerView, CorpusSize, Reply,
};
use citebot_engine::{
    links::AnchorRule, Answer, Citation, Document, Link, LoadWarning, Quote, ReloadReport, Status,
    WarningKind,
};
use proptest::prelude::*;

/// A readable dump of a reply for snapshots.
fn dump(reply: &Reply) -> String {
    let mut out = String::new();
    out.push_str(&format!("ephemeral: {}\n", reply.ephemeral));
    if let Some(content) = &reply.content {
        out.push_str(&format!("content:\n{content}\n"));
    }
    if let Some(embed) = &reply.embed {
        out.push_str(&format!("title: {}\n", embed.title));
        out.push_str(&format!("description:\n{}\n", embed.description));
        for field in &embed.fields {
            out.push_str(&format!(
                "field {}{}: {}\n",
                field.name,
                if field.inline { " (inline)" } else { "" },
                field.value
            ));
        }
        if let Some(footer) = &embed.footer {
            out.push_str(&format!("footer: {footer}\n"));
        }
    }
    for button in &reply.buttons {
        out.push_str(&format!("button [{}] {}\n", button.label, button.id));
    }
    out.replace('\u{200B}', "<ZWSP>")
}

fn quote(source: &str, paragraph: u32, text: &str, words: &[&str]) -> Quote {
    let highlights = words
        .iter()
        .filter_map(|w| text.find(w).map(|at| [at, at + w.len()]))
        .collect();
    Quote {
        source: source.into(),
        title: format!("Title of {source}"),
        paragraph,
        page: false,
        section: None,
        text: text.into(),
        score: 1.0,
        also_in: Vec::new(),
        highlights,
        link: None,
    }
}

fn answered(question: &str, quotes: Vec<Quote>, total: usize) -> Answer {
    Answer {
        question: question.into(),
        status: Status::Answered,
        quotes,
        suggestions: Vec::new(),
        elapsed_us: 412,
        total,
        error: None,
    }
}

const SIZE: CorpusSize = CorpusSize {
    documents: 5,
    passages: 1234,
};

/// A view with no documents known (titles from the quotes, no links), asked by user 42.
fn plain() -> AnswerView<'static> {
    AnswerView {
        corpus: SIZE,
        documents: &[],
        context: None,
        asker: Some(42),
    }
}

/// A document `id` with the given front matter.
fn with_meta(id: &str, url: Option<&str>, publisher: Option<&str>, date: Option<&str>) -> Document {
    Document {
        id: id.into(),
        title: format!("Title of {id}"),
        path: PathBuf::from(format!("{id}.txt")),
        publisher: publisher.map(String::from),
        url: url.map(String::from),
        date: date.map(String::from),
        paragraphs: 3,
        words: 100,
        content_hash: 0,
        opening: String::new(),
    }
}

/// A quote of document `id` linked to `https://docs.example.org/{id}` at `heading`.
fn linked(id: &str, text: &str, heading: &str) -> Quote {
    let mut q = quote(id, 1, text, &[]);
    q.link = Some(Link::new(
        format!("https://docs.example.org/{id}"),
        AnchorRule::Github,
        Some(heading),
        text,
        true,
    ));
    q
}

#[test]
fn a_citation_links_to_the_section_and_highlights_the_quote() {
    let answer = answered(
        "How long may a footer be?",
        vec![linked(
            "embeds",
            "The footer.text field may hold 2048 characters, the title 256.",
            "Embed Limits",
        )],
        1,
    );
    let reply = render::answer(&answer, AnswerPage { top: 1, page: 0 }, &plain());
    assert!(reply.limit_violations().is_empty());
    let description = &reply.embed.as_ref().unwrap().description;
    assert!(
        description.contains(
            "[Title of embeds](<https://docs.example.org/embeds#embed-limits:~:text=The%20footer.text%20field%20may,characters%2C%20the%20title%20256.>)"
        ),
        "{description}"
    );
}

#[test]
fn links_give_way_to_quotes_fragment_first_then_the_whole_link() {
    // Five long quotes with long links: the links cannot all keep their text fragments.
    let long = "Wörter ".repeat(85);
    let heading = "Ä very long heading ".repeat(3);
    let quotes: Vec<Quote> = (0..5)
        .map(|i| linked(&format!("doc{i}"), &format!("{long} end {i}."), &heading))
        .collect();
    let whole = quotes[0].link.as_ref().unwrap().url();
    assert!(whole.contains(":~:text=") && whole.len() < 300, "{whole}");
    let answer = answered("Wörter?", quotes, 5);
    let reply = render::answer(&answer, AnswerPage { top: 5, page: 0 }, &plain());
    assert!(reply.limit_violations().is_empty());
    let description = &reply.embed.as_ref().unwrap().description;
    assert!(!description.contains(":~:text="), "{description}");
    assert!(
        description.contains("(<https://docs.example.org/doc0#"),
        "the section link stays: {description}"
    );
    assert!(description.contains("end 4."), "the quotes stay whole");
}

#[test]
fn an_answer_renders_quotes_in_bold_with_citations_and_buttons() {
    let mut first = quote(
        "000_f9e57255359d1c5f",
        4,
        "The comment was made by the Taliban’s governor for Kabul Mohammad Qasim Khalid, who also claimed evidence.",
        &["governor", "Kabul", "Mohammad Qasim Khalid"],
    );
    first.title = "Afghanistan blames US for nurturing Daesh".into();
    first.also_in = vec![Citation {
        source: "004_20b7060dfb18cd1a".into(),
        paragraph: 7,
    }];
    let second = quote(
        "003_5778a4211003ac1d",
        2,
        "A *starred* claim, 2 > 1, and @everyone was told <@123> [click](http://x).",
        &["claim"],
    );
    let answer = answered(
        "Who is the Taliban's governor for Kabul?",
        vec![first, second],
        5,
    );
    let reply = render::answer(&answer, AnswerPage { top: 2, page: 0 }, &plain());
    assert!(reply.limit_violations().is_empty());
    insta::assert_snapshot!("answer_first_page", dump(&reply));
    let later = render::answer(&answer, AnswerPage { top: 2, page: 2 }, &plain());
    insta::assert_snapshot!("answer_later_page", dump(&later));
}

#[test]
fn two_excerpts_of_one_paragraph_are_cited_once_and_voted_on_once() {
    // The engine's second quote of the best paragraph: another excerpt, same citation.
    let first = quote(
        "000_f9e57255359d1c5f",
        4,
        "The comment was made by the Taliban’s governor for Kabul Mohammad Qasim Khalid.",
        &["governor", "Kabul"],
    );
    let other = quote("003_5778a4211003ac1d", 2, "Balkhi said so.", &["Balkhi"]);
    let again = quote(
        "000_f9e57255359d1c5f",
        4,
        "He also claimed evidence of American support.",
        &["evidence"],
    );
    let answer = answered(
        "Who is the Taliban's governor for Kabul?",
        vec![first, other, again],
        2,
    );
    let reply = render::answer(&answer, AnswerPage { top: 3, page: 0 }, &plain());
    assert!(reply.limit_violations().is_empty());
    let description = &reply.embed.as_ref().unwrap().description;
    assert_eq!(
        description.matches("¶4").count(),
        1,
        "one citation for the paragraph: {description}"
    );
    assert!(description.contains("**[1]**") && description.contains("**[2]**"));
    assert!(!description.contains("**[3]**"), "{description}");
    // Both excerpts are shown, word for word, above the paragraph's one citation.
    let cited = description.find("**[1]**").unwrap();
    assert!(description[..cited].contains("He also claimed **evidence** of American support."));
    assert!(description[..cited].contains("Taliban’s **governor** for **Kabul**"));
    for button in reply.buttons.iter().filter(|b| b.id.starts_with("vote:")) {
        assert_eq!(
            button.id.matches("000_f9e57255359d1c5f").count(),
            1,
            "the vote names the passage once: {}",
            button.id
        );
    }
    insta::assert_snapshot!("answer_two_excerpts_of_one_paragraph", dump(&reply));
}

#[test]
fn a_question_too_long_for_the_title_keeps_more_and_carries_the_whole_question_in_the_footer() {
    let question = "Who said that ".repeat(30);
    let answer = answered(
        &question,
        vec![quote("000_a", 1, "Balkhi said so.", &["Balkhi"])],
        9,
    );
    let reply = render::answer(&answer, AnswerPage { top: 1, page: 0 }, &plain());
    assert!(reply.limit_violations().is_empty());
    let embed = reply.embed.as_ref().unwrap();
    assert!(embed.title.ends_with('…'));
    let footer = embed.footer.as_deref().unwrap();
    assert!(footer.starts_with("Results 1–1 of 9"), "{footer}");
    assert!(
        footer.contains(&format!("{}{}", render::FOOTER_QUESTION, question.trim())),
        "{footer}"
    );
    let more = reply
        .buttons
        .iter()
        .find(|b| b.label.starts_with("More"))
        .expect("More stays");
    assert!(
        more.id.ends_with(":42"),
        "the asker is on the button: {}",
        more.id
    );
    assert_eq!(reply.buttons.len(), 3, "More, 👍 and 👎");
}

#[test]
fn a_citation_links_its_title_and_names_publisher_and_date_without_source_ids() {
    let documents = [
        with_meta(
            "003_5778a4211003ac1d",
            Some("https://example.org/news/a_(b)*c?x=1&y=<2>@3"),
            Some("Amu TV"),
            Some("2023-10-12"),
        ),
        with_meta(
            "004_20b7060dfb18cd1a",
            Some("javascript:alert(1)"),
            None,
            None,
        ),
    ];
    let answer = answered(
        "Who is Balkhi?",
        vec![
            quote("003_5778a4211003ac1d", 4, "Balkhi said so.", &["Balkhi"]),
            quote("004_20b7060dfb18cd1a", 2, "Balkhi again.", &["Balkhi"]),
        ],
        2,
    );
    let view = AnswerView {
        documents: &documents,
        ..plain()
    };
    let reply = render::answer(&answer, AnswerPage { top: 2, page: 0 }, &view);
    let description = &reply.embed.as_ref().unwrap().description;
    assert!(
        description.contains(
            "**[1]** [Title of 003\\_5778a4211003ac1d](<https://example.org/news/a_%28b%29%2Ac?x=1&y=%3C2%3E%403>) · Amu TV, 2023\\-10\\-12 ¶4"
        ),
        "{description}"
    );
    assert!(
        description.contains("**[2]** Title of 004\\_20b7060dfb18cd1a ¶2"),
        "no link but http(s): {description}"
    );
    assert!(
        !description.contains(" · 003"),
        "no source id: {description}"
    );
}

#[test]
fn a_title_that_is_only_the_file_id_loses_its_hash() {
    assert_eq!(
        render::display_title("003_5778a4211003ac1d", "003_5778a4211003ac1d"),
        "003"
    );
    assert_eq!(
        render::display_title("f9e57255359d1c5f", "f9e57255359d1c5f"),
        "Untitled"
    );
    assert_eq!(
        render::display_title("news/kabul-governor", "news/kabul-governor"),
        "kabul governor"
    );
    assert_eq!(
        render::display_title("A real title", "003_x"),
        "A real title"
    );
}

#[test]
fn no_match_is_a_short_ephemeral_text_with_suggestions() {
    let answer = Answer {
        question: "What is the capital of France?".into(),
        status: Status::NoMatch,
        quotes: Vec::new(),
        suggestions: vec!["Taliban".into(), "@everyone".into()],
        elapsed_us: 80,
        total: 0,
        error: None,
    };
    let reply = render::answer(&answer, AnswerPage { top: 3, page: 0 }, &plain());
    assert!(reply.ephemeral);
    assert!(reply.embed.is_none() && reply.buttons.is_empty());
    insta::assert_snapshot!("no_match", dump(&reply));
}

#[test]
fn a_reload_report_lists_what_changed_and_why_files_were_skipped() {
    let report = ReloadReport {
        added: vec!["005_new".into()],
        removed: vec![],
        changed: vec!["001_11207e85c5729a99".into()],
        skipped: vec![LoadWarning {
            path: PathBuf::from("corpus/bad.txt"),
            kind: WarningKind::Empty,
        }],
        documents: 6,
        elapsed: Duration::from_micros(12_345),
    };
    let reply = render::reloaded(&report);
    assert!(reply.ephemeral && reply.limit_violations().is_empty());
    insta::assert_snapshot!("reloaded", dump(&reply));
}

fn document(i: usize, title: &str) -> Document {
    Document {
        id: format!("{i:03}_source"),
        title: title.into(),
        path: PathBuf::from(format!("corpus/{i:03}_source.txt")),
        publisher: None,
        url: None,
        date: None,
        paragraphs: i + 1,
        words: 100 * i,
        content_hash: i as u64,
        opening: "Opening.".into(),
    }
}

#[test]
fn sources_are_paginated_when_they_do_not_fit_one_embed() {
    let documents: Vec<Document> = (0..40).map(|i| document(i, "A title")).collect();
    let first = render::sources(&documents, 0, SIZE).unwrap();
    assert_eq!(first.buttons.len(), 1, "only Next on the first page");
    let pages = render::source_pages(&documents);
    assert_eq!(pages.len(), 3);
    assert!(render::sources(&documents, 3, SIZE).is_none());
    insta::assert_snapshot!("sources_first_page", dump(&first));
}

/// Text that stresses the renderer: words, markdown, mentions, combining marks, emoji, ZWJ.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Z]{1,14}".prop_map(|s| s + " "),
        3 => prop::sample::select(vec![
            "**", "__", "*", "_", "~~", "`", "```", "||", "> ", ">>> ", "# ", "-# ", "- ", "1. ",
            "[x](http://a.b)", "<@123>", "<@!123>", "<@&456>", "<#789>", "<t:1:R>", "@everyone",
            "@here", "\\", "\\*", "\n", "\n\n", "😀", "👍🏽", "👨‍👩‍👧", "é", "e\u{301}", "中文字",
            "\u{200B}", "🇫🇷", "  ", "…", ":smile:", "https://example.com/a_b",
        ])
        .prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn text(max_fragments: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..max_fragments).prop_map(|v| v.concat())
}

fn any_quote() -> impl Strategy<Value = Quote> {
    (
        text(1500),
        text(60),
        "[a-z0-9_/.,:~-]{1,120}",
        1u32..100_000,
        prop::collection::vec((0usize..20_000, 0usize..60), 0..40),
        prop::collection::vec(("[a-z0-9_]{1,120}", 1u32..1000), 0..12),
    )
        .prop_map(|(text, title, source, paragraph, spans, also)| Quote {
            highlights: spans.into_iter().map(|(s, l)| [s, s + l]).collect(),
            // A link as long as the quote makes it: its text fragment quotes the quote.
            link: Some(Link::new(
                format!("https://example.org/{source}"),
                AnchorRule::Github,
                Some(&title),
                &text,
                true,
            )),
            source,
            title,
            paragraph,
            page: false,
            section: None,
            text,
            score: 1.0,
            also_in: also
                .into_iter()
                .map(|(source, paragraph)| Citation { source, paragraph })
                .collect(),
        })
}

/// True when every `@` in `text` is defused (followed by a zero-width space) and no mention,
/// role mention or channel link can parse. A `<` may only open a link target (`(<http…>)`).
fn pings_nobody(text: &str) -> bool {
    let unescaped_angle = text.char_indices().any(|(i, c)| {
        c == '<'
            && !text[..i].ends_with('\\')
            && !(text[..i].ends_with('(')
                && (text[i + 1..].starts_with("https://") || text[i + 1..].starts_with("http://")))
    });
    let bare_at = text
        .char_indices()
        .any(|(i, c)| c == '@' && !text[i + 1..].starts_with('\u{200B}'));
    !unescaped_angle && !bare_at
}

/// How many `**` markers `text` has outside backslash escapes.
fn bold_markers(text: &str) -> usize {
    let mut markers = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                markers += 1;
            }
            _ => {}
        }
    }
    markers
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_rendered_answer_fits_discords_limits_and_pings_nobody(
        question in text(200),
        quotes in prop::collection::vec(any_quote(), 1..=5),
        page in 0usize..50,
        total in 0usize..500,
        meta in prop::collection::vec(
            (
                proptest::option::of(prop_oneof![
                    text(60),
                    text(60).prop_map(|t| format!("https://example.org/{t}")),
                    "http://[a-z]{1,20}\\.org/[ -~]{0,400}",
                ]),
                proptest::option::of(text(30)),
                proptest::option::of(text(10)),
            ),
            5,
        ),
        context in proptest::option::of(text(120)),
        asker in proptest::option::of(any::<u64>()),
    ) {
        let top = quotes.len();
        let documents: Vec<Document> = quotes
            .iter()
            .zip(&meta)
            .map(|(q, (url, publisher, date))| {
                let mut d = with_meta(&q.source, url.as_deref(), publisher.as_deref(), date.as_deref());
                d.title = q.title.clone();
                d
            })
            .collect();
        let answer = answered(&question, quotes, total);
        let view = AnswerView {
            corpus: SIZE,
            documents: &documents,
            context: context.as_deref(),
            asker,
        };
        let reply = render::answer(&answer, AnswerPage { top, page }, &view);
        prop_assert!(reply.ping.is_none(), "an answer pings nobody");
        prop_assert!(reply.limit_violations().is_empty(), "{:?}", reply.limit_violations());
        let embed = reply.embed.as_ref().unwrap();
        prop_assert!(pings_nobody(&embed.description), "{}", embed.description);
        prop_assert!(pings_nobody(&embed.title));
        // Bold markers pair up: `**` outside escapes comes in pairs.
        prop_assert_eq!(bold_markers(&embed.description) % 2, 0, "{}", embed.description);
    }

    #[test]
    fn no_match_replies_fit_and_ping_nobody(
        question in text(600),
        suggestions in prop::collection::vec(text(40), 0..5),
        error in proptest::option::of(text(300)),
    ) {
        let answer = Answer {
            question,
            status: Status::NoMatch,
            quotes: Vec::new(),
            suggestions,
            elapsed_us: 1,
            total: 0,
            error,
        };
        let reply = render::answer(&answer, AnswerPage { top: 3, page: 0 }, &plain());
        prop_assert!(reply.limit_violations().is_empty());
        prop_assert!(reply.ephemeral);
        // Our own text uses back-ticks but never `<` or `@`.
        prop_assert!(pings_nobody(reply.content.as_deref().unwrap()));
    }

    #[test]
    fn escaping_round_trips_and_defuses_every_mention(s in text(300)) {
        let escaped = escape(&s);
        prop_assert_eq!(unescape(&escaped), s);
        prop_assert!(pings_nobody(&escaped));
    }

    #[test]
    fn cutting_keeps_within_the_limit_and_keeps_a_prefix(s in text(300), max in 1usize..400) {
        let c = cut(&s, max);
        prop_assert!(discord_len(&c) <= max);
        let kept = c.strip_suffix('…').unwrap_or(&c);
        prop_assert!(s.starts_with(kept));
    }

    #[test]
    fn reload_reports_fit_whatever_the_file_names(
        ids in prop::collection::vec(text(20), 0..300),
        reasons in prop::collection::vec(text(30), 0..100),
    ) {
        let report = ReloadReport {
            added: ids.clone(),
            removed: ids.clone(),
            changed: ids,
            skipped: reasons
                .into_iter()
                .map(|r| LoadWarning { path: PathBuf::from(r.clone()), kind: WarningKind::Unreadable(r) })
                .collect(),
            documents: 3,
            elapsed: Duration::from_millis(3),
        };
        prop_assert!(render::reloaded(&report).limit_violations().is_empty());
    }

    #[test]
    fn source_pages_fit_whatever_the_titles(titles in prop::collection::vec(text(80), 0..120)) {
        let documents: Vec<Document> = titles.iter().enumerate().map(|(i, t)| document(i, t)).collect();
        let pages = render::source_pages(&documents);
        for page in 0..pages.len() {
            let reply = render::sources(&documents, page, SIZE).unwrap();
            prop_assert!(reply.limit_violations().is_empty());
        }
        for doc in &documents {
            prop_assert!(render::source(doc).limit_violations().is_empty());
        }
    }
}

#[test]
fn real_answers_from_the_bundled_corpus_fit_and_ping_nobody() {
    let snapshot =
        citebot_engine::Snapshot::load("corpus".as_ref(), &citebot_engine::LoadOptions::default());
    let size = CorpusSize::from(&snapshot.stats());
    let Some(questions) = crate::support::shared::eval_path("dev.jsonl") else {
        return;
    };
    let questions = std::fs::read_to_string(questions).unwrap();
    let mut answered = 0;
    for line in questions.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let question = value["question"].as_str().unwrap();
        for top in [1, 3, 5] {
            let answer = snapshot.ask(question, &citebot_engine::AskOptions { top, offset: 0 });
            answered += usize::from(answer.is_answered());
            let view = AnswerView {
                corpus: size,
                documents: snapshot.documents(),
                context: None,
                asker: Some(1),
            };
            let reply = render::answer(&answer, AnswerPage { top, page: 0 }, &view);
            assert!(
                reply.limit_violations().is_empty(),
                "{question}: {:?}",
                reply.limit_violations()
            );
            if let Some(embed) = &reply.embed {
                assert!(pings_nobody(&embed.description), "{}", embed.description);
                assert_eq!(bold_markers(&embed.description) % 2, 0);
            }
        }
    }
    assert!(
        answered > 0,
        "the bundled corpus answers some dev questions"
    );
}
