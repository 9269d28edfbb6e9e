//! What the semantic reader adds to a question's reading, once its embeddings are ready: the
//! cosine of the question with every passage. With it,
//!
//! - [`fuse`] joins the passages nearest in meaning to the keyword candidates by reciprocal-rank
//!   fusion (so a paraphrased question reaches the right document even when it shares few
//!   words with it), and
//! - each candidate carries its cosine, and each of its sentences its own, into the last stage
//!   (`evidence::decide`): the paragraph's score, the sentence a quote is built around and the
//!   answer test weigh them by the semantic weight set (`engine/weights-semantic.toml`), fitted
//!   by the same tune run as the keyword one.
//!
//! Nothing here runs a model: the cosines come from the `semantic` feature's reader. Without
//! it (or before its embeddings are ready) no [`Meaning`] exists and the keyword path is used.

use super::rank::Hit;
pub use super::weights::Fusion;
use super::weights::Weights;

/// The sentence vectors the reader embedded, found by their text.
pub trait Sentences: Send + Sync {
    /// The unit vector of sentence `text` (as a candidate's sentence reads), if embedded.
    fn vector(&self, text: &str) -> Option<&[f32]>;
}

/// The semantic reader's view of one question.
#[derive(Clone)]
pub struct Meaning<'a> {
    /// Cosine of the question with each indexed passage (in the index's passage order).
    pub cosine: Vec<f32>,
    /// How near each indexed passage is: the larger of its cosine and its sentences' (what
    /// [`Meaning::nearest`] orders by; empty: by `cosine`).
    pub reach: Vec<f32>,
    /// The question's unit vector.
    pub question: Vec<f32>,
    /// The corpus's sentence vectors.
    pub sentences: &'a dyn Sentences,
    /// The last stage's weights with the reader.
    pub weights: &'a Weights,
    /// How nearest passages join the keyword candidates.
    pub fusion: Fusion,
}

impl std::fmt::Debug for Meaning<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meaning")
            .field("passages", &self.cosine.len())
            .field("fusion", &self.fusion)
            .finish_non_exhaustive()
    }
}

impl Meaning<'_> {
    /// The cosine of the question and sentence `text` (0 when it was not embedded).
    pub fn sentence_cosine(&self, text: &str) -> f32 {
        self.sentences
            .vector(text)
            .map_or(0.0, |v| super::evidence::dot(v, &self.question))
    }

    /// The cosine of indexed passage `passage` (0 when out of range).
    pub fn cosine_of(&self, passage: u32) -> f32 {
        self.cosine.get(passage as usize).copied().unwrap_or(0.0)
    }

    /// The largest cosine of any passage.
    pub fn best(&self) -> f32 {
        self.cosine.iter().copied().fold(0.0, f32::max)
    }

    /// The `depth` indexed passages nearest the question (by their own cosine or one of their
    /// sentences'), nearest first.
    pub fn nearest(&self, depth: usize) -> Vec<u32> {
        let near = if self.reach.len() == self.cosine.len() {
            &self.reach
        } else {
            &self.cosine
        };
        let mut order: Vec<u32> = (0..near.len() as u32).collect();
        let by_cosine = |a: &u32, b: &u32| {
            near[*b as usize]
                .total_cmp(&near[*a as usize])
                .then(a.cmp(b))
        };
        let depth = depth.min(order.len());
        if depth == 0 {
            return Vec::new();
        }
        if depth < order.len() {
            order.select_nth_unstable_by(depth - 1, by_cosine);
            order.truncate(depth);
        }
        order.sort_by(by_cosine);
        order
    }
}

/// The keyword candidates (best first) and the passages nearest in meaning, in one list ordered
/// by reciprocal-rank fusion. A passage only meaning found carries no ranking score (0): the
/// last stage weighs its words and its cosine.
pub fn fuse(hits: Vec<Hit>, meaning: &Meaning) -> Vec<Hit> {
    let Fusion {
        rank_constant,
        share,
        depth,
    } = meaning.fusion;
    let nearest = meaning.nearest(depth);
    let mut fused: Vec<(f32, Hit)> = hits
        .into_iter()
        .enumerate()
        .map(|(r, hit)| (1.0 / (rank_constant + r as f32 + 1.0), hit))
        .collect();
    for (r, passage) in nearest.into_iter().enumerate() {
        let add = share / (rank_constant + r as f32 + 1.0);
        match fused.iter_mut().find(|(_, h)| h.passage == passage) {
            Some((score, _)) => *score += add,
            None => fused.push((
                add,
                Hit {
                    passage,
                    score: 0.0,
                    coverage: 0.0,
                    mask: 0,
                    answer_distance: None,
                    proximity: 0.0,
                },
            )),
        }
    }
    // Stable: equal fused scores keep the keyword order, then the meaning order.
    fused.sort_by(|a, b| b.0.total_cmp(&a.0));
    fused.into_iter().map(|(_, hit)| hit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(passage: u32, score: f32) -> Hit {
        Hit {
            passage,
            score,
            coverage: 1.0,
            mask: 1,
            answer_distance: None,
            proximity: 0.0,
        }
    }

    struct NoSentences;
    impl Sentences for NoSentences {
        fn vector(&self, _: &str) -> Option<&[f32]> {
            None
        }
    }

    fn meaning(cosine: Vec<f32>, weights: &Weights) -> Meaning<'_> {
        Meaning {
            cosine,
            reach: Vec::new(),
            question: Vec::new(),
            sentences: &NoSentences,
            weights,
            fusion: Fusion {
                rank_constant: 10.0,
                share: 1.0,
                depth: 2,
            },
        }
    }

    #[test]
    fn nearest_passages_are_ordered_by_cosine_and_bounded() {
        let w = super::super::weights::last_stage();
        let m = meaning(vec![0.1, 0.9, 0.5, 0.9, -0.2], w);
        assert_eq!(m.nearest(3), vec![1, 3, 2]);
        assert_eq!(m.nearest(0), Vec::<u32>::new());
        assert_eq!(m.nearest(99).len(), 5);
        assert_eq!(m.best(), 0.9);
        assert_eq!(m.cosine_of(42), 0.0);
    }

    #[test]
    fn a_passage_is_as_near_as_its_nearest_sentence() {
        let w = super::super::weights::last_stage();
        let mut m = meaning(vec![0.2, 0.6, 0.4], w);
        m.reach = vec![0.9, 0.6, 0.4];
        assert_eq!(m.nearest(2), vec![0, 1]);
        // Its own cosine stays what the last stage reads.
        assert_eq!(m.cosine_of(0), 0.2);
        assert_eq!(m.best(), 0.6);
    }

    #[test]
    fn fusion_lifts_a_passage_both_lists_find_and_adds_the_nearest() {
        let w = super::super::weights::last_stage();
        // Keyword order 0, 1, 2; meaning's nearest are 2 then 4.
        let m = meaning(vec![0.0, 0.1, 0.8, 0.0, 0.7], w);
        let fused = fuse(vec![hit(0, 3.0), hit(1, 2.0), hit(2, 1.0)], &m);
        let order: Vec<u32> = fused.iter().map(|h| h.passage).collect();
        assert_eq!(order[0], 2, "found by both lists: {order:?}");
        assert_eq!(order.len(), 4);
        let added = fused.iter().find(|h| h.passage == 4).unwrap();
        assert_eq!((added.score, added.coverage, added.mask), (0.0, 0.0, 0));
        // Keyword hits keep their own scores.
        assert_eq!(fused.iter().find(|h| h.passage == 0).unwrap().score, 3.0);
    }
}
