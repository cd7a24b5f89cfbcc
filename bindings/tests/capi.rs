//! The C API end to end over the real engine module: prepare, bind, step,
//! column accessors and conversions, statement life cycle, codes and
//! messages as SQLite gives them.

mod common;
use ::ferrolite::*;
use common::*;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::{null, null_mut};

#[test]
fn insert_with_every_type_and_read_back() {
    let db = Db::open(":memory:");
    db.ok("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INT, data BLOB)");
    let ins = db.prepare("INSERT INTO t(name, price, qty, data) VALUES(?1, ?2, :qty, @data)");
    // SAFETY: live statement, valid strings.
    unsafe {
        assert_eq!(ferrolite_bind_parameter_count(ins.0), 4);
        assert_eq!(text(ferrolite_bind_parameter_name(ins.0, 1)).as_deref(), Some("?1"));
        assert_eq!(text(ferrolite_bind_parameter_name(ins.0, 3)).as_deref(), Some(":qty"));
        assert_eq!(ferrolite_bind_parameter_name(ins.0, 5), null());
        assert_eq!(ferrolite_bind_parameter_index(ins.0, cstr("@data").as_ptr()), 4);
        assert_eq!(ferrolite_bind_parameter_index(ins.0, cstr(":nope").as_ptr()), 0);
        assert_eq!(ferrolite_stmt_readonly(ins.0), 0);
    }
    assert_eq!(ins.bind_text(1, "héllo"), FERROLITE_OK);
    assert_eq!(ins.bind_double(2, 2.5), FERROLITE_OK);
    assert_eq!(ins.bind_int64(3, i64::MAX), FERROLITE_OK);
    assert_eq!(ins.bind_blob(4, &[0, 1, 2, 255]), FERROLITE_OK);
    assert_eq!(ins.step(), FERROLITE_DONE);
    assert_eq!((db.changes(), db.last_rowid()), (1, 1));
    assert_eq!(ins.reset(), FERROLITE_OK);
    // SAFETY: live statement.
    assert_eq!(unsafe { ferrolite_clear_bindings(ins.0) }, FERROLITE_OK);
    assert_eq!(ins.step(), FERROLITE_DONE, "all NULL after clear_bindings");
    assert_eq!(ins.reset(), FERROLITE_OK);
    assert_eq!(ins.bind_text(1, "zero"), FERROLITE_OK);
    // SAFETY: live statement.
    assert_eq!(unsafe { ferrolite_bind_zeroblob(ins.0, 4, 3) }, FERROLITE_OK);
    assert_eq!(unsafe { ferrolite_bind_int(ins.0, 3, -7) }, FERROLITE_OK);
    assert_eq!(ins.step(), FERROLITE_DONE);
    assert_eq!(db.total_changes(), 3);
    assert_eq!(ins.finalize(), FERROLITE_OK);

    let sel = db.prepare("SELECT id, name, price, qty, data FROM t ORDER BY id");
    assert_eq!(sel.column_count(), 5);
    let names: Vec<_> = (0..5).map(|i| sel.name(i).unwrap()).collect();
    assert_eq!(names, ["id", "name", "price", "qty", "data"]);
    let decl: Vec<_> = (0..5).map(|i| sel.decltype(i)).collect();
    assert_eq!(
        decl,
        [Some("INTEGER".into()), Some("TEXT".into()), Some("REAL".into()), Some("INT".into()), Some("BLOB".into())]
    );
    // SAFETY: live statement.
    assert_eq!(unsafe { ferrolite_stmt_readonly(sel.0) }, 1);
    assert_eq!(sel.step(), FERROLITE_ROW);
    assert_eq!(
        (0..5).map(|i| sel.ty(i)).collect::<Vec<_>>(),
        [FERROLITE_INTEGER, FERROLITE_TEXT, FERROLITE_FLOAT, FERROLITE_INTEGER, FERROLITE_BLOB]
    );
    assert_eq!(sel.text(1).as_deref(), Some("héllo"));
    assert_eq!(sel.bytes(1), "héllo".len() as c_int);
    assert_eq!(sel.double(2), 2.5);
    assert_eq!(sel.int64(3), i64::MAX);
    assert_eq!(sel.blob(4).unwrap(), [0, 1, 2, 255]);
    assert_eq!(sel.step(), FERROLITE_ROW);
    assert!((1..5).all(|i| sel.ty(i) == FERROLITE_NULL));
    assert_eq!(sel.text(1), None);
    assert_eq!(sel.blob(4), None);
    assert_eq!(sel.step(), FERROLITE_ROW);
    assert_eq!(sel.int64(3), -7);
    assert_eq!(sel.blob(4).unwrap(), [0, 0, 0]);
    assert_eq!(sel.step(), FERROLITE_DONE);
    // SAFETY: live statement.
    assert_eq!(unsafe { ferrolite_data_count(sel.0) }, 0);
    assert_eq!(sel.ty(0), FERROLITE_NULL, "no row after DONE");
    assert_eq!(db.errcode(), FERROLITE_RANGE);
    // Stepping a finished statement runs it again (auto-reset).
    assert_eq!(sel.step(), FERROLITE_ROW);
    assert_eq!(sel.int64(0), 1);
}

