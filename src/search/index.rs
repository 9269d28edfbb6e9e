//! Index (stub).
use super::Aliases;
use crate::answer::{Answer, AskOptions, Status};
use crate::corpus::Corpus;
/// Index.
pub struct Index;
impl Index {
    /// Build.
    pub fn build(_c: &Corpus, _a: Aliases) -> Index {
        Index
    }
    /// Passages.
    pub fn passage_count(&self) -> usize {
        0
    }
    /// Vocabulary.
    pub fn vocabulary_size(&self) -> usize {
        0
    }
    /// Memory.
    pub fn memory_bytes(&self) -> usize {
        0
    }
}
/// Answer.
pub fn answer(_c: &Corpus, _i: &Index, q: &str, _o: &AskOptions) -> Answer {
    Answer {
        question: q.to_string(),
        status: Status::NoMatch,
        quotes: vec![],
        suggestions: vec![],
        elapsed_us: 0,
        total: 0,
        error: None,
    }
}
