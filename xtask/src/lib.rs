//! The part of the project's chores that tests need too: `cargo xtask codegen` keeps the
//! committed crates current, and the drift test checks them through the very same code.
#![forbid(unsafe_code)]

pub mod codegen;

/// A failed chore: what to print and the exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code,
        }
    }
}

impl std::fmt::Debug for Failure {
    // `expect` on a `Result<_, Failure>` then shows the message as the generator wrote it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}: {}", self.code, self.message)
    }
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}