#[test]
fn column_conversions_follow_sqlite() {
    let db = Db::open(":memory:");
    let st = db.prepare("SELECT 42, 1.5, '12abc', x'3334', NULL, 1e20, '', x''");
    assert_eq!(st.step(), FERROLITE_ROW);
    assert_eq!(st.text(0).as_deref(), Some("42"));
    assert_eq!(st.bytes(0), 2);
    assert_eq!(st.double(0), 42.0);
    assert_eq!(st.text(1).as_deref(), Some("1.5"));
    assert_eq!(st.int64(1), 1);
    assert_eq!(st.int64(2), 12);
    assert_eq!(st.double(2), 12.0);
    assert_eq!(st.text(3).as_deref(), Some("34"));
    assert_eq!(st.int64(3), 34);
    assert_eq!((st.int64(4), st.double(4), st.text(4), st.bytes(4)), (0, 0.0, None, 0));
    assert_eq!(st.text(5).as_deref(), Some("1.0e+20"));
    assert_eq!(st.text(6).as_deref(), Some(""));
    assert_eq!(st.blob(6), None, "empty text as blob is NULL");
    assert_eq!(st.blob(7), None, "empty blob is NULL");
    assert_eq!(st.ty(7), FERROLITE_BLOB);
    // Out of range columns: NULL/0 and RANGE on the connection.
    assert_eq!((st.text(8), st.int64(-1)), (None, 0));
    assert_eq!(db.errcode(), FERROLITE_RANGE);
    assert_eq!(db.errmsg(), "column index out of range");
    assert_eq!(st.name(8), None);
}

#[test]
fn errors_have_sqlite_codes_and_messages() {
    let db = Db::open(":memory:");
    db.ok("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)");
    db.ok("INSERT INTO t VALUES(1, 'a')");
    assert_eq!(db.exec("INSERT INTO t VALUES(1, 'b')"), FERROLITE_CONSTRAINT);
    assert_eq!(db.extended(), FERROLITE_CONSTRAINT_PRIMARYKEY);
    assert_eq!(db.errmsg(), "UNIQUE constraint failed: t.id");
    assert_eq!(db.exec("INSERT INTO t VALUES(2, 'a')"), FERROLITE_CONSTRAINT);
    assert_eq!(db.extended(), FERROLITE_CONSTRAINT_UNIQUE);
    assert_eq!(db.errmsg(), "UNIQUE constraint failed: t.v");

    // A failing step: the step, then reset and finalize, report it.
    let ins = db.prepare("INSERT INTO t VALUES(?, NULL)");
    assert_eq!(ins.bind_int64(1, 5), FERROLITE_OK);
    assert_eq!(ins.step(), FERROLITE_CONSTRAINT);
    assert_eq!(db.extended(), FERROLITE_CONSTRAINT_NOTNULL);
    assert_eq!(db.errmsg(), "NOT NULL constraint failed: t.v");
    assert_eq!(ins.reset(), FERROLITE_CONSTRAINT);
    assert_eq!(ins.reset(), FERROLITE_OK);
    assert_eq!(ins.step(), FERROLITE_CONSTRAINT);
    assert_eq!(ins.finalize(), FERROLITE_CONSTRAINT);

    // Syntax errors and unknown tables fail at prepare; out-params untouched.
    let sql = cstr("SELEC 1");
    let mut st = std::ptr::dangling_mut::<ferrolite_stmt>();
    // SAFETY: live handle, valid string and out-pointer.
    let rc = unsafe { ferrolite_prepare_v2(db.0, sql.as_ptr(), -1, &mut st, null_mut()) };
    assert_eq!(rc, FERROLITE_ERROR);
    assert_eq!(st, std::ptr::dangling_mut::<ferrolite_stmt>());
    assert_eq!(db.errmsg(), "near \"SELEC\": syntax error");
    assert!(matches!(db.try_prepare("SELECT * FROM nope"), Err(FERROLITE_ERROR)));
    assert_eq!(db.errmsg(), "no such table: nope");
    // After a success the message is "not an error".
    db.ok("SELECT 1");
    assert_eq!((db.errcode(), db.errmsg().as_str()), (FERROLITE_OK, "not an error"));
}

