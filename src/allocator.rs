//! The allocator every citebot binary uses (mimalloc), tuned to give memory back at once.
//!
//! Building an index frees large buffers (tokenized chunks, the unpacked text) just before it
//! allocates others (postings, trigrams). mimalloc v3 keeps freed memory for a second before
//! returning it to the system, so those buffers counted twice in the peak. The other half of
//! the tuning is in `Cargo.toml`: mimalloc's `no_thp` feature, as transparent huge pages made
//! every touched page of its arenas count 2 MiB. On the 75 MB docs corpus, with at most
//! 177 MiB live, peak RSS went from 230 MiB to 181 MiB with both.

use libmimalloc_sys::{mi_option_set, mi_option_t};

/// `mi_option_purge_delay` in mimalloc v3's `mimalloc.h` (libmimalloc-sys names only the
/// options whose number did not change): milliseconds before freed memory is returned.
const PURGE_DELAY: mi_option_t = 15;

/// Returns freed memory to the system at once, unless `MIMALLOC_PURGE_DELAY` says otherwise.
/// Call first thing in `main` of a binary whose global allocator is `mimalloc::MiMalloc`.
pub fn give_memory_back_promptly() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is a plain store mimalloc allows at any time, from any
        // thread; `PURGE_DELAY` is its own number for that option (checked by the test below).
        unsafe { mi_option_set(PURGE_DELAY, 0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_number_is_mimallocs_purge_delay() {
        // mimalloc v3's documented default purge delay is 1,000 ms, and no option next to it
        // defaults to that. Should libmimalloc-sys renumber its options, this fails instead of
        // letting the bot set the wrong one.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reading an option mimalloc defines.
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 1000);
        }
    }
}
