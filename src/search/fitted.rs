//! The weights of [`super::evidence::decide`], as fitted by `cargo run --release --example tune
//! -- --write` (which writes this file) on squad (5122 questions) and news (25 questions); the README's "Quality" section
//! gives the figures they reach.

use super::evidence::Weights;

/// The fitted weights.
pub const WEIGHTS: Weights = Weights {
    paragraph: [
        5.1250, -0.6875, 0.3500, 1.7500, 0.2500, 0.4500, 0.5500, 0.7000, -1.3375, -0.2000,
    ],
    sentence: [2.8750, 0.3000, 0.7000, 0.0000, 0.0000, 1.2500, 0.5000],
    neighbour: [2.0000, 0.5000, 0.2000],
    answers: [
        4.2205, -0.0632, 5.6981, -4.9296, 4.6174, 2.1744, -0.9752, -5.5789, 0.8551, -0.4601,
        0.4228, 3.0950, -3.6489, 1.5342,
    ],
};
