//! The engine's one error type. Loading a corpus never fails (a file that cannot be read is a
//! [`LoadWarning`](crate::LoadWarning) and the rest loads); what can fail is a reload that finds
//! nothing to serve, and reading a question file. Callers match on [`Error::kind`]; the message
//! says what happened and what to do next.

use std::path::PathBuf;

use crate::corpus::LoadWarning;

/// An error of the engine: a kind to match on, displayed as its message.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: ErrorKind,
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error { kind }
    }
}

/// The kinds of [`Error`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A reload found no usable document; the corpus that was serving keeps serving.
    #[error("no usable document in {dir}: the previous corpus keeps serving ({} warning{})", warnings.len(), if warnings.len() == 1 { "" } else { "s" })]
    NoDocuments {
        /// The folder read.
        dir: PathBuf,
        /// Why each file was skipped.
        warnings: Vec<LoadWarning>,
    },
    /// A question file could not be read.
    #[error("cannot read {path}: {source}")]
    ReadQuestions {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A line of a question file is not a question object.
    #[error("{path}:{line}: not a question object ({message}); each line needs at least \"question\" and \"answerable\"")]
    QuestionLine {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// A question file holds no question.
    #[error("{0} holds no question")]
    NoQuestions(String),
}
