//! Problems found in a model. Every problem names the shape (and member) at fault; all are
//! collected before anything is emitted, so a broken model produces no output at all.

use std::fmt;

/// One problem with the input model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The shape id, with `$member` when a member is at fault; empty for whole-model problems.
    pub shape: String,
    /// What is wrong.
    pub message: String,
}

impl Diagnostic {
    /// A problem at `shape`.
    pub fn new(shape: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            shape: shape.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.shape.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.shape, self.message)
        }
    }
}

/// Generation failed; nothing was produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Every problem found, sorted by shape.
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub(crate) fn single(shape: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            diagnostics: vec![Diagnostic::new(shape, message)],
        }
    }

    pub(crate) fn from_diagnostics(mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort();
        diagnostics.dedup();
        Self { diagnostics }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        writeln!(
            f,
            "the model has {n} problem{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for d in &self.diagnostics {
            writeln!(f, "  - {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
