//! Thin safe wrappers over the C API for the tests (each call goes through
//! the real `extern "C"` functions of the library).
#![allow(dead_code)]

use ::ferrolite::*;
use std::ffi::{c_char, c_int, CStr, CString};
use std::ptr::{null, null_mut};

pub struct Db(pub *mut ferrolite);

pub fn cstr(s: &str) -> CString {
    CString::new(s).unwrap()
}

pub fn text(p: *const c_char) -> Option<String> {
    // SAFETY: the library returns NULL or NUL-terminated strings.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

impl Db {
    pub fn open(path: &str) -> Db {
        Db::open_flags(path, FERROLITE_OPEN_READWRITE | FERROLITE_OPEN_CREATE).unwrap()
    }

    pub fn open_flags(path: &str, flags: c_int) -> Result<Db, c_int> {
        let mut db = null_mut();
        let p = cstr(path);
        // SAFETY: valid string and out-pointer.
        let rc = unsafe { ferrolite_open_v2(p.as_ptr(), &mut db, flags, null()) };
        if rc == FERROLITE_OK {
            assert!(!db.is_null());
            Ok(Db(db))
        } else {
            assert!(db.is_null(), "out-param written on failure");
            Err(rc)
        }
    }

    pub fn exec(&self, sql: &str) -> c_int {
        let s = cstr(sql);
        // SAFETY: live handle, valid string, no callback.
        unsafe { ferrolite_exec(self.0, s.as_ptr(), None, null_mut(), null_mut()) }
    }

    pub fn ok(&self, sql: &str) {
        let rc = self.exec(sql);
        assert_eq!(rc, FERROLITE_OK, "{sql}: {}", self.errmsg());
    }

    pub fn prepare(&self, sql: &str) -> Stmt {
        match self.try_prepare(sql) {
            Ok(Some(s)) => s,
            Ok(None) => panic!("{sql}: no statement"),
            Err(rc) => panic!("{sql}: {rc} {}", self.errmsg()),
        }
    }

    pub fn try_prepare(&self, sql: &str) -> Result<Option<Stmt>, c_int> {
        let s = cstr(sql);
        let mut st = null_mut();
        // SAFETY: live handle, valid string and out-pointer.
        let rc = unsafe { ferrolite_prepare_v2(self.0, s.as_ptr(), -1, &mut st, null_mut()) };
        if rc != FERROLITE_OK {
            return Err(rc);
        }
        Ok((!st.is_null()).then_some(Stmt(st)))
    }

    /// All rows of `sql` as text (NULL as "NULL"), columns joined by '|'.
    pub fn rows(&self, sql: &str) -> Vec<String> {
        let st = self.prepare(sql);
        let mut out = Vec::new();
        loop {
            match st.step() {
                FERROLITE_ROW => out.push(
                    (0..st.column_count())
                        .map(|i| st.text(i).unwrap_or_else(|| "NULL".into()))
                        .collect::<Vec<_>>()
                        .join("|"),
                ),
                FERROLITE_DONE => break,
                rc => panic!("{sql}: step {rc} {}", self.errmsg()),
            }
        }
        out
    }

    pub fn errmsg(&self) -> String {
        // SAFETY: live handle.
        text(unsafe { ferrolite_errmsg(self.0) }).unwrap()
    }
    pub fn errcode(&self) -> c_int {
        // SAFETY: live handle.
        unsafe { ferrolite_errcode(self.0) }
    }
    pub fn extended(&self) -> c_int {
        // SAFETY: live handle.
        unsafe { ferrolite_extended_errcode(self.0) }
    }
    pub fn changes(&self) -> i64 {
        // SAFETY: live handle.
        unsafe { ferrolite_changes64(self.0) }
    }
    pub fn total_changes(&self) -> i64 {
        // SAFETY: live handle.
        unsafe { ferrolite_total_changes64(self.0) }
    }
    pub fn last_rowid(&self) -> i64 {
        // SAFETY: live handle.
        unsafe { ferrolite_last_insert_rowid(self.0) }
    }
    pub fn close(self) -> c_int {
        let p = self.0;
        std::mem::forget(self);
        // SAFETY: live handle, not used afterwards.
        unsafe { ferrolite_close(p) }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // SAFETY: live handle, not used afterwards.
        unsafe { ferrolite_close(self.0) };
    }
}

pub struct Stmt(pub *mut ferrolite_stmt);

impl Stmt {
    pub fn step(&self) -> c_int {
        // SAFETY: live statement.
        unsafe { ferrolite_step(self.0) }
    }
    pub fn reset(&self) -> c_int {
        // SAFETY: live statement.
        unsafe { ferrolite_reset(self.0) }
    }
    pub fn column_count(&self) -> c_int {
        // SAFETY: live statement.
        unsafe { ferrolite_column_count(self.0) }
    }
    pub fn name(&self, i: c_int) -> Option<String> {
        // SAFETY: live statement.
        text(unsafe { ferrolite_column_name(self.0, i) })
    }
    pub fn decltype(&self, i: c_int) -> Option<String> {
        // SAFETY: live statement.
        text(unsafe { ferrolite_column_decltype(self.0, i) })
    }
    pub fn ty(&self, i: c_int) -> c_int {
        // SAFETY: live statement.
        unsafe { ferrolite_column_type(self.0, i) }
    }
    pub fn int64(&self, i: c_int) -> i64 {
        // SAFETY: live statement.
        unsafe { ferrolite_column_int64(self.0, i) }
    }
    pub fn double(&self, i: c_int) -> f64 {
        // SAFETY: live statement.
        unsafe { ferrolite_column_double(self.0, i) }
    }
    pub fn text(&self, i: c_int) -> Option<String> {
        // SAFETY: live statement.
        text(unsafe { ferrolite_column_text(self.0, i) }.cast())
    }
    pub fn blob(&self, i: c_int) -> Option<Vec<u8>> {
        // SAFETY: live statement; blob has column_bytes bytes.
        unsafe {
            let p = ferrolite_column_blob(self.0, i);
            let n = ferrolite_column_bytes(self.0, i);
            (!p.is_null()).then(|| std::slice::from_raw_parts(p.cast::<u8>(), n as usize).to_vec())
        }
    }
    pub fn bytes(&self, i: c_int) -> c_int {
        // SAFETY: live statement.
        unsafe { ferrolite_column_bytes(self.0, i) }
    }
    pub fn bind_int64(&self, i: c_int, v: i64) -> c_int {
        // SAFETY: live statement.
        unsafe { ferrolite_bind_int64(self.0, i, v) }
    }
    pub fn bind_double(&self, i: c_int, v: f64) -> c_int {
        // SAFETY: live statement.
        unsafe { ferrolite_bind_double(self.0, i, v) }
    }
    pub fn bind_text(&self, i: c_int, v: &str) -> c_int {
        // SAFETY: live statement; v has v.len() bytes.
        unsafe { ferrolite_bind_text(self.0, i, v.as_ptr().cast(), v.len() as c_int) }
    }
    pub fn bind_blob(&self, i: c_int, v: &[u8]) -> c_int {
        // SAFETY: live statement; v has v.len() bytes.
        unsafe { ferrolite_bind_blob(self.0, i, v.as_ptr().cast(), v.len() as c_int) }
    }
    pub fn bind_null(&self, i: c_int) -> c_int {
        // SAFETY: live statement.
        unsafe { ferrolite_bind_null(self.0, i) }
    }
    pub fn finalize(self) -> c_int {
        let p = self.0;
        std::mem::forget(self);
        // SAFETY: live statement, not used afterwards.
        unsafe { ferrolite_finalize(p) }
    }
}

impl Drop for Stmt {
    fn drop(&mut self) {
        // SAFETY: live statement, not used afterwards.
        unsafe { ferrolite_finalize(self.0) };
    }
}

/// A fresh path in the temp directory (the file does not exist).
pub fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrolite-bindings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
    p
}

/// Runs the sqlite3 shell on `path` with `sql`; its stdout (NULL printed as
/// "NULL", as `Db::rows` does).
pub fn sqlite3(path: &std::path::Path, sql: &str) -> String {
    let out = std::process::Command::new("sqlite3")
        .args(["-nullvalue", "NULL"])
        .arg(path)
        .arg(sql)
        .output()
        .expect("the sqlite3 shell");
    assert!(out.status.success(), "sqlite3 failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}
