//! The engine's weights: ranking's ([`super::tuning::Ranking`]) and the last stage's
//! ([`super::evidence::decide`]), as fitted by `cargo run --release --example tune --
//! --write` (which writes this file) on squad (5122 questions) and news (25 questions).
//! The README's "Quality" section gives the figures they reach.

use super::evidence::Weights;
use super::tuning::Ranking;

/// The fitted weights of reading questions and ranking passages.
pub const RANKING: Ranking = Ranking {
    joined: 0.8250,
    stem_only: 1.0000,
    typo: [0.8500, 0.4000],
    typo_likeness: 0.2500,
    focus: 0.8000,
    name: 1.4500,
    title_share: 0.5500,
    title_bonus: 0.4000,
    context_share: 0.6000,
    context_bonus: 0.3000,
    heading: 0.7000,
    answer_near: 1.1750,
    answer_adjacent: 1.5000,
    no_answer: 0.5000,
    proximity: 0.2000,
    exact: 0.0500,
    coverage_floor: 0.2500,
    k1: 1.2000,
    b: 0.7500,
    context_weight: 0.1000,
};

/// The fitted weights of the last stage.
pub const WEIGHTS: Weights = Weights {
    paragraph: [
        5.0000, 0.1250, 0.3500, 2.1719, 0.3750, 0.7156, 0.5344, 0.8250, -5.8375, -0.2000, 4.1250,
        0.2500,
    ],
    sentence: [
        2.9062, -0.3250, 0.7312, -0.0156, 0.2656, 1.6250, 0.5156, 1.0000,
    ],
    neighbour: [3.3750, 0.5000, 0.2000],
    second: 2.4688,
    answers: [
        0.8034, 0.3647, 8.9646, -5.9448, 5.7125, 1.4345, -0.2692, -5.1374, 0.8229, -0.4297,
        -0.2524, 4.2746, -3.7353, -3.9910, -2.7070,
    ],
};
