//! ferrolite-parser: lexer, recursive-descent parser and owned AST for the
//! SQLite SQL dialect. It depends on nothing and knows nothing of storage.
//!
//! Entry point (being written; signature fixed):
//! `pub fn parse_one(sql: &str) -> Result<Option<(Stmt, usize)>, ParseError>`
//! parses the first statement of `sql` and returns it with the byte offset
//! just past it (past its `;` if any), so a caller can walk a
//! multi-statement string the way sqlite3_prepare's tail pointer does. It
//! returns `Ok(None)` when only whitespace, comments and `;` remain.

#![forbid(unsafe_code)]

pub mod ast;
pub mod error;

pub use ast::*;
pub use error::ParseError;
