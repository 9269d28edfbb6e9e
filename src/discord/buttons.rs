//! Buttons that carry their whole state in their `custom_id`, so they keep working after a
//! restart or a reload: no in-memory collector waits for them.
//!
//! - `ask:<key>:<top>:<page>[:<asker>]`: show page `page` (of `top` quotes) of the question
//!   whose [`answer_key`] is `key`; the question itself (and the earlier question of a
//!   follow-up) is read back from the embed of the message the button is on, and the key proves
//!   it is the same question. Only `asker` (a user id) turns the page of that message; anyone
//!   else gets a copy of the page of their own.
//! - `vote:<u|d>:<key>:<passages>`: a 👍/👎 on an answer; `passages` lists the quoted passages
//!   as `source.paragraph` joined by `,`, or, when that would not fit in 100 characters or a
//!   source id has unusual characters, `~hash.paragraph` (resolved against the corpus when logged).
//! - `src:<page>`: page `page` of `/sources`.
//! - `gaps:<days>:<page>`: page `page` of the `/gaps` report over `days` days.

use crate::discord::render::limits;
use citebot_engine::answer::Citation;

/// What a button does, decoded from its custom id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonId {
    /// Show another page of an answer.
    AskPage {
        /// [`question_key`] of the question.
        key: String,
        /// Quotes per page.
        top: usize,
        /// 0-based page to show.
        page: usize,
        /// Who asked, when known: only they turn the pages of the shared answer.
        asker: Option<u64>,
    },
    /// A vote on an answer.
    Vote {
        /// 👍 (true) or 👎.
        up: bool,
        /// [`question_key`] of the question.
        key: String,
        /// The passages quoted, as encoded (see the module docs).
        passages: Vec<PassageRef>,
    },
    /// Another page of `/sources`.
    SourcesPage {
        /// 0-based page to show.
        page: usize,
    },
    /// Another page of `/gaps`.
    GapsPage {
        /// The report's window in days.
        days: u32,
        /// 0-based page to show.
        page: usize,
    },
}

/// A quoted passage as a vote button names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassageRef {
    /// By source id.
    Source(Citation),
    /// By [`source_key`] of its source id, with its paragraph.
    Hashed {
        /// [`source_key`] of the source id.
        key: String,
        /// Paragraph number.
        paragraph: u32,
    },
}

impl PassageRef {
    /// The passage as `source ¶n`, resolving hashed sources against `sources` when possible.
    pub fn describe<'a>(&self, sources: impl IntoIterator<Item = &'a str>) -> String {
        match self {
            PassageRef::Source(c) => format!("{}#{}", c.source, c.paragraph),
            PassageRef::Hashed { key, paragraph } => sources
                .into_iter()
                .find(|s| source_key(s) == *key)
                .map_or_else(
                    || format!("~{key}#{paragraph}"),
                    |s| format!("{s}#{paragraph}"),
                ),
        }
    }
}

/// FNV-1a, 64 bits: small, stable across builds and platforms (unlike `DefaultHasher`).
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// A short, stable key for a question: 10 hex digits of its hash.
pub fn question_key(question: &str) -> String {
    format!("{:010x}", fnv1a(question.trim()) >> 24)
}

/// The key of an answer: [`question_key`] of the question, or of the question and the earlier
/// question it follows up.
pub fn answer_key(question: &str, context: Option<&str>) -> String {
    match context {
        None => question_key(question),
        Some(context) => question_key(&format!("{}\n{}", question.trim(), context.trim())),
    }
}

/// A short, stable key for a source id: 6 hex digits of its hash.
pub fn source_key(source: &str) -> String {
    format!("{:06x}", fnv1a(source) >> 40)
}

fn plain_source(source: &str) -> bool {
    !source.is_empty()
        && source
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/'))
}

impl ButtonId {
    /// A vote on the answer to the question with `key` that quoted `citations`.
    /// A passage quoted twice (two excerpts) is listed once.
    pub fn vote(up: bool, key: &str, citations: &[Citation]) -> ButtonId {
        let mut once: Vec<Citation> = Vec::with_capacity(citations.len());
        for c in citations {
            if !once.contains(c) {
                once.push(c.clone());
            }
        }
        let citations = once.as_slice();
        let full: Vec<PassageRef> = citations.iter().cloned().map(PassageRef::Source).collect();
        let id = ButtonId::Vote {
            up,
            key: key.to_string(),
            passages: full,
        };
        let fits = citations.iter().all(|c| plain_source(&c.source))
            && id.encode().len() <= limits::CUSTOM_ID;
        if fits {
            return id;
        }
        let mut passages: Vec<PassageRef> = citations
            .iter()
            .map(|c| PassageRef::Hashed {
                key: source_key(&c.source),
                paragraph: c.paragraph,
            })
            .collect();
        // Five passages always fit hashed; more would be cut rather than break the limit.
        loop {
            let id = ButtonId::Vote {
                up,
                key: key.to_string(),
                passages: passages.clone(),
            };
            if id.encode().len() <= limits::CUSTOM_ID || passages.is_empty() {
                return id;
            }
            passages.pop();
        }
    }

