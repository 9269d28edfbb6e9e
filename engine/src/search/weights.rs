//! The engine's weights, all fitted, none set by hand: ranking's ([`Ranking`]: reading a
//! question and ranking passages, stages one and two) and the last stage's ([`Weights`]: which
//! paragraph and sentence answer, and whether the corpus answers at all).
//!
//! `cargo run --release -p tune -- --write` fits them over the development sets and writes
//! `engine/weights.toml`, a data file compiled into the engine ([`ranking`], [`last_stage`]).
//! The index carries the ranking weights it is searched with (`Index::set_ranking`), so that
//! the fit can try others on one index without rebuilding it.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The fitted weights as `engine/weights.toml` holds them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fitted {
    /// Ranking's weights.
    pub ranking: Ranking,
    /// The last stage's weights.
    pub last_stage: Weights,
}

/// The text of `engine/weights.toml`, as compiled in.
pub const FITTED_TOML: &str = include_str!("../../weights.toml");

static FITTED: LazyLock<Fitted> = LazyLock::new(|| {
    toml::from_str(FITTED_TOML).expect("engine/weights.toml is well formed (a unit test reads it)")
});

/// The fitted weights of reading questions and ranking passages.
pub fn ranking() -> Ranking {
    FITTED.ranking
}

/// The fitted weights of the last stage.
pub fn last_stage() -> &'static Weights {
    &FITTED.last_stage
}

/// The weights used with the semantic reader, as `engine/weights-semantic.toml` holds them:
/// fitted by the same tune run as the keyword set (`tune --semantic-model DIR`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedSemantic {
    /// How the passages nearest in meaning join the keyword candidates.
    pub fusion: Fusion,
    /// The last stage's weights with the reader ([`Weights::meaning`] set).
    pub last_stage: Weights,
}

/// How the passages nearest in meaning join the keyword candidates (`search::meaning::fuse`;
/// fitted with the semantic weights).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fusion {
    /// Reciprocal-rank fusion's constant: a list's rank r adds `1 / (rank_constant + r)`.
    pub rank_constant: f32,
    /// The meaning list's ranks count this much beside the keyword list's.
    pub share: f32,
    /// How many nearest passages join (at most).
    pub depth: usize,
}

/// The text of `engine/weights-semantic.toml`, as compiled in.
pub const SEMANTIC_TOML: &str = include_str!("../../weights-semantic.toml");

static SEMANTIC: LazyLock<FittedSemantic> = LazyLock::new(|| {
    toml::from_str(SEMANTIC_TOML)
        .expect("engine/weights-semantic.toml is well formed (a unit test reads it)")
});

/// The fitted weights used with the semantic reader.
pub fn semantic() -> &'static FittedSemantic {
    &SEMANTIC
}

/// The term-frequency factor of BM25 (at most `k1 + 1`) for a passage of `length` words, with
/// ranking's saturation `k1` and length normalization `b`.
pub fn tf_factor(tf: u32, length: u32, average_length: f32, (k1, b): (f32, f32)) -> f32 {
    let tf = tf as f32;
    let norm = 1.0 - b + b * length as f32 / average_length;
    tf * (k1 + 1.0) / (tf + k1 * norm)
}

/// Ranking's weights. Every factor is positive; match weights are at most 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ranking {
    /// Weight of a match through the joined form of two adjacent words.
    pub joined: f32,
    /// Weight of a stem match for a word the vocabulary does not hold as typed.
    pub stem_only: f32,
    /// Weight of a match one typo away, and two typos away.
    pub typo: [f32; 2],
    /// Share of a typo match's weight that follows how alike the two words look
    /// (`fuzzy::likeness`): the weight is `typo · (1 − share + share · likeness)`.
    pub typo_likeness: f32,
    /// Importance multiplier for the words that describe the answer ("which TV channel").
    pub focus: f32,
    /// Importance multiplier for words written as names.
    pub name: f32,
    /// A concept found only in the document's title counts for this share of its importance.
    pub title_share: f32,
    /// A concept found only in the document's title adds this share of its importance to the
    /// score.
    pub title_bonus: f32,
    /// A concept found only in the passage before counts for this share of its importance.
    pub context_share: f32,
    /// A concept found only in the passage before adds this share of its importance to the
    /// score (before the coverage factor).
    pub context_bonus: f32,
    /// Score multiplier for headings and captions.
    pub heading: f32,
    /// Score multiplier for a word of the kind asked for within three words of a match.
    pub answer_near: f32,
    /// The same, right next to a match ("224 attacks").
    pub answer_adjacent: f32,
    /// Score multiplier for a passage with no word of the kind asked for.
    pub no_answer: f32,
    /// Score raised by this share at full proximity.
    pub proximity: f32,
    /// Share of a concept's importance added when the passage spells it as the question does.
    pub exact: f32,
    /// The coverage factor is `floor + (1 - floor) · coverage²`.
    pub coverage_floor: f32,
    /// BM25's term-frequency saturation.
    pub k1: f32,
    /// BM25's length normalization (0: none, 1: full).
    pub b: f32,
    /// How much a concept of the earlier question counts beside a follow-up's own concepts, in
    /// importance and in match weight (`search::answer_in_context`). Fitted on its
    /// own, on follow-ups (the last of [`FIELDS`]: ranking's ascent leaves it alone).
    pub context_weight: f32,
}

