//! ferrolite-parser: lexer, recursive-descent parser and owned AST for the
//! SQLite SQL dialect. It depends on nothing and knows nothing of storage.
//!
//! Entry points:
//! - `parse_one(sql) -> Result<Option<(Stmt, usize)>, ParseError>` parses
//!   the first statement of `sql` and returns it with the byte offset just
//!   past it (past its `;` if any), so a caller can walk a multi-statement
//!   string the way sqlite3_prepare's tail pointer does. It returns
//!   `Ok(None)` when only whitespace, comments and `;` remain.
//! - `parse_one_spanned` also gives the statement's span; `schema_sql`
//!   turns a parsed CREATE statement into the exact text SQLite stores in
//!   sqlite_schema.
//! - `parse_one_with` takes `ParseOptions`; `ParsedStmt::params` is the
//!   statement's parameter table, numbered as SQLite numbers it.
//! - `parse_all` parses every statement of a script.
//! - `is_complete` is sqlite3_complete (does the text end a statement?).
//!
//! Modules: `ast` (the tree), `lexer` + `keywords` (tokens), `literal`
//! (token text -> values), `parser` (grammar), `display` (tree -> SQL),
//! `schema_text`, `error`.

#![forbid(unsafe_code)]

pub mod ast;
pub mod complete;
pub mod display;
pub mod error;
pub mod keywords;
pub mod lexer;
pub mod literal;
pub mod parser;
pub mod schema_text;

pub use ast::*;
pub use complete::is_complete;
pub use error::ParseError;
pub use parser::{
    parse_all, parse_one, parse_one_spanned, parse_one_with, ParseOptions, ParsedStmt,
    MAX_EXPR_DEPTH, MAX_NESTING,
};
pub use schema_text::{alter_add_column_text, schema_sql};
