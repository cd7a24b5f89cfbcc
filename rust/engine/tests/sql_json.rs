//! Differential tests of the JSON functions against real SQLite 3.46
//! (rusqlite bundled): json(), json_valid, json_type, json_extract, -> and
//! ->>, json_array/json_object/json_quote (with the JSON subtype rule),
//! json_array_length, json_insert/replace/set/remove/patch,
//! json_error_position, json_pretty, json_group_array/json_group_object,
//! over a generated table of edge-case documents and paths; values, types
//! and error messages must all match.
mod common;
use common::*;
use ferrolite_engine::Value;

/// Edge-case JSON documents (valid, JSON5, and malformed).
const DOCS: &[&str] = &[
    "null", "true", "false", "0", "-0", "-0.0", "1", "-1", "1.5", "1e400", "-1e400", "1E5", "1.0e-5", "123456789012345678901234567890",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "0.1", "1.", ".5", "+1", "0x1F", "-0x10",
    "Infinity", "-Infinity", "NaN", "01", "1e", "--1", "\"\"", "\"abc\"", "\"a\\\"b\"", "\"\\u00e9\\n\\t\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"",
    "\"é ü 😀\"", "'single'", "'it\\'s'", "\"\\x41\"", "\"bad \\q\"", "\"unterminated", "[]", "{}", "[1,2,3]", " [ 1 , 2 ] ", "[1,2,]",
    "[,1]", "[1 2]", "{\"a\":1,\"b\":[1,{\"c\":null}]}", "{a:1}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":}", "{1:2}", "{\"a\":1,\"a\":2}",
    "/* c */ [1] // x", "[1] /* open", "\t\n\r [true]\n", "[\"\\u0000\"]", "{\"k\\\"q\":1}", "[null,true,false]", "tru", "nul", "truex",
    "[[[[[[[[[[1]]]]]]]]]]", "{\"x\":{\"y\":{\"z\":[0,{\"w\":\"deep\"}]}}}", "", " ", "[1]x", "\"\\/\"", "[-]", "[1.5e+3, -2E-2]",
];

/// Paths exercised against every document.
const PATHS: &[&str] = &[
    "$", "$.a", "$.b[1].c", "$[0]", "$[1]", "$[#-1]", "$[#-9]", "$[#]", "$.x.y.z[1].w", "$.\"a\"", "$.\"k\\\"q\"", "$[9]",
];

const BAD_PATHS: &[&str] = &["", "a", "$.", "$[", "$[a]", "$[1", "$x", "$.a[", "$[#-]", "$[-1]", "$.\"a"];

