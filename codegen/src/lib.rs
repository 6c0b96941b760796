//! Smithy JSON AST in, formatted Rust files out.