#[test]
fn binding_rules() {
    let db = Db::open(":memory:");
    let st = db.prepare("SELECT ?1, ?2");
    assert_eq!(st.bind_int64(0, 1), FERROLITE_RANGE);
    assert_eq!(st.bind_int64(3, 1), FERROLITE_RANGE);
    assert_eq!(db.errmsg(), "column index out of range");
    assert_eq!(st.bind_text(1, "x"), FERROLITE_OK);
    assert_eq!(db.errcode(), FERROLITE_OK);
    // SAFETY: live statement; NULL text binds NULL; a negative blob length
    // is misuse; NaN binds NULL.
    unsafe {
        assert_eq!(ferrolite_bind_text(st.0, 2, null(), 5), FERROLITE_OK);
        assert_eq!(ferrolite_bind_blob(st.0, 2, b"ab".as_ptr().cast(), -1), FERROLITE_MISUSE);
        assert_eq!(ferrolite_bind_double(st.0, 2, f64::NAN), FERROLITE_OK);
        assert_eq!(ferrolite_bind_zeroblob(st.0, 2, FERROLITE_MAX_LENGTH + 1), FERROLITE_TOOBIG);
        let nul_text = b"ab\0cd";
        assert_eq!(ferrolite_bind_text(st.0, 1, nul_text.as_ptr().cast(), 5), FERROLITE_OK);
    }
    assert_eq!(st.step(), FERROLITE_ROW);
    assert_eq!(st.bytes(0), 5, "embedded NUL kept");
    assert_eq!(st.ty(1), FERROLITE_NULL);
    // Binding a running statement is misuse until reset.
    assert_eq!(st.bind_int64(1, 9), FERROLITE_MISUSE);
    assert_eq!(st.step(), FERROLITE_DONE);
    assert_eq!(st.bind_int64(1, 9), FERROLITE_MISUSE, "finished but not reset");
    assert_eq!(st.reset(), FERROLITE_OK);
    assert_eq!(st.bind_int64(1, 9), FERROLITE_OK);
    assert_eq!(st.step(), FERROLITE_ROW);
    assert_eq!(st.int64(0), 9);
    assert_eq!(st.ty(1), FERROLITE_NULL, "bindings kept across reset");
}

#[test]
fn handles_are_checked() {
    // SAFETY: NULL handles are part of the contract.
    unsafe {
        assert_eq!(ferrolite_close(null_mut()), FERROLITE_OK);
        assert_eq!(ferrolite_finalize(null_mut()), FERROLITE_OK);
        assert_eq!(ferrolite_step(null_mut()), FERROLITE_MISUSE);
        assert_eq!(ferrolite_bind_int(null_mut(), 1, 1), FERROLITE_MISUSE);
        assert_eq!(ferrolite_column_count(null_mut()), 0);
        assert_eq!(ferrolite_column_text(null_mut(), 0), null());
        assert_eq!(ferrolite_errcode(null_mut()), FERROLITE_NOMEM);
        assert_eq!(text(ferrolite_errmsg(null_mut())).as_deref(), Some("out of memory"));
        assert_eq!(
            ferrolite_exec(null_mut(), cstr("SELECT 1").as_ptr(), None, null_mut(), null_mut()),
            FERROLITE_MISUSE
        );
        ferrolite_interrupt(null_mut());
        let mut db = null_mut();
        assert_eq!(ferrolite_open(null(), null_mut()), FERROLITE_MISUSE);
        assert_eq!(
            ferrolite_open_v2(cstr(":memory:").as_ptr(), &mut db, FERROLITE_OPEN_CREATE, null()),
            FERROLITE_MISUSE
        );
        assert!(db.is_null());
        assert_eq!(text(ferrolite_errstr(FERROLITE_BUSY)).as_deref(), Some("database is locked"));
        assert!(!text(ferrolite_libversion()).unwrap().is_empty());
    }
    let db = Db::open(":memory:");
    // SAFETY: live handle, NULL out-pointer / SQL.
    unsafe {
        assert_eq!(ferrolite_prepare_v2(db.0, cstr("SELECT 1").as_ptr(), -1, null_mut(), null_mut()), FERROLITE_MISUSE);
        assert_eq!(ferrolite_prepare_v2(db.0, null(), -1, &mut null_mut(), null_mut()), FERROLITE_MISUSE);
    }
    // Close refuses while a statement is alive, then works.
    let st = db.prepare("SELECT 1");
    // SAFETY: live handle.
    assert_eq!(unsafe { ferrolite_close(db.0) }, FERROLITE_BUSY);
    assert_eq!(db.errmsg(), "unable to close due to unfinalized statements or unfinished backups");
    assert_eq!(st.finalize(), FERROLITE_OK);
    assert_eq!(db.close(), FERROLITE_OK);
    // Opening a missing file read-only fails without a handle.
    let p = temp_db("missing.db");
    assert_eq!(Db::open_flags(p.to_str().unwrap(), FERROLITE_OPEN_READONLY).err(), Some(FERROLITE_CANTOPEN));
}

