//! Alias groups (stub).
use crate::corpus::LoadWarning;
use std::path::Path;
/// Alias groups.
#[derive(Debug, Default)]
pub struct Aliases;
impl Aliases {
    /// Loads aliases.
    pub fn load(_dir: &Path) -> (Aliases, Vec<LoadWarning>) {
        (Aliases, vec![])
    }
}
