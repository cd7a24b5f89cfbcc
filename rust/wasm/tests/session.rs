//! The logic behind every export, run natively over the engine's in-memory
//! VFS: state block fields, metadata/row encoding, parameter lists and their
//! errors, fl_run, tails, misuse before open, and the interrupt probe.

use ferrolite_engine::vfs::memory::MemoryVfs;
use ferrolite_engine::Value;
use ferrolite_wasm::codec::{encode_value, Reader};
use ferrolite_wasm::session::Session;
use ferrolite_wasm::state::StateBlock;
use std::cell::Cell;
use std::ops::Range;
use std::rc::Rc;

const OK: i32 = 0;
const ROW: i32 = 100;
const DONE: i32 = 101;
const RW_CREATE: i32 = 0x02 | 0x04;

/// Copies `bytes` into the session's input buffer; the range they occupy.
fn input(s: &mut Session, bytes: &[u8]) -> Range<usize> {
    let buf = s.buffer(bytes.len() as i32).unwrap();
    buf[..bytes.len()].copy_from_slice(bytes);
    0..bytes.len()
}

fn params(vals: &[Value]) -> Vec<u8> {
    let mut out = (vals.len() as u32).to_le_bytes().to_vec();
    for v in vals {
        encode_value(&mut out, v);
    }
    out
}

fn open_with(probe: Box<dyn FnMut() -> bool>) -> (Session, StateBlock) {
    let mut s = Session::new();
    let st = StateBlock::new();
    let r = input(&mut s, b":memory:");
    assert_eq!(s.open(&st, Rc::new(MemoryVfs::new()), r, RW_CREATE, probe), OK, "{}", s.err());
    (s, st)
}

fn open() -> (Session, StateBlock) {
    open_with(Box::new(|| false))
}

fn prepare(s: &mut Session, st: &StateBlock, sql: &str) -> i32 {
    let r = input(s, sql.as_bytes());
    assert_eq!(s.prepare(st, r), OK, "{sql}: {}", s.err());
    st.stmt.get()
}

fn exec(s: &mut Session, st: &StateBlock, sql: &str) -> i32 {
    let r = input(s, sql.as_bytes());
    s.exec(st, r)
}

fn row(s: &Session, n: usize) -> Vec<Value> {
    let mut r = Reader::new(s.out());
    let v = (0..n).map(|_| r.value().unwrap()).collect();
    assert!(r.at_end());
    v
}

#[test]
fn prepare_metadata_bind_step() {
    let (mut s, st) = open();
    assert_eq!(exec(&mut s, &st, "CREATE TABLE t(a INTEGER, b TEXT)"), OK);
    let sql = "SELECT a, b, ?1 + 1 AS c FROM t WHERE b = :name";
    let id = prepare(&mut s, &st, sql);
    assert_ne!(id, 0);
    assert_eq!(st.tail.get() as usize, sql.len());
    let mut r = Reader::new(s.out());
    assert_eq!(r.u32().unwrap(), 3);
    let cols: Vec<(Vec<u8>, Vec<u8>)> =
        (0..3).map(|_| (r.bytes().unwrap().to_vec(), r.bytes().unwrap().to_vec())).collect();
    assert_eq!(
        cols,
        [(b"a".to_vec(), b"INTEGER".to_vec()), (b"b".to_vec(), b"TEXT".to_vec()), (b"c".to_vec(), vec![])]
    );
    assert_eq!(r.u32().unwrap(), 2);
    assert_eq!(r.bytes().unwrap(), b"?1");
    assert_eq!(r.bytes().unwrap(), b":name");
    assert_eq!(r.u32().unwrap(), 1, "read-only");
    assert!(r.at_end());

    let ins = prepare(&mut s, &st, "INSERT INTO t VALUES(?, ?)");
    let list = params(&[Value::Integer(7), Value::Text("x".into())]);
    let r = input(&mut s, &list);
    assert_eq!(s.run(&st, ins, r), DONE, "{}", s.err());
    assert_eq!((st.changes.get(), st.total_changes.get(), st.last_insert_rowid.get()), (1, 1, 1));
    assert_eq!(st.autocommit.get(), 1);

    let list = params(&[Value::Integer(41), Value::Text("x".into())]);
    let r = input(&mut s, &list);
    assert_eq!(s.bind(&st, id, r), OK);
    assert_eq!(s.step(&st, id), ROW);
    assert_eq!((st.rc.get(), st.extended.get(), st.err_len.get()), (ROW, ROW, 0));
    assert_eq!(st.out_len.get() as usize, s.out().len());
    assert_eq!(row(&s, 3), [Value::Integer(7), Value::Text("x".into()), Value::Integer(42)]);
    assert_eq!(s.step(&st, id), DONE);
    assert_eq!(st.out_len.get(), 0);
    assert_eq!(s.reset(&st, id), OK);
    assert_eq!(s.finalize(&st, id), OK);
    assert_eq!(s.finalize(&st, ins), OK);
    assert_eq!(s.close(&st), OK);
    assert_eq!(s.close(&st), OK, "closing twice is a no-op");
}

