//! The weights of reading a question and of ranking passages (stages one and two), fitted with
//! the last stage's by `cargo run --release --example tune` and written to
//! [`super::fitted::RANKING`].
//!
//! The index carries the weights it is searched with ([`super::index::Index::set_ranking`]), so
//! that the fit can try others on one index without rebuilding it.

/// Ranking's weights. Every factor is positive; match weights are at most 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranking {
    /// Weight of a match through the joined form of two adjacent words.
    pub joined: f32,
    /// Weight of a stem match for a word the vocabulary does not hold as typed.
    pub stem_only: f32,
    /// Weight of a match one typo away, and two typos away.
    pub typo: [f32; 2],
    /// Share of a typo match's weight that follows how alike the two words look
    /// ([`super::fuzzy::likeness`]): the weight is `typo · (1 − share + share · likeness)`.
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
    /// importance and in match weight ([`crate::search::answer_in_context`]). Fitted on its
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_round_trips_and_is_brought_into_range() {
        let r = crate::search::fitted::RANKING;
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
