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
        5.0468, 0.0565, 8.1148, -2.5442, 2.7954, 2.2380, -1.2092, -8.8039, 1.1420, -0.5606, 1.5533,
        2.6257,
    ],
};