    /// The custom id.
    pub fn encode(&self) -> String {
        match self {
            ButtonId::AskPage {
                key,
                top,
                page,
                asker,
            } => match asker {
                Some(asker) => format!("ask:{key}:{top}:{page}:{asker}"),
                None => format!("ask:{key}:{top}:{page}"),
            },
            ButtonId::Vote { up, key, passages } => {
                let list: Vec<String> = passages
                    .iter()
                    .map(|p| match p {
                        PassageRef::Source(c) => format!("{}.{}", c.source, c.paragraph),
                        PassageRef::Hashed { key, paragraph } => format!("~{key}.{paragraph}"),
                    })
                    .collect();
                format!(
                    "vote:{}:{key}:{}",
                    if *up { 'u' } else { 'd' },
                    list.join(",")
                )
            }
            ButtonId::SourcesPage { page } => format!("src:{page}"),
            ButtonId::GapsPage { days, page } => format!("gaps:{days}:{page}"),
        }
    }

    /// Reads a custom id back; `None` for anything this bot did not make.
    pub fn decode(id: &str) -> Option<ButtonId> {
        let mut parts = id.splitn(4, ':');
        match parts.next()? {
            "ask" => {
                let key = parts.next()?.to_string();
                let top = parts.next()?.parse().ok()?;
                let rest = parts.next()?;
                let (page, asker) = match rest.split_once(':') {
                    Some((page, asker)) => (page.parse().ok()?, Some(asker.parse().ok()?)),
                    None => (rest.parse().ok()?, None),
                };
                Some(ButtonId::AskPage {
                    key,
                    top,
                    page,
                    asker,
                })
            }
            "vote" => {
                let up = match parts.next()? {
                    "u" => true,
                    "d" => false,
                    _ => return None,
                };
                let key = parts.next()?.to_string();
                let list = parts.next().unwrap_or_default();
                let passages = list
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (source, paragraph) = p.rsplit_once('.')?;
                        let paragraph = paragraph.parse().ok()?;
                        Some(match source.strip_prefix('~') {
                            Some(key) => PassageRef::Hashed {
                                key: key.to_string(),
                                paragraph,
                            },
                            None => PassageRef::Source(Citation {
                                source: source.to_string(),
                                paragraph,
                            }),
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(ButtonId::Vote { up, key, passages })
            }
            "src" => Some(ButtonId::SourcesPage {
                page: parts.next()?.parse().ok()?,
            }),
            "gaps" => Some(ButtonId::GapsPage {
                days: parts.next()?.parse().ok()?,
                page: parts.next()?.parse().ok()?,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cite(source: &str, paragraph: u32) -> Citation {
        Citation {
            source: source.into(),
            paragraph,
        }
    }

    #[test]
    fn every_button_id_reads_back_as_itself() {
        let ids = [
            ButtonId::AskPage {
                key: question_key("Who is Balkhi?"),
                top: 3,
                page: 2,
                asker: None,
            },
            ButtonId::AskPage {
                key: answer_key("and his deputy?", Some("Who is Balkhi?")),
                top: 5,
                page: 0,
                asker: Some(u64::MAX),
            },
            ButtonId::vote(true, "abc", &[cite("000_f9e57255359d1c5f", 4)]),
            ButtonId::SourcesPage { page: 7 },
            ButtonId::GapsPage { days: 30, page: 2 },
        ];
        for id in ids {
            assert_eq!(ButtonId::decode(&id.encode()), Some(id));
        }
    }

    #[test]
    fn five_long_citations_fall_back_to_hashes_within_the_limit() {
        let citations: Vec<Citation> = (0..5)
            .map(|i| {
                cite(
                    &format!("folder/{i:03}_f9e57255359d1c5f-with-a-long-name"),
                    1000 + i,
                )
            })
            .collect();
        let id = ButtonId::vote(false, &question_key("q"), &citations);
        let encoded = id.encode();
        assert!(encoded.len() <= 100, "{encoded}");
        let ButtonId::Vote { passages, .. } = ButtonId::decode(&encoded).unwrap() else {
            panic!("not a vote")
        };
        assert_eq!(passages.len(), 5);
        let sources: Vec<&str> = citations.iter().map(|c| c.source.as_str()).collect();
        assert_eq!(
            passages[2].describe(sources.iter().copied()),
            "folder/002_f9e57255359d1c5f-with-a-long-name#1002"
        );
    }

    #[test]
    fn source_ids_with_dots_or_commas_are_hashed() {
        let id = ButtonId::vote(true, "k", &[cite("a.b,c", 1)]);
        let ButtonId::Vote { passages, .. } = ButtonId::decode(&id.encode()).unwrap() else {
            panic!("not a vote")
        };
        assert_eq!(passages[0].describe(["a.b,c"]), "a.b,c#1");
    }

    #[test]
    fn question_keys_are_stable() {
        assert_eq!(
            question_key("Who is Balkhi?"),
            question_key(" Who is Balkhi? ")
        );
        assert_ne!(
            question_key("Who is Balkhi?"),
            question_key("Who is Khalid?")
        );
        assert_eq!(question_key("x").len(), 10);
    }
}