/// [`Ranking`]'s fields, in the order of [`Ranking::to_vec`].
pub const FIELDS: [&str; 21] = [
    "joined",
    "stem only",
    "one typo",
    "two typos",
    "typo likeness",
    "focus",
    "name",
    "title share",
    "title bonus",
    "context share",
    "context bonus",
    "heading",
    "answer near",
    "answer adjacent",
    "no answer",
    "proximity",
    "exact",
    "coverage floor",
    "bm25 k1",
    "bm25 b",
    "context weight",
];

impl Ranking {
    /// The weights as one vector ([`FIELDS`]' order).
    pub fn to_vec(&self) -> Vec<f32> {
        vec![
            self.joined,
            self.stem_only,
            self.typo[0],
            self.typo[1],
            self.typo_likeness,
            self.focus,
            self.name,
            self.title_share,
            self.title_bonus,
            self.context_share,
            self.context_bonus,
            self.heading,
            self.answer_near,
            self.answer_adjacent,
            self.no_answer,
            self.proximity,
            self.exact,
            self.coverage_floor,
            self.k1,
            self.b,
            self.context_weight,
        ]
    }

    /// The weights of a vector in [`FIELDS`]' order, each brought into its range: match
    /// weights, shares and the coverage floor into [0, 1], factors above 0.
    pub fn from_vec(v: &[f32]) -> Ranking {
        let at = |i: usize| v.get(i).copied().unwrap_or(0.0);
        let unit = |i: usize| at(i).clamp(0.0, 1.0);
        let positive = |i: usize| at(i).max(0.01);
        Ranking {
            joined: unit(0),
            stem_only: unit(1),
            typo: [unit(2), unit(3)],
            typo_likeness: unit(4),
            focus: positive(5),
            name: positive(6),
            title_share: unit(7),
            title_bonus: at(8).max(0.0),
            context_share: unit(9),
            context_bonus: at(10).max(0.0),
            heading: positive(11),
            answer_near: positive(12),
            answer_adjacent: positive(13),
            no_answer: positive(14),
            proximity: at(15).max(0.0),
            exact: at(16).max(0.0),
            coverage_floor: unit(17),
            k1: positive(18),
            b: unit(19),
            context_weight: unit(20),
        }
    }

    /// BM25's parameters: `(k1, b)`.
    pub fn bm25(&self) -> (f32, f32) {
        (self.k1, self.b)
    }

    /// The largest answer factor a passage can get.
    pub fn answer_max(&self) -> f32 {
        self.answer_near
            .max(self.answer_adjacent)
            .max(self.no_answer)
            .max(1.0)
    }
}

/// Paragraph features, in [`Weights::paragraph`]'s order.
pub const PARAGRAPH_FEATURES: [&str; 14] = [
    "rank score (share of the best)",
    "coverage",
    "proximity",
    "best sentence",
    "best two sentences",
    "whole paragraph",
    "question pairs together",
    "likely answer in the best sentence",
    "title",
    "heading",
    "candidates from its document (share of what it could give)",
    "a sentence defines the subject",
    "its document's coverage (candidates and title)",
    "its document's first paragraph",
];
/// Sentence features, in [`Weights::sentence`]'s order.
pub const SENTENCE_FEATURES: [&str; 7] = [
    "matched weight",
    "question pairs together",
    "likely answer",
    "concepts matched (share)",
    "matched words (share of its words)",
    "matched weight of the sentence before",
    "defines the subject",
];
/// Neighbour features, in [`Weights::neighbour`]'s order.
pub const NEIGHBOUR_FEATURES: [&str; 3] = ["matched weight", "likely answer", "follows"];
/// Abstention features, in [`Weights::answers`]'s order (the last is a constant 1).
pub const ANSWER_FEATURES: [&str; 17] = [
    "best sentence",
    "best two sentences",
    "coverage",
    "unknown share",
    "largest unknown word",
    "question pairs together",
    "paragraph score",
    "one over the concepts",
    "rarest word in the best sentence",
    "rarest word in the paragraph",
    "ranking score over importance",
    "candidates from its document (share of what it could give)",
    "names missing from the paragraph",
    "names written together in the question, apart in the paragraph",
    "its document's coverage (candidates and title)",
    "title",
    "bias",
];

