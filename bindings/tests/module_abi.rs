//! The embedded engine module matches docs/abi.md: its imports are exactly
//! the `ferrolite_host` functions with the documented signatures, its
//! exports the `fl_*` functions and `memory`; and the boundary rejects bad
//! input with codes (no traps) before any connection is open.

use ferrolite::wasm::imports::NAMES;
use ferrolite::wasm::instance::Wasm;
use ferrolite::wasm::module::compiled;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use wasmtime::{ExternType, ValType};

fn sig(ty: &ExternType) -> String {
    let f = ty.func().expect("a function");
    let v = |t: ValType| match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F64 => "f64",
        _ => "other",
    };
    let p: Vec<_> = f.params().map(v).collect();
    let r: Vec<_> = f.results().map(v).collect();
    format!("({}) -> ({})", p.join(","), r.join(","))
}

#[test]
fn imports_are_exactly_the_documented_host_functions() {
    let m = &compiled().unwrap().module;
    let want: BTreeMap<&str, &str> = [
        ("fs_open", "(i32,i32,i32) -> (i32)"),
        ("fs_close", "(i32) -> (i32)"),
        ("fs_read", "(i32,i32,i32,i64) -> (i32)"),
        ("fs_write", "(i32,i32,i32,i64) -> (i32)"),
        ("fs_sync", "(i32,i32) -> (i32)"),
        ("fs_size", "(i32) -> (i64)"),
        ("fs_truncate", "(i32,i64) -> (i32)"),
        ("fs_lock", "(i32,i64,i64,i32) -> (i32)"),
        ("fs_delete", "(i32,i32,i32) -> (i32)"),
        ("fs_exists", "(i32,i32) -> (i32)"),
        ("time_ms", "() -> (i64)"),
        ("random", "(i32,i32) -> ()"),
        ("sleep", "(i64) -> ()"),
        ("interrupted", "() -> (i32)"),
        ("fs_map", "(i32,i64,i32,i32) -> (i32)"),
        ("fs_unmap", "(i32,i32) -> (i32)"),
        ("shm_barrier", "() -> ()"),
    ]
    .into_iter()
    .collect();
    let mut got = BTreeMap::new();
    for imp in m.imports() {
        assert_eq!(imp.module(), "ferrolite_host", "import {} from another module", imp.name());
        got.insert(imp.name().to_string(), sig(&imp.ty()));
    }
    let got: BTreeMap<&str, &str> = got.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, want);
    let mut names = NAMES.to_vec();
    names.sort();
    assert_eq!(names, want.keys().copied().collect::<Vec<_>>(), "the host defines every import");
}

#[test]
fn exports_are_the_fl_functions_and_memory() {
    let m = &compiled().unwrap().module;
    let want: BTreeMap<&str, &str> = [
        ("fl_state", "() -> (i32)"),
        ("fl_buffer", "(i32) -> (i32)"),
        ("fl_open", "(i32,i32,i32) -> (i32)"),
        ("fl_prepare", "(i32,i32) -> (i32)"),
        ("fl_bind", "(i32,i32,i32) -> (i32)"),
        ("fl_step", "(i32) -> (i32)"),
        ("fl_run", "(i32,i32,i32) -> (i32)"),
        ("fl_reset", "(i32) -> (i32)"),
        ("fl_finalize", "(i32) -> (i32)"),
        ("fl_exec", "(i32,i32) -> (i32)"),
        ("fl_busy_timeout", "(i32) -> (i32)"),
        ("fl_close", "() -> (i32)"),
    ]
    .into_iter()
    .collect();
    let mut funcs = BTreeMap::new();
    let mut others = Vec::new();
    for e in m.exports() {
        match e.ty() {
            ExternType::Func(_) => {
                funcs.insert(e.name().to_string(), sig(&e.ty()));
            }
            ExternType::Memory(_) => assert_eq!(e.name(), "memory"),
            _ => others.push(e.name().to_string()),
        }
    }
    let funcs: BTreeMap<&str, &str> = funcs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(funcs, want);
    // rustc before 1.98 also exports these two linker globals; nothing else.
    others.retain(|n| n != "__data_end" && n != "__heap_base");
    assert!(others.is_empty(), "unexpected exports {others:?}");
}

#[test]
fn boundary_rejects_bad_calls_with_codes_before_open() {
    let mut w = Wasm::new(Arc::new(AtomicBool::new(false))).unwrap();
    let st = w.state();
    assert_eq!(st.autocommit, 1);
    let ptr = w.write_input(b"SELECT 1").unwrap();
    // No connection yet: MISUSE with a message, not a trap.
    assert_eq!(w.prepare_at(ptr, 8).unwrap(), 21);
    let st = w.state();
    assert_eq!((st.rc, st.extended, st.stmt, st.out_len), (21, 21, 0, 0));
    assert!(w.err_msg(&st).unwrap().contains("no open connection"));
    // Addresses outside the input buffer are refused.
    assert_eq!(w.prepare_at(0x10, 8).unwrap(), 21);
    assert!(w.err_msg(&w.state()).unwrap().contains("input buffer"));
    assert_eq!(w.prepare_at(ptr, -1).unwrap(), 21);
    assert_eq!(w.prepare_at(ptr + 4, 0x7fff_ffff).unwrap(), 21);
    assert_eq!(w.exec_at(-1, 3).unwrap(), 21);
    for r in [w.step(1), w.reset(1), w.finalize(1), w.busy_timeout(5), w.bind(1, &[0, 0, 0, 0])] {
        assert_eq!(r.unwrap(), 21);
    }
    assert_eq!(w.step(0).unwrap(), 21, "statement handle 0");
    // Closing an instance with no connection is a no-op.
    assert_eq!(w.close().unwrap(), 0);
    assert_eq!(w.state().rc, 0);
    assert!(!w.is_dead());
    assert_eq!(w.open_files(), 0);
}

#[test]
fn engine_failure_inside_the_instance_is_an_error_not_a_crash() {
    // 4 MiB of linear memory: a 16 MB blob cannot be built. Whether the
    // engine reports NOMEM/TOOBIG or aborts (a trap), the host survives,
    // reports an error, and a trapped instance refuses further calls.
    let mut w = Wasm::with_memory_limit(Arc::new(AtomicBool::new(false)), 4 << 20).unwrap();
    let path = w.write_input(b":memory:").unwrap();
    assert_eq!(w.open(b":memory:", 6).unwrap(), 0, "{path}");
    let sql = b"SELECT length(zeroblob(16000000) || 'x')";
    let ptr = w.write_input(sql).unwrap();
    let prepared = w.prepare_at(ptr, sql.len() as i32).unwrap();
    assert_eq!(prepared, 0);
    let stmt = w.state().stmt;
    match w.step(stmt) {
        Ok(rc) => {
            println!("engine reported {rc}: {:?}", w.err_msg(&w.state()));
            assert!(matches!(rc, 7 | 18), "rc {rc}: {:?}", w.err_msg(&w.state()));
            assert!(!w.is_dead());
        }
        Err(e) => {
            println!("instance trapped: {}", e.msg);
            assert_eq!(e.code, 2);
            assert!(w.is_dead());
            assert_eq!(w.open_files(), 0);
            let again = w.step(stmt).unwrap_err();
            assert_eq!(again.code, 2);
            assert_eq!(again.msg, e.msg, "a dead instance repeats its trap");
        }
    }
}