#[test]
fn documents_match_sqlite() {
    let mut f = mem();
    let l = lite();
    let mut bad = Vec::new();
    let mut n = 0;
    let mut run = |sql: &str, p: &[Value]| {
        n += 1;
        if let Some(d) = diff(&mut f, &l, sql, p) {
            bad.push(format!("{d}   params: {p:?}"));
        }
    };
    for d in DOCS {
        let dv = Value::Text(d.to_string());
        run("SELECT json(?1), json_valid(?1), json_valid(?1, 2), json_valid(?1, 3), json_type(?1), json_error_position(?1)", &[dv.clone()]);
        run("SELECT json_array_length(?1), json_quote(?1), json_array(?1), json_object('k', ?1), json_pretty(?1)", &[dv.clone()]);
        run("SELECT json_extract(?1, '$'), typeof(json_extract(?1, '$')), ?1 -> '$', ?1 ->> '$', json_array(json(?1))", &[dv.clone()]);
        run("SELECT json_set(?1, '$.new', 1), json_insert(?1, '$[#]', 'x'), json_replace(?1, '$[0]', json('[9]')), json_remove(?1, '$[0]'), json_patch(?1, '{\"a\":null,\"z\":[1]}')", &[dv.clone()]);
        for p in PATHS {
            let pv = Value::Text(p.to_string());
            run(
                "SELECT json_extract(?1, ?2), typeof(json_extract(?1, ?2)), json_type(?1, ?2), ?1 -> ?2, ?1 ->> ?2, json_array_length(?1, ?2)",
                &[dv.clone(), pv.clone()],
            );
            run(
                "SELECT json_set(?1, ?2, 'v'), json_insert(?1, ?2, 2.5), json_replace(?1, ?2, json_object('q', 1)), json_remove(?1, ?2), json_extract(?1, ?2, '$')",
                &[dv.clone(), pv.clone()],
            );
        }
    }
    for p in BAD_PATHS {
        let pv = Value::Text(p.to_string());
        let dv = Value::Text("{\"a\":[1,2]}".into());
        run("SELECT json_extract(?1, ?2)", &[dv.clone(), pv.clone()]);
        run("SELECT json_set(?1, ?2, 1)", &[dv.clone(), pv.clone()]);
        run("SELECT json_remove(?1, ?2)", &[dv.clone(), pv.clone()]);
        run("SELECT json_type(?1, ?2)", &[dv.clone(), pv.clone()]);
        run("SELECT ?1 -> ?2, ?1 ->> ?2", &[dv.clone(), pv.clone()]);
    }
    assert!(bad.is_empty(), "{} of {n} differ:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn constructors_and_subtypes_match_sqlite() {
    let mut f = mem();
    let l = lite();
    check_all(&mut f, &l, &[
        "SELECT json_array(), json_object(), json_array(1, 2.5, 'x', NULL), json_array(-0.0, 1e400, -1e400, 0.1, 1e15, 1e16, 123456789.125)",
        "SELECT json_array('a\"b', 'c\\d', char(1), char(8, 9, 10, 12, 13, 31, 127), 'é😀', '''')",
        "SELECT json_object('a', 1, 'b', json('[1,2]'), 'c', '[1,2]', 'd', json_array(1), 'e', json_object('x', NULL))",
        "SELECT json_array(json('{\"a\" : 1}'), json_quote('x'), json_quote(json('[1]')), json_set('{}', '$.a', 1), json_insert('[]', '$[#]', 1))",
        "SELECT json_array(json_extract('{\"a\":[1,2]}', '$.a'), json_extract('{\"a\":\"123\"}', '$.a'), json_extract('{\"a\":\"[1]\"}', '$.a'))",
        "SELECT json_array(json_extract('{\"a\":true}', '$.a'), json_extract('{\"a\":null}', '$.a'), json_extract('{\"a\":1.5}', '$.a'))",
        "SELECT json_array('{\"a\":1}' -> '$.a', '{\"a\":\"s\"}' -> 'a', '{\"a\":\"s\"}' ->> 'a', '[1,2,3]' -> 1, '[1,2,3]' -> -1, '[1,2,3]' ->> '[2]')",
        "SELECT json_object('k', json_remove('[1,2]', '$[0]'), 'p', json_patch('{}', '{\"a\":1}'), 'r', json_replace('[1]', '$[0]', 2))",
        "SELECT json_set('{}', '$.a', json('{\"b\":1}'), '$.c', '{\"d\":1}', '$.e', json_array(1, 2))",
        "SELECT json_object('a', 1, 'b')",
        "SELECT json_object(1, 2)",
        "SELECT json_object(NULL, 2)",
        "SELECT json_array(x'00')",
        "SELECT json_quote(x'01')",
        "SELECT json_set('{}', '$.a')",
        "SELECT json_insert('{}', '$.a', 1, '$.b')",
        "SELECT json_quote(1), json_quote(1.5), json_quote('s'), json_quote(NULL), json_quote(json('{}')), json_quote(1e400)",
        "SELECT json_array(1, json_array(2, json_array(3, json_object('x', json_array()))))",
        "SELECT json_extract('{\"a\":1,\"b\":[2]}', '$.a', '$.b', '$.c'), json_extract('[1]', '$[0]', NULL)",
        "SELECT json_extract('{\"a\":1}'), json_remove('[1,2,3]', '$[0]', '$[0]'), json_remove('[1,2]', '$'), json_remove('[1]')",
        "SELECT json_set('[1,2]', '$[2]', 3), json_set('[1,2]', '$[5]', 3), json_set('{}', '$.a.b.c', 1), json_set('{}', '$.a[0]', 1), json_set('{}', '$.a[#]', 1)",
        "SELECT json_insert('{\"a\":1}', '$.a', 2, '$.b', 3), json_replace('{\"a\":1}', '$.a', 2, '$.b', 3), json_set('1', '$', 2), json_insert('1', '$', 2)",
        "SELECT json_set('{\"a\":1}', '$.a.b', 1), json_set('[1]', '$.a', 1), json_set('{}', '$[0]', 1), json_set('{\"a\":{}}', '$.a.\"x y\"', 1)",
        "SELECT json_patch('{\"a\":1,\"b\":{\"c\":2}}', '{\"b\":{\"c\":null,\"d\":3},\"e\":[1]}'), json_patch('[1]', '{\"a\":1}'), json_patch('{\"a\":1}', '[2]')",
        "SELECT json_patch('{\"a\":{\"b\":1}}', '{\"a\":{\"c\":{\"d\":null}}}'), json_patch('{}', 'null'), json_patch(NULL, '{}'), json_patch('{}', NULL)",
        "SELECT json_valid(NULL), json_valid('{}', 1), json_valid('{a:1}', 1), json_valid('{a:1}', 2), json_valid(123), json_valid(1.5), json_valid(x'7b7d')",
        "SELECT json_valid('{}', 0)",
        "SELECT json_valid('{}', 16)",
        "SELECT json(NULL), json_type(NULL), json_extract(NULL, '$'), json_array_length(NULL), json_error_position(NULL), json(123), json(1.5)",
        "SELECT json(x'00')",
        "SELECT json_extract('[1]', NULL), json_type('[1]', NULL), json_set('[1]', NULL, 1), json_remove('[1]', NULL)",
        "SELECT '{\"a\":{\"b\":[10,20]}}' -> 'a' -> 'b' ->> 1, '{\"a b\":1}' ->> 'a b', '{\"a.b\":1}' ->> 'a.b', '{\"a\":1}' -> NULL, NULL -> 'a'",
        "SELECT '[1,2]' -> 5, '[1,2]' -> -5, '{\"a\":1}' ->> '$.a', '{\"1\":\"x\"}' ->> '1', '{\"1\":\"x\"}' ->> 1, '[5]' ->> 0.0",
        "SELECT json_pretty('{\"a\":[1,2,{}],\"b\":{\"c\":[]}}'), json_pretty('[1,[2]]', '--'), json_pretty('1')",
        "SELECT json_type('{\"a\":1}', '$.a'), json_type('[1.0]', '$[0]'), json_type('[\"s\"]', '$[0]'), json_type('{}', '$.x')",
        "SELECT json_extract('{\"a\":\"\\u0041\\t\"}', '$.a'), json('\"\\u0041\"'), json_extract('{\"\\u0061\":5}', '$.a'), json_extract('{\"a\":5}', '$.\"\\u0061\"')",
        "SELECT json('[1,2]') = '[1,2]', typeof(json('1')), typeof(json_extract('1', '$')), typeof(json_extract('1.0', '$')), json_extract('\"x\"', '$') || 'y'",
        "SELECT json_array_length('[1,2,3]'), json_array_length('{\"a\":1}'), json_array_length('[[1,2]]', '$[0]'), json_array_length('[1]', '$[3]')",
        "SELECT json_error_position('[1,2'), json_error_position('{\"a\":1,}'), json_error_position('é[x]'), json_error_position('[1] 2'), json_error_position('')",
        "SELECT json_set('{\"a\\\"b\":1}', '$.\"a\\\"b\"', 2), json_remove('{\"é\":1,\"b\":2}', '$.é'), json_extract('{\"é\":[1]}', '$.é[0]'), json_set('{}', '$.\"a.b\"', 1)",
        "SELECT json_patch('{\"a\":1,\"a\":2}', '{\"a\":3}'), json_patch('{\"a\":[1]}', '{\"a\":{\"b\":1}}'), json_patch('1', '2'), json_patch('{\"a\":{\"b\":1}}', '{\"a\":{\"b\":null}}')",
        "SELECT json_array(json_extract('[1e400]', '$[0]')), json_extract('[1e400]', '$[0]'), json_extract('[-1e400]', '$[0]'), json_quote(json_extract('[0.1]', '$[0]'))",
        "SELECT json('{\"a\":0x10,b:.5,c:5.,d:+1,e:''x'',f:\"\\x41\",g:Infinity,h:-Infinity,i:NaN}'), json_extract('{a:0x10}', '$.a'), json_type('[0x10]', '$[0]')",
        "SELECT json('[1,2,]'), json('{\"a\":1,}'), json('// c\n[1]'), json('[1/*x*/,2]'), json(char(160) || '[1]'), json_valid('[1]\n', 1), json_valid(char(160) || '[1]', 1)",
        "SELECT json('\"a\\' || char(10) || 'b\"'), json('\"\\v\\0\"'), json('\"\\''\"'), json('''a\"b'''), json_extract('''a\"b''', '$')",
        "SELECT json_insert('[1,2]', '$[#]', 3, '$[#]', 4), json_set('[1,2]', '$[#-1]', 9), json_remove('[1,2,3]', '$[#-1]', '$[#-1]'), json_replace('[1,2]', '$[#]', 3)",
        "SELECT json_set('{\"a\":1}', '$.a', json('[1]'), '$.b', '[2]'), json_set('{}', '$.x', json_extract('{\"y\":\"str\"}', '$.y')), json_set('{}', '$.x', json_extract('{\"y\":[1]}', '$.y'))",
        "SELECT json_object('a', json_quote('q'), 'b', json_quote(json_quote('q'))), json_array(json('null'), json('true'), json('\"s\"'), json(' 5 '))",
        "SELECT json_type('9223372036854775808'), json_extract('9223372036854775808', '$'), json_extract('-9223372036854775808', '$'), json_extract('-9223372036854775809', '$'), json_extract('1e5', '$'), typeof(json_extract('1e5', '$'))",
        "SELECT json_array(9223372036854775807, -9223372036854775808, 1.5e300, 5e-324, 1.0, 100.0, 1e15, 123456789012345.6)",
        "SELECT json_array(json_extract('{\"a\":\"123\"}', '$.a'), json_extract('{\"a\":\"true\"}', '$.a'), json_extract('{\"a\":\"\\\"q\\\"\"}', '$.a'))",
        "SELECT json_group_array(x) FROM (SELECT json_extract(value, '$') AS x FROM (SELECT '[1]' AS value))",
        "SELECT '{\"a\":[1,{\"b\":2}]}' -> '$.a[1]' ->> 'b', '{\"a\":1}' -> '$', '[[1]]' -> 0 -> 0, '{\"x y\":1}' -> 'x y', '{\"a\":1}' ->> '[0]'",
        "SELECT hex(json_extract('\"\\v\"', '$')), hex('\"\\v\"' ->> '$'), json_array(json_extract('[\"\\v\"]', '$[0]')), json_extract('[\"\\v\"]', '$')",
        "SELECT json_valid('{}', 4), json_valid(x'0c', 4), json_valid(x'0c', 8), json_valid(x'0c', 1), json_array_length(x'0b'), json(x'3331'), json(x'13'), json_type(x'0a')",
    ]);
}

#[test]
fn aggregates_and_tables_match_sqlite() {
    let mut f = mem();
    let l = lite();
    let setup = "CREATE TABLE t(id INTEGER PRIMARY KEY, g TEXT, k TEXT, v, j TEXT);
INSERT INTO t VALUES (1, 'a', 'x', 1, '{\"n\":1,\"tags\":[\"p\",\"q\"]}'), (2, 'a', 'y', 'two', '{\"n\":2,\"tags\":[]}'),
  (3, 'b', 'z', NULL, '[1,2,3]'), (4, 'b', 'w', 2.5, 'not json'), (5, 'c', 'v', json_array(1,2), NULL);";
    both_exec(&mut f, &l, setup);
    check_all(&mut f, &l, &[
        "SELECT json_group_array(v) FROM t",
        "SELECT g, json_group_array(v), json_group_object(k, v) FROM t GROUP BY g ORDER BY g",
        "SELECT json_group_array(json_object('id', id, 'k', k)) FROM t WHERE id < 4",
        "SELECT json_group_array(v) FROM t WHERE 0",
        "SELECT json_group_object(k, v) FROM t WHERE 0",
        "SELECT json_group_array(j -> '$.n') FROM t WHERE id < 3",
        "SELECT json_group_array(json_extract(j, '$.tags')) FROM t WHERE id < 3",
        "SELECT json_group_array(id ORDER BY id DESC) FROM t",
        "SELECT id, j ->> '$.n', j -> '$.tags', json_array_length(j, '$.tags') FROM t WHERE id < 4 ORDER BY id",
        "SELECT id FROM t WHERE j ->> 'n' = 2",
        "SELECT id, json_valid(j), json_type(j) FROM t WHERE json_valid(j) ORDER BY id",
        "SELECT json_extract(j, '$.n') FROM t",
        "SELECT id, json_group_array(id) OVER (ORDER BY id) FROM t",
        "SELECT id, json_group_object(k, id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
        "SELECT json_group_object(k, x'00') FROM t",
        "SELECT json_group_array(x'00') FROM t",
        "SELECT json_group_object(v, id) FROM t",
        "SELECT json_group_array(json_extract(j, '$.n')), json_group_object(k, json_extract(j, '$.tags')) FROM t",
        "SELECT json_group_array(json(j)) FROM t WHERE json_valid(j)",
    ]);
}

#[test]
fn hostile_nesting_is_bounded() {
    // Release: on a thread with the 1 MiB stack the wasm build has. Debug
    // builds use about twice the stack per level, so they get 2 MiB.
    let stack = if cfg!(debug_assertions) { 2 << 20 } else { 1 << 20 };
    std::thread::Builder::new().stack_size(stack).spawn(hostile_nesting).expect("spawn").join().expect("no overflow");
}

fn hostile_nesting() {
    let mut f = mem();
    let l = lite();
    let mut bad = Vec::new();
    for depth in [999usize, 1000, 1001, 5000, 100_000] {
        for (o, c) in [("[", "]"), ("{\"a\":", "}")] {
            let doc = format!("{}1{}", o.repeat(depth), c.repeat(depth));
            let p = [Value::Text(doc)];
            for sql in [
                "SELECT json_valid(?1)",
                "SELECT json(?1) IS NOT NULL",
                "SELECT json_error_position(?1)",
                "SELECT json_array_length(?1)",
                "SELECT length(json_set(?1, '$[0]', json(?1)))",
                "SELECT length(json_array(json(?1), json(?1)))",
                "SELECT length(json_patch(?1, ?1))",
                "SELECT length(json_pretty(?1))",
                "SELECT json_remove(?1, '$[0][0][0]') IS NOT NULL",
            ] {
                if let Some(d) = diff(&mut f, &l, sql, &p) {
                    bad.push(format!("depth {depth} {o}: {}", d.chars().take(300).collect::<String>()));
                }
            }
        }
    }
    // Deep editing paths: SQLite's results up to our bound of 1000 steps.
    for steps in [10usize, 500, 999] {
        let p = [Value::Text(format!("${}", ".a".repeat(steps)))];
        for sql in ["SELECT json_set('{}', ?1, 1)", "SELECT json_insert('[]', ?1, 1)", "SELECT json_remove('{}', ?1)", "SELECT json_extract('{}', ?1)"] {
            if let Some(d) = diff(&mut f, &l, sql, &p) {
                bad.push(format!("path of {steps}: {}", d.chars().take(300).collect::<String>()));
            }
        }
    }
    let long = format!("${}", ".a".repeat(200_000));
    let r = query_params(&mut f, "SELECT json_set('{}', ?1, 1)", &[Value::Text(long)]);
    assert_eq!(r, Err((1, "JSON path too deep".to_string())));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

const SETUP: &str = r#"
CREATE TABLE d(id INTEGER PRIMARY KEY, j TEXT, n, s TEXT);
INSERT INTO d VALUES
 (1, '{"a":1,"b":[10,20,{"c":"x"}],"d":{"e":null,"f":true,"g":2.50}}', 1, 'one'),
 (2, '[1, 2.5, "three", null, false, {"k": "v\"q"}, [7]]', 2.5, 'tw"o'),
 (3, '"just a string"', NULL, 'line
break'),
 (4, ' { "a" : 2 , "a" : 3 } ', -7, NULL),
 (5, '{"u":"\u00e9\n","big":12345678901234567890,"neg":-0.5e3}', 0, 'é');
"#;

fn check_rows(f: &mut ferrolite_engine::Connection, l: &rusqlite::Connection, qs: &[&str]) {
    for q in qs {
        assert!(lite_query(l, q, &[]).is_ok(), "SQLite rejects {q}: {:?}", lite_query(l, q, &[]));
    }
    check_all(f, l, qs);
}

#[test]
fn reading_json() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    check_rows(&mut f, &l, &[
        "SELECT id, json(j), json_valid(j), json_type(j) FROM d ORDER BY id",
        "SELECT id, json_extract(j, '$.a'), json_extract(j, '$.b[1]'), json_extract(j, '$.b[#-1].c'), json_extract(j, '$.d') FROM d ORDER BY id",
        "SELECT id, json_extract(j, '$[2]'), json_extract(j, '$[5].k'), json_extract(j, '$[#]'), json_extract(j, '$[6]') FROM d ORDER BY id",
        "SELECT id, json_extract(j, '$.d.g'), typeof(json_extract(j, '$.d.g')), json_extract(j, '$.d.f'), json_extract(j, '$.d.e') FROM d ORDER BY id",
        "SELECT id, json_extract(j, '$.a', '$.b', '$.nope') FROM d ORDER BY id",
        "SELECT id, json_extract(j, '$.u'), json_extract(j, '$.big'), typeof(json_extract(j, '$.big')), json_extract(j, '$.neg') FROM d ORDER BY id",
        "SELECT id, j -> '$.b', j ->> '$.b', j -> 'a', j ->> 'a', j -> 2, j ->> 2 FROM d ORDER BY id",
        "SELECT id, j -> '$.d' -> 'g', j -> 'b' ->> 2 FROM d ORDER BY id",
        "SELECT id, json_type(j, '$.a'), json_type(j, '$.b'), json_type(j, '$.d.g'), json_type(j, '$[2]'), json_type(j, '$.zz') FROM d ORDER BY id",
        "SELECT json_valid('{\"x\":}'), json_valid('[1,2'), json_valid(' 12 '), json_valid('nul'), json_valid(NULL), json_valid(3)",
        "SELECT json(' [ 1 , 2 ] '), json('{\"a\" : \"b\\u0041\"}'), json(NULL), json(12), json(1.5)",
        "SELECT id FROM d WHERE json_extract(j, '$.a') = 1 OR j ->> '$[1]' = 2.5 ORDER BY id",
    ]);
}

#[test]
fn building_json() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    check_rows(&mut f, &l, &[
        "SELECT json_array(), json_array(1, 2.5, 'x', NULL), json_array(n, s) FROM d ORDER BY id",
        "SELECT json_object(), json_object('a', 1, 'b', 'two', 'c', NULL, 'd', 0.25)",
        "SELECT json_object('k', s, 'n', n) FROM d ORDER BY id",
        "SELECT json_array(json('[1,2]'), '[1,2]', json_array(3), json_object('x', json('{}')))",
        "SELECT json_object('inner', j -> '$.b', 'str', j ->> '$.b') FROM d WHERE id = 1",
        "SELECT json_quote('a\"b'), json_quote(3), json_quote(NULL), json_quote(1.5), json_quote(json('[1]'))",
        "SELECT json_group_array(n) FROM d",
        "SELECT json_group_array(s) FROM (SELECT s FROM d ORDER BY id)",
        "SELECT json_group_array(json_object('id', id, 's', s)) FROM d",
        "SELECT json_group_object(s, n) FROM d WHERE s IS NOT NULL",
        "SELECT json_group_object('k' || id, json_array(id, n)) FROM d",
        "SELECT json_group_object(id, 1) FROM d",
        "SELECT id % 2, json_group_array(id) FROM d GROUP BY 1 ORDER BY 1",
        "SELECT json_group_array(id) FROM d WHERE 0",
        "SELECT json_group_array(id) OVER (ORDER BY id) FROM d",
    ]);
}

#[test]
fn json_errors() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    check_all(&mut f, &l, &[
        "SELECT json('{\"a\":')",
        "SELECT json_extract('[1,2', '$[0]')",
        "SELECT json_extract('[1,2]', 'x')",
        "SELECT json_extract('[1,2]', '$[')",
        "SELECT json_object('a')",
        "SELECT json_object(1, 2)",
        "SELECT '[1' -> '$'",
        "SELECT '[1]' -> -1",
    ]);
}