#[test]
fn parameter_list_errors() {
    let (mut s, st) = open();
    let id = prepare(&mut s, &st, "SELECT ?, ?");
    let list = params(&[Value::Null, Value::Null, Value::Null]);
    let r = input(&mut s, &list);
    assert_eq!(s.bind(&st, id, r), 25);
    assert_eq!(s.err(), "column index out of range");
    assert_eq!(st.err_len.get() as usize, s.err().len());
    for bad in [&[1u8, 0, 0, 0, 9][..], &[1, 0, 0, 0, 1, 0, 0], &[1, 0], &[0, 0, 0, 0, 0]] {
        let r = input(&mut s, bad);
        assert_eq!(s.bind(&st, id, r), 21, "{bad:?}");
    }
    // Fewer values than parameters: the rest are NULL.
    let list = params(&[Value::Real(0.5)]);
    let r = input(&mut s, &list);
    assert_eq!(s.bind(&st, id, r), OK);
    assert_eq!(s.step(&st, id), ROW);
    assert_eq!(row(&s, 2), [Value::Real(0.5), Value::Null]);
    assert_eq!(s.step(&st, 999), 21, "unknown statement");
    assert_eq!(s.step(&st, 0), 21);
}

#[test]
fn errors_fill_the_state_block() {
    let (mut s, st) = open();
    assert_eq!(exec(&mut s, &st, "CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES(1)"), OK);
    assert_eq!(exec(&mut s, &st, "INSERT INTO t VALUES(1)"), 19);
    assert_eq!(st.extended.get(), 19 | (6 << 8));
    assert_eq!(s.err(), "UNIQUE constraint failed: t.id");
    let r = input(&mut s, b"SELEC 1");
    assert_eq!(s.prepare(&st, r), 1);
    assert_eq!((st.stmt.get(), st.out_len.get()), (0, 0));
    assert_eq!(s.err(), "near \"SELEC\": syntax error");
    assert_eq!(exec(&mut s, &st, "BEGIN"), OK);
    assert_eq!(st.autocommit.get(), 0);
    assert_eq!(exec(&mut s, &st, "ROLLBACK"), OK);
    assert_eq!(st.autocommit.get(), 1);
    let r = input(&mut s, &[0xff, 0xfe]);
    assert_eq!(s.prepare(&st, r), 21, "SQL that is not UTF-8");
}

#[test]
fn tails_and_empty_sql() {
    let (mut s, st) = open();
    prepare(&mut s, &st, "SELECT 1; SELECT 2");
    assert_eq!(st.tail.get(), 9);
    let r = input(&mut s, b"  -- nothing\n ");
    assert_eq!(s.prepare(&st, r), OK);
    assert_eq!((st.stmt.get(), st.out_len.get()), (0, 0));
    assert_eq!(s.prepare(&st, 0..0), OK);
    assert_eq!(st.stmt.get(), 0);
}

#[test]
fn misuse_before_open_and_input_ranges() {
    let mut s = Session::new();
    let st = StateBlock::new();
    let r = input(&mut s, b"SELECT 1");
    assert_eq!(s.prepare(&st, r.clone()), 21);
    assert!(s.err().contains("no open connection"));
    assert_eq!(s.exec(&st, r), 21);
    assert_eq!(s.busy_timeout(&st, 10), 21);
    assert!(s.buffer(-1).is_none());
    let base = s.buffer(16).unwrap().as_ptr() as usize;
    let len = s.buffer(0).unwrap().len();
    // Natively addresses do not fit an i32; only relative checks apply here:
    // an empty range is accepted anywhere, a negative length never.
    assert_eq!(s.input_range(0, 0).unwrap(), 0..0);
    assert!(s.input_range(0, -1).is_err());
    assert!(len >= 16 && base != 0);
    let r = input(&mut s, b":memory:");
    assert_eq!(s.open(&st, Rc::new(MemoryVfs::new()), r.clone(), RW_CREATE, Box::new(|| false)), OK);
    assert_eq!(s.open(&st, Rc::new(MemoryVfs::new()), r, RW_CREATE, Box::new(|| false)), 21, "already open");
    assert!(s.is_open());
}

#[test]
fn interrupt_probe_stops_statements() {
    let flag = Rc::new(Cell::new(false));
    let f = flag.clone();
    let (mut s, st) = open_with(Box::new(move || f.get()));
    assert_eq!(exec(&mut s, &st, "CREATE TABLE n(x)"), OK);
    let ins = prepare(&mut s, &st, "INSERT INTO n VALUES(?)");
    for i in 0..300 {
        let list = params(&[Value::Integer(i)]);
        let r = input(&mut s, &list);
        assert_eq!(s.run(&st, ins, r), DONE);
    }
    flag.set(true);
    let q = prepare(&mut s, &st, "SELECT count(*) FROM n a, n b, n c");
    assert_eq!(s.step(&st, q), 9);
    assert_eq!(s.err(), "interrupted");
    flag.set(false);
    assert_eq!(s.reset(&st, q), OK);
    assert_eq!(s.finalize(&st, q), OK);
    let c = prepare(&mut s, &st, "SELECT count(*) FROM n");
    assert_eq!(s.step(&st, c), ROW, "the connection works after an interrupt");
    assert_eq!(row(&s, 1), [Value::Integer(300)]);
}
