//! How counts read in English, on the terminal and in the bot's reports: `1 warning`,
//! `3 warnings`, never `1 warnings`.

/// `n` and `noun`, the noun in the plural unless `n` is 1 (regular plurals only: add an `s`).
///
/// ```
/// assert_eq!(citebot::wording::count(1, "warning"), "1 warning");
/// assert_eq!(citebot::wording::count(0, "document"), "0 documents");
/// ```
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
