//! 👍/👎 votes: one per person per answer. [`Ballots::cast`] is the one place a vote is
//! counted: a second press of the same button by the same person is not counted again, and a
//! press of the other button replaces their vote (the store keeps the latest, too).
//!
//! Ballots live in memory, bounded: past [`Ballots::CAPACITY`] answers the oldest are forgotten
//! (a vote on such an old answer would count once more, which is the honest failure).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Whether a vote was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ballot {
    /// The person's first vote on this answer: counted.
    Counted,
    /// The person voted the other way before: this vote replaces theirs.
    Changed,
    /// The person voted this way before (`up` says how): not counted again.
    AlreadyVoted {
        /// How they voted.
        up: bool,
    },
}

/// Who voted how on which answer (by the answer message's id).
#[derive(Debug, Default)]
pub struct Ballots {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    by_answer: HashMap<u64, HashMap<u64, bool>>,
    order: VecDeque<u64>,
}

impl Ballots {
    /// Answers remembered at most.
    pub const CAPACITY: usize = 50_000;

    /// Counts `user`'s vote on `answer`: once, the latest direction replacing an earlier one.
    pub fn cast(&self, answer: u64, user: u64, up: bool) -> Ballot {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if !inner.by_answer.contains_key(&answer) {
            if inner.order.len() >= Self::CAPACITY {
                if let Some(oldest) = inner.order.pop_front() {
                    inner.by_answer.remove(&oldest);
                }
            }
            inner.order.push_back(answer);
        }
        let voters = inner.by_answer.entry(answer).or_default();
        match voters.insert(user, up) {
            Some(before) if before == up => Ballot::AlreadyVoted { up },
            Some(_) => Ballot::Changed,
            None => Ballot::Counted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vote_counts_once_per_person_per_answer() {
        let ballots = Ballots::default();
        assert_eq!(ballots.cast(1, 7, true), Ballot::Counted);
        assert_eq!(ballots.cast(1, 7, true), Ballot::AlreadyVoted { up: true });
        assert_eq!(ballots.cast(1, 7, false), Ballot::Changed);
        assert_eq!(
            ballots.cast(1, 7, false),
            Ballot::AlreadyVoted { up: false }
        );
        assert_eq!(ballots.cast(1, 8, false), Ballot::Counted);
        assert_eq!(ballots.cast(2, 7, false), Ballot::Counted);
    }

    #[test]
    fn memory_is_bounded_by_forgetting_the_oldest_answers() {
        let ballots = Ballots::default();
        for answer in 0..(Ballots::CAPACITY as u64 + 10) {
            ballots.cast(answer, 1, true);
        }
        let inner = ballots.inner.lock().unwrap();
        assert_eq!(inner.by_answer.len(), Ballots::CAPACITY);
        assert!(!inner.by_answer.contains_key(&0));
    }
}
