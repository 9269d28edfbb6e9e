//! Alias groups: several names for the same thing (ISIS / ISIL / Daesh / Islamic State).
//!
//! `aliases.toml` in the corpus folder is data that moderators edit:
//!
//! ```toml
//! [[group]]
//! names = ["ISIS", "ISIL", "Daesh", "Islamic State"]
//! ```
//!
//! Names are matched as phrases of stems, so `al-Qaeda`, `al Qaeda` and `alQaeda` are one name;
//! a name part that is a stop word (`IS`, `US`) only matches when written in capitals. The index
//! tags every occurrence of any name of a group with the group's term, and a question naming one
//! of them searches for the whole group. A bad entry is a warning; the rest load.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::path::Path;

use crate::corpus::{toml_file, LoadOptions, LoadWarning, WarningKind};
use crate::text::{self, AsWord, Compounds, Token};

/// The file read from the corpus folder.
pub const FILE_NAME: &str = "aliases.toml";

/// One name of a group, as stems.
#[derive(Debug, Clone)]
struct Name {
    group: u32,
    stems: Vec<String>,
    /// Parts that must be written in capitals (stop words such as `IS`).
    caps: Vec<bool>,
}

/// Alias groups, ready to match token streams.
#[derive(Debug, Default, Clone)]
pub struct Aliases {
    groups: Vec<Vec<String>>,
    /// Names by their first stem (looked up for every word of every question: a fast hash).
    by_first: FxHashMap<String, Vec<Name>>,
    /// Names of several words by the stem of their joined form.
    by_joined: FxHashMap<String, u32>,
}

/// A run of tokens naming an alias group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AliasMatch {
    /// The group named.
    pub group: u32,
    /// Byte range of the name in the text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// Word position of the name's first word.
    pub position: u32,
}

impl Aliases {
    /// Reads `aliases.toml` from the corpus folder with the default [`LoadOptions`] and nothing
    /// serving before; a missing file means no aliases (see [`Aliases::load_with`]).
    pub fn load(dir: &Path) -> (Aliases, Vec<LoadWarning>) {
        Aliases::load_with(dir, &LoadOptions::default(), None)
    }

    /// Reads `aliases.toml` from the corpus folder as the corpus is read: the size cap holds,
    /// only a regular file is opened, and a link out of the folder is not followed (unless
    /// the options say so).
    ///
    /// - A missing file means no aliases.
    /// - A file that cannot be used whole (not valid TOML, unreadable, a FIFO, over the cap, a
    ///   link outside) keeps `serving`, the aliases in use before (none at first start), with
    ///   one warning saying why, with the line and column of a TOML error.
    /// - A bad entry in a valid file is a warning; the other groups load.
    pub fn load_with(
        dir: &Path,
        options: &LoadOptions,
        serving: Option<&Aliases>,
    ) -> (Aliases, Vec<LoadWarning>) {
        let path = dir.join(FILE_NAME);
        let kept = |why: String| {
            let aliases = serving.cloned().unwrap_or_default();
            let warning = LoadWarning {
                path: path.clone(),
                kind: WarningKind::AliasesNotLoaded {
                    why,
                    kept_groups: aliases.len(),
                },
            };
            (aliases, vec![warning])
        };
        let table = match toml_file::read(dir, FILE_NAME, options) {
            Ok(None) => return (Aliases::default(), vec![]),
            Ok(Some(table)) => table,
            Err(why) => return kept(why),
        };
        let (aliases, problems) = Aliases::from_table(&table);
        let warnings = problems
            .into_iter()
            .map(|why| LoadWarning {
                path: path.clone(),
                kind: WarningKind::BadAlias(why),
            })
            .collect();
        (aliases, warnings)
    }

    /// Parses the TOML text; returns the groups that are valid and a message per bad entry.
    pub fn parse(source: &str) -> (Aliases, Vec<String>) {
        match toml_file::syntax(source) {
            Ok(value) => Aliases::from_table(&value),
            Err(why) => (Aliases::default(), vec![why]),
        }
    }

