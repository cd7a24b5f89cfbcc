//! Hostile input: deep expressions, huge values, bad API use: errors, never
//! panics or stack overflows.
mod common;
use common::*;
use ferrolite_engine::{codes, Value};

#[test]
fn deep_expressions_compile_or_fail_cleanly() {
    // Run on a thread with the default 2 MiB stack of spawned threads (debug
    // builds use far more stack per level than the release wasm build).
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut f = mem();
            // Deep nesting either works or fails with SQLite's message.
            let ok_or_too_large = |r: &Outcome| match r {
                Ok(_) => true,
                Err((c, m)) => *c == codes::ERROR && m.starts_with("Expression tree is too large"),
            };
            let shallow = format!("SELECT {}1", "1+".repeat(60));
            assert_eq!(query(&mut f, &shallow).unwrap(), vec![vec![Value::Integer(61)]]);
            let deep_sum = format!("SELECT {}1", "1+".repeat(990));
            let r = query(&mut f, &deep_sum);
            assert!(ok_or_too_large(&r), "{r:?}");
            if let Ok(rows) = r {
                assert_eq!(rows, vec![vec![Value::Integer(991)]]);
            }
            let deep_not = format!("SELECT {}1", "NOT ".repeat(990));
            let r = query(&mut f, &deep_not);
            assert!(ok_or_too_large(&r) || r.as_ref().unwrap_err().0 == codes::ERROR, "{r:?}");
            let deep_where = format!("SELECT 1 WHERE {}1", "1+".repeat(990));
            assert!(ok_or_too_large(&query(&mut f, &deep_where)));
            let deep_case = format!("SELECT {}1{}", "CASE WHEN 1 THEN ".repeat(300), " END".repeat(300));
            let r = query(&mut f, &deep_case);
            assert!(ok_or_too_large(&r) || r.as_ref().unwrap_err().0 == codes::ERROR, "{r:?}");
            let deep_sub = format!("SELECT {}1{}", "(SELECT ".repeat(60), ")".repeat(60));
            let r = query(&mut f, &deep_sub);
            assert!(r.is_ok() || r.as_ref().unwrap_err().0 == codes::ERROR, "{r:?}");
            let too_deep = format!("SELECT {}1", "1+".repeat(1200));
            assert_eq!(query(&mut f, &too_deep).unwrap_err().0, codes::ERROR);
        })
        .unwrap();
    h.join().unwrap();
}

#[test]
fn huge_values_and_bad_api_use() {
    let mut f = mem();
    assert_eq!(query(&mut f, "SELECT zeroblob(2000000000)").unwrap_err().0, codes::TOOBIG);
    assert_eq!(query(&mut f, "SELECT randomblob(2000000000)").unwrap_err().0, codes::TOOBIG);
    assert_eq!(query(&mut f, "SELECT printf('%999999999d', 1)").map(|r| r.len()).unwrap_or(1), 1);
    assert!(f.step(12345).is_err());
    assert!(f.finalize(12345).is_err());
    assert!(f.bind(12345, 1, Value::Null).is_err());
    assert_eq!(f.row(12345), &[] as &[Value]);
    assert_eq!(f.column_name(12345, 0), "");
    let (id, _) = f.prepare("SELECT ?").unwrap();
    let id = id.unwrap();
    f.bind(id, 1, Value::Real(f64::NAN)).unwrap();
    assert_eq!(f.step(id).unwrap(), ferrolite_engine::StepResult::Row);
    assert_eq!(f.row(id), &[Value::Null]);
    assert_eq!(f.column_name(id, 99), "");
    f.finalize(id).unwrap();
    assert_eq!(query(&mut f, "SELECT 1 LIMIT 'x'").unwrap_err().0, codes::MISMATCH);
    for bad in ["SELECT", "SELEC 1", "CREATE TABLE", "INSERT INTO", "SELECT (1", "SELECT 'abc", "SELECT x'zz'", "SELECT 1 FROM"] {
        let r = query(&mut f, bad);
        assert!(r.is_err(), "{bad}: {r:?}");
    }
}

#[test]
fn date_functions_with_absurd_inputs_give_null() {
    let mut f = mem();
    let l = lite();
    check_all(&mut f, &l, &[
        "SELECT date('2024-01-01', '+1e300 days'), date('2024-01-01', '+9223372036854775807 months'), datetime(1e308), date(-1e300)",
        "SELECT date('2024-01-01', '-99999999999 years'), datetime(9223372036854775807, 'unixepoch'), julianday('9999-12-31 23:59:59')",
        "SELECT date('0000-01-01'), date('2024-13-01'), date('2024-02-30'), time('25:00'), strftime('%Q', 'now')",
    ]);
}
