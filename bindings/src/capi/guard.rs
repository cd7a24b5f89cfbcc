//! The panic boundary of every `extern "C"` function and SQLite's fixed
//! error strings.
//!
//! Invariant: no panic crosses into C; a caught panic becomes
//! FERROLITE_INTERNAL (or the function's neutral value).

use super::consts::FERROLITE_INTERNAL;
use std::ffi::{c_int, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, turning a panic into FERROLITE_INTERNAL.
pub fn guard(f: impl FnOnce() -> c_int) -> c_int {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(FERROLITE_INTERNAL)
}

/// Runs `f`, turning a panic into `default`.
pub fn guard_or<T>(default: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(default)
}

/// SQLite's English text for a result code, exactly as sqlite3_errstr
/// (3.40) gives it (INTERNAL and NOLFS have none: "unknown error").
pub fn errstr(code: c_int) -> &'static CStr {
    match code {
        100 => c"another row available",
        101 => c"no more rows available",
        516 => c"abort due to ROLLBACK",
        _ => match code & 0xff {
            0 => c"not an error",
            1 => c"SQL logic error",
            3 => c"access permission denied",
            4 => c"query aborted",
            5 => c"database is locked",
            6 => c"database table is locked",
            7 => c"out of memory",
            8 => c"attempt to write a readonly database",
            9 => c"interrupted",
            10 => c"disk I/O error",
            11 => c"database disk image is malformed",
            12 => c"unknown operation",
            13 => c"database or disk is full",
            14 => c"unable to open database file",
            15 => c"locking protocol",
            17 => c"database schema has changed",
            18 => c"string or blob too big",
            19 => c"constraint failed",
            20 => c"datatype mismatch",
            21 => c"bad parameter or other API misuse",
            23 => c"authorization denied",
            25 => c"column index out of range",
            26 => c"file is not a database",
            27 => c"notification message",
            28 => c"warning message",
            _ => c"unknown error",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal() {
        assert_eq!(guard(|| panic!("boom")), FERROLITE_INTERNAL);
        assert_eq!(guard_or(std::ptr::null::<u8>(), || panic!("boom")), std::ptr::null());
        assert_eq!(guard(|| 7), 7);
    }

    #[test]
    fn errstr_matches_sqlite() {
        assert_eq!(errstr(0).to_str().unwrap(), "not an error");
        assert_eq!(errstr(19 | (8 << 8)).to_str().unwrap(), "constraint failed");
        assert_eq!(errstr(101).to_str().unwrap(), "no more rows available");
        assert_eq!(errstr(16).to_str().unwrap(), "unknown error");
        assert_eq!(errstr(-1).to_str().unwrap(), "unknown error");
        assert_eq!(errstr(2).to_str().unwrap(), "unknown error");
        assert_eq!(errstr(516).to_str().unwrap(), "abort due to ROLLBACK");
    }
}
