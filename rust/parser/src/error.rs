//! The parser's one error type.
//!
//! `message` is worded exactly as SQLite words it (`near "FROM": syntax
//! error`, `incomplete input`, `unrecognized token: "#"`, ...) so the engine
//! can return it unchanged with SQLITE_ERROR. `offset` is the byte offset in
//! the parsed text of the token the error is about (the end of input for
//! `incomplete input`).

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

impl ParseError {
    pub fn new(message: impl Into<String>, offset: usize) -> ParseError {
        ParseError {
            message: message.into(),
            offset,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}