    /// The groups of a parsed `aliases.toml`, and a message per bad entry.
    fn from_table(value: &toml::Table) -> (Aliases, Vec<String>) {
        let mut problems = Vec::new();
        let mut groups: Vec<Vec<String>> = Vec::new();
        match value.get("group") {
            None => problems.push("no [[group]] entries".to_string()),
            Some(toml::Value::Array(entries)) => {
                for (i, entry) in entries.iter().enumerate() {
                    match entry.get("names").and_then(|n| n.as_array()) {
                        None => {
                            problems.push(format!("group {}: needs `names = [\"…\", …]`", i + 1))
                        }
                        Some(names) => {
                            let mut good = Vec::new();
                            for name in names {
                                match name.as_str().map(str::trim) {
                                    Some(n) if !n.is_empty() && !text::tokenize(n).is_empty() => {
                                        good.push(n.to_string())
                                    }
                                    _ => problems.push(format!(
                                        "group {}: `{name}` is not a name (a non-empty string with letters)",
                                        i + 1
                                    )),
                                }
                            }
                            if good.len() < 2 {
                                problems.push(format!("group {}: needs at least two names", i + 1));
                            } else {
                                groups.push(good);
                            }
                        }
                    }
                }
            }
            Some(_) => problems.push("`group` must be an array of tables ([[group]])".to_string()),
        }
        let mut aliases = Aliases::default();
        let mut owner: HashMap<Vec<String>, usize> = HashMap::new();
        for names in groups {
            let id = aliases.groups.len() as u32;
            let mut kept = Vec::new();
            for name in names {
                let tokens: Vec<Token> = text::tokenize(&name)
                    .into_iter()
                    .filter(|t| !t.joined)
                    .collect();
                let stems: Vec<String> = tokens.iter().map(|t| t.stem.clone()).collect();
                if let Some(&other) = owner.get(&stems) {
                    if other == id as usize {
                        continue; // the same name spelled twice in one group
                    }
                    problems.push(format!(
                        "`{name}` is already in group {}; kept there only",
                        other + 1
                    ));
                    continue;
                }
                owner.insert(stems.clone(), id as usize);
                let caps = tokens.iter().map(|t| text::is_stop_word(&t.text)).collect();
                if stems.len() > 1 {
                    let joined: String = tokens.iter().map(|t| t.text.as_str()).collect();
                    aliases.by_joined.entry(text::stem(&joined)).or_insert(id);
                }
                aliases
                    .by_first
                    .entry(stems[0].clone())
                    .or_default()
                    .push(Name {
                        group: id,
                        stems,
                        caps,
                    });
                kept.push(name);
            }
            aliases.groups.push(kept);
        }
        for names in aliases.by_first.values_mut() {
            names.sort_by_key(|n| std::cmp::Reverse(n.stems.len()));
        }
        (aliases, problems)
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True when there are no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Finds alias names in a token stream (longest name first, no overlaps): an index
    /// build's [`Token`]s or a question's [`text::Word`]s.
    pub fn find<T: AsWord>(&self, tokens: &[T]) -> Vec<AliasMatch> {
        let mut found = Vec::new();
        if self.groups.is_empty() {
            return found;
        }
        let words: Vec<&T> = tokens.iter().filter(|t| !t.as_word().joined).collect();
        let mut covered_until = 0usize;
        // A name written as one word (`alQaeda`, or the joined form of `al-Qaida`).
        let compounds = Compounds::of(tokens);
        for t in tokens
            .iter()
            .map(AsWord::as_word)
            .filter(|t| compounds.whole(t))
        {
            if let Some(&group) = self.by_joined.get(t.stem) {
                found.push(AliasMatch {
                    group,
                    start: t.start,
                    end: t.end,
                    position: t.position,
                });
            }
        }
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_word();
            if w.start < covered_until {
                i += 1;
                continue;
            }
            let hit =
                self.by_first.get(w.stem).and_then(|names| {
                    names.iter().find(|name| {
                        name.stems.len() <= words.len() - i
                            && name.stems.iter().zip(&name.caps).enumerate().all(
                                |(k, (s, caps))| {
                                    let t = words[i + k].as_word();
                                    t.stem == s && (!caps || t.caps)
                                },
                            )
                    })
                });
            match hit {
                Some(name) => {
                    let last = words[i + name.stems.len() - 1].as_word();
                    if !found
                        .iter()
                        .any(|m: &AliasMatch| m.start <= w.start && m.end >= last.end)
                    {
                        found.push(AliasMatch {
                            group: name.group,
                            start: w.start,
                            end: last.end,
                            position: w.position,
                        });
                    }
                    covered_until = last.end;
                    i += name.stems.len();
                }
                None => i += 1,
            }
        }
        found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[[group]]
names = ["ISIS", "ISIL", "IS", "Daesh", "Islamic State"]

[[group]]
names = ["ISIS-K", "ISKP", "Islamic State Khorasan"]

[[group]]
names = ["al-Qaeda", "al Qaida"]
"#;

    fn groups_in(aliases: &Aliases, text: &str) -> Vec<u32> {
        aliases
            .find(&text::tokenize(text))
            .iter()
            .map(|m| m.group)
            .collect()
    }

    #[test]
    fn names_match_whatever_the_spelling() {
        let (aliases, problems) = Aliases::parse(SAMPLE);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(groups_in(&aliases, "Daesh leaders"), vec![0]);
        assert_eq!(groups_in(&aliases, "the Islamic State said"), vec![0]);
        assert_eq!(
            groups_in(&aliases, "Islamic State Khorasan attacks"),
            vec![1]
        );
        assert_eq!(groups_in(&aliases, "ISIS-K and ISKP"), vec![1, 1]);
        assert_eq!(
            groups_in(&aliases, "al Qaeda, alQaeda, al-Qaida"),
            vec![2, 2, 2]
        );
    }

    /// A question's words name the aliases its tokens name.
    #[test]
    fn question_words_name_what_tokens_name() {
        let (aliases, _) = Aliases::parse(SAMPLE);
        for text in [
            "Daesh leaders and the Islamic State said",
            "Islamic State Khorasan attacks; ISIS-K and ISKP",
            "al Qaeda, alQaeda, al-Qaida",
            "also known as IS, it is what it is",
            "ISLAMIC STATE KHORASAN IS HERE",
            "",
        ] {
            let mut buffer = String::new();
            let words = text::question_words(text, |_| None, &mut buffer);
            assert_eq!(aliases.find(&words), aliases.find(&text::tokenize(text)));
        }
    }

    #[test]
    fn stop_word_names_need_capitals() {
        let (aliases, _) = Aliases::parse(SAMPLE);
        assert_eq!(groups_in(&aliases, "also known as IS"), vec![0]);
        assert!(groups_in(&aliases, "it is what it is").is_empty());
    }

    #[test]
    fn bad_entries_are_warnings_and_the_rest_load() {
        let (aliases, problems) = Aliases::parse(
            "[[group]]\nnames = [\"ISIS\", \"ISIL\"]\n[[group]]\nnames = [\"lonely\"]\n[[group]]\nnames = [\"x\", 3]\n[[group]]\nnamez = []\n",
        );
        assert_eq!(aliases.len(), 1);
        assert_eq!(problems.len(), 4, "{problems:?}");
        let (none, problems) = Aliases::parse("[[group]\nnames = ");
        assert!(none.is_empty());
        assert!(problems[0].starts_with("not valid TOML"));
    }
}
