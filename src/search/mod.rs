//! Search: text → terms → index → ranked passages → answer.
mod aliases;
mod index;
pub use aliases::Aliases;
pub use index::{answer, Index};