#[test]
fn prepare_tail_nbyte_and_empty_sql() {
    let db = Db::open(":memory:");
    let sql = cstr("SELECT 1; SELECT 2 -- two\n; ");
    let (mut st, mut tail) = (null_mut(), null());
    // SAFETY: live handle, valid string and out-pointers.
    unsafe {
        assert_eq!(ferrolite_prepare_v2(db.0, sql.as_ptr(), -1, &mut st, &mut tail), FERROLITE_OK);
        assert_eq!(tail.offset_from(sql.as_ptr()), 9);
        ferrolite_finalize(st);
        let rest = tail;
        assert_eq!(ferrolite_prepare_v2(db.0, rest, -1, &mut st, &mut tail), FERROLITE_OK);
        assert!(!st.is_null());
        assert_eq!(ferrolite_step(st), FERROLITE_ROW);
        assert_eq!(ferrolite_column_int(st, 0), 2);
        ferrolite_finalize(st);
        // Only a comment and spaces: OK with no statement.
        let rest = tail;
        st = std::ptr::dangling_mut();
        assert_eq!(ferrolite_prepare_v2(db.0, rest, -1, &mut st, &mut tail), FERROLITE_OK);
        assert!(st.is_null());
        // nbyte limits the SQL: "SELECT 12" of "SELECT 123".
        let s = cstr("SELECT 123");
        assert_eq!(ferrolite_prepare_v2(db.0, s.as_ptr(), 9, &mut st, &mut tail), FERROLITE_OK);
        assert_eq!(ferrolite_step(st), FERROLITE_ROW);
        assert_eq!(ferrolite_column_int(st, 0), 12);
        assert_eq!(tail, s.as_ptr().add(9));
        ferrolite_finalize(st);
    }
}

unsafe extern "C" fn collect(arg: *mut c_void, n: c_int, vals: *mut *mut c_char, names: *mut *mut c_char) -> c_int {
    // SAFETY: arg is the Vec passed below; vals/names have n entries.
    unsafe {
        let out = &mut *(arg as *mut Vec<String>);
        let row: Vec<String> = (0..n as usize)
            .map(|i| {
                let name = CStr::from_ptr(*names.add(i)).to_str().unwrap();
                let v = *vals.add(i);
                let v = if v.is_null() { "NULL".into() } else { CStr::from_ptr(v).to_string_lossy().into_owned() };
                format!("{name}={v}")
            })
            .collect();
        out.push(row.join(","));
        (out.len() >= 2 && row[0] == "a=stop") as c_int
    }
}

#[test]
fn exec_with_callback_and_errmsg() {
    let db = Db::open(":memory:");
    let mut rows: Vec<String> = Vec::new();
    let mut err: *mut c_char = std::ptr::dangling_mut::<c_char>();
    let sql =
        cstr("CREATE TABLE t(a, b); INSERT INTO t VALUES(1, NULL), (2.5, 'x'); SELECT a, b FROM t; SELECT 'z' AS a;");
    // SAFETY: live handle, valid strings, callback and out-pointer.
    let rc =
        unsafe { ferrolite_exec(db.0, sql.as_ptr(), Some(collect), (&mut rows as *mut Vec<String>).cast(), &mut err) };
    assert_eq!(rc, FERROLITE_OK, "{}", db.errmsg());
    assert!(err.is_null(), "errmsg set to NULL on success");
    assert_eq!(rows, ["a=1,b=NULL", "a=2.5,b=x", "a=z"]);

    rows.clear();
    let sql = cstr("SELECT 'go' AS a UNION ALL SELECT 'stop' UNION ALL SELECT 'never'");
    // SAFETY: as above.
    let rc =
        unsafe { ferrolite_exec(db.0, sql.as_ptr(), Some(collect), (&mut rows as *mut Vec<String>).cast(), &mut err) };
    assert_eq!(rc, FERROLITE_ABORT);
    assert_eq!(rows.len(), 2);
    // SAFETY: err is a malloc'd NUL-terminated string from the library.
    unsafe {
        assert_eq!(CStr::from_ptr(err).to_str().unwrap(), "query aborted");
        ferrolite_free(err.cast());
    }
    let sql = cstr("INSERT INTO nope VALUES(1)");
    // SAFETY: as above, no callback.
    let rc = unsafe { ferrolite_exec(db.0, sql.as_ptr(), None, null_mut(), &mut err) };
    assert_eq!(rc, FERROLITE_ERROR);
    // SAFETY: as above.
    unsafe {
        assert_eq!(CStr::from_ptr(err).to_str().unwrap(), "no such table: nope");
        ferrolite_free(err.cast());
    }
    // The callback runs with the connection free: it may use it.
    assert_eq!(db.rows("SELECT count(*) FROM t"), ["2"]);
}