/// The semantic reader's features, in [`Weights::meaning`]'s order; each says which score it
/// weighs into.
pub const MEANING_FEATURES: [&str; 6] = [
    "cosine of question and paragraph (paragraph score)",
    "cosine of question and the best paragraph (answer test)",
    "largest cosine of question and any passage (answer test)",
    "largest cosine of question and a sentence of the paragraph (paragraph score)",
    "cosine of question and sentence (the sentence a quote is built around)",
    "largest cosine of question and a sentence of the best paragraph (answer test)",
];

fn all_zero(v: &[f32; MEANING_FEATURES.len()]) -> bool {
    v.iter().all(|&x| x == 0.0)
}

/// The weights of the last stage (`evidence::decide`): fitted, never set by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// Paragraph score: a weight per [`PARAGRAPH_FEATURES`].
    pub paragraph: [f32; PARAGRAPH_FEATURES.len()],
    /// Which sentence a quote is built around: a weight per [`SENTENCE_FEATURES`].
    pub sentence: [f32; SENTENCE_FEATURES.len()],
    /// Which neighbour joins it while the quote has room: a weight per [`NEIGHBOUR_FEATURES`].
    pub neighbour: [f32; NEIGHBOUR_FEATURES.len()],
    /// A second quote of the best paragraph, from the sentences its first leaves, takes the
    /// third place when the best paragraph outscores the third by more than this: a long
    /// paragraph that answers holds the answer in another sentence more often than a weaker
    /// paragraph holds it at all.
    pub second: f32,
    /// The best paragraph answers when this weighted sum of [`ANSWER_FEATURES`] is positive.
    pub answers: [f32; ANSWER_FEATURES.len()],
    /// With the semantic reader, a weight per [`MEANING_FEATURES`]; absent (all zero) in the
    /// keyword set, whose answers no cosine reaches.
    #[serde(default, skip_serializing_if = "all_zero")]
    pub meaning: [f32; MEANING_FEATURES.len()],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weights_file_parses_and_writes_back_the_same_values() {
        let fitted: Fitted = toml::from_str(FITTED_TOML).unwrap();
        let again: Fitted = toml::from_str(&toml::to_string(&fitted).unwrap()).unwrap();
        assert_eq!(again.ranking, fitted.ranking);
        assert_eq!(&again.last_stage, last_stage());
        assert!(fitted.ranking.k1 > 0.0 && fitted.ranking.b <= 1.0);
        assert!(
            all_zero(&fitted.last_stage.meaning),
            "the keyword set has no cosine"
        );
    }

    #[test]
    fn the_semantic_weights_file_parses_and_writes_back_the_same_values() {
        let fitted: FittedSemantic = toml::from_str(SEMANTIC_TOML).unwrap();
        let again: FittedSemantic = toml::from_str(&toml::to_string(&fitted).unwrap()).unwrap();
        assert_eq!(&again.last_stage, &semantic().last_stage);
        assert_eq!(again.fusion, semantic().fusion);
        assert!(fitted.fusion.rank_constant > 0.0 && fitted.fusion.depth > 0);
    }

    #[test]
    fn a_vector_round_trips_and_is_brought_into_range() {
        let r = ranking();
        assert_eq!(Ranking::from_vec(&r.to_vec()), r);
        assert_eq!(r.to_vec().len(), FIELDS.len());
        let wild = Ranking::from_vec(&[-1.0; FIELDS.len()]);
        assert!(wild.to_vec().iter().all(|&x| x >= 0.0));
        assert!(wild.heading > 0.0 && wild.answer_near > 0.0);
        let big = Ranking::from_vec(&[5.0; FIELDS.len()]);
        assert_eq!(big.joined, 1.0);
        assert_eq!(big.coverage_floor, 1.0);
    }
}
