//! `is_complete`: SQLite's sqlite3_complete, for shells and line readers.
//!
//! Owns: deciding whether text ends a complete SQL statement, i.e. ends
//! with a `;` that is not inside a string, identifier, comment or CREATE
//! TRIGGER body. It does not parse; it runs SQLite's small state machine
//! (complete.c) over a coarse token stream:
//!
//! ```text
//!   token:     SEMI  WS  OTHER  EXPLAIN  CREATE  TEMP  TRIGGER  END
//!   0 INVALID    1    0    2       3       4      2      2      2
//!   1 START      1    1    2       3       4      2      2      2
//!   2 NORMAL     1    2    2       2       2      2      2      2
//!   3 EXPLAIN    1    3    3       2       4      2      2      2
//!   4 CREATE     1    4    2       2       2      4      5      2
//!   5 TRIGGER    6    5    5       5       5      5      5      5
//!   6 SEMI       6    6    5       5       5      5      5      7
//!   7 END        1    7    5       5       5      5      5      5
//! ```
//! The text is complete when the final state is START. An unterminated
//! string, quoted identifier or block comment makes it incomplete; a `--`
//! comment running to the end keeps the state it started in. A NUL byte
//! ends the text.

use crate::lexer::is_id_char;

const SEMI: usize = 0;
const WS: usize = 1;
const OTHER: usize = 2;
const EXPLAIN: usize = 3;
const CREATE: usize = 4;
const TEMP: usize = 5;
const TRIGGER: usize = 6;
const END: usize = 7;

const START: u8 = 1;

const TRANS: [[u8; 8]; 8] = [
    [1, 0, 2, 3, 4, 2, 2, 2],
    [1, 1, 2, 3, 4, 2, 2, 2],
    [1, 2, 2, 2, 2, 2, 2, 2],
    [1, 3, 3, 2, 4, 2, 2, 2],
    [1, 4, 2, 2, 2, 4, 5, 2],
    [6, 5, 5, 5, 5, 5, 5, 5],
    [6, 6, 5, 5, 5, 5, 5, 7],
    [1, 7, 5, 5, 5, 5, 5, 5],
];

/// True if `sql` ends with a complete statement (sqlite3_complete).
pub fn is_complete(sql: &str) -> bool {
    let b = sql.as_bytes();
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    let b = &b[..end];
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut state: u8 = 0;
    let mut i = 0;
    while i < b.len() {
        let token = match b[i] {
            b';' => SEMI,
            b' ' | b'\r' | b'\t' | b'\n' | 0x0c => WS,
            b'/' if at(i + 1) == b'*' => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && at(i + 1) == b'/') {
                    i += 1;
                }
                if i >= b.len() {
                    return false;
                }
                i += 1;
                WS
            }
            b'-' if at(i + 1) == b'-' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                if i >= b.len() {
                    return state == START;
                }
                WS
            }
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
                if i >= b.len() {
                    return false;
                }
                OTHER
            }
            q @ (b'`' | b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                if i >= b.len() {
                    return false;
                }
                OTHER
            }
            c if is_id_char(c) => {
                let mut n = 1;
                while is_id_char(at(i + n)) {
                    n += 1;
                }
                let word = &b[i..i + n];
                let is = |w: &str| word.eq_ignore_ascii_case(w.as_bytes());
                let token = if is("create") {
                    CREATE
                } else if is("trigger") {
                    TRIGGER
                } else if is("temp") || is("temporary") {
                    TEMP
                } else if is("end") {
                    END
                } else if is("explain") {
                    EXPLAIN
                } else {
                    OTHER
                };
                i += n - 1;
                token
            }
            _ => OTHER,
        };
        state = TRANS[state as usize][token];
        i += 1;
    }
    state == START
}
