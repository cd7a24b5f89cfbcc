//! Differential tests for the JSON functions against SQLite 3.46: json,
//! json_valid, json_type, json_extract, -> and ->>, json_quote, json_array,
//! json_object (with JSON-valued arguments embedded as JSON), and the
//! aggregates json_group_array / json_group_object, with SQLite's errors.
mod common;
use common::*;

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
