//! Property tests: hostile input never panics, never hangs and never
//! overflows the stack; errors point inside the input; and rendering a
//! parsed SELECT back to SQL is a fixpoint (parse . display . parse).
//!
//! A small deterministic xorshift generator keeps the crate free of
//! dependencies and every failure reproducible (the seed is in the message).

use ferrolite_parser::*;
use std::sync::mpsc;
use std::time::Duration;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Run `f` on a thread with a 2 MiB stack (what test and most host threads
/// get) and fail if it panics or takes longer than `secs`.
fn bounded(secs: u64, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            f();
            let _ = tx.send(());
        })
        .unwrap();
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(()) => h.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(p) = h.join() {
                std::panic::resume_unwind(p)
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("parser did not finish within {secs}s (hang?)")
        }
    }
}

/// Parse every statement of `sql`, checking invariants on the way.
fn check(sql: &str) {
    let mut offset = 0;
    for _ in 0..10_000 {
        match parse_one_spanned(&sql[offset..]) {
            Ok(Some(p)) => {
                let rest = sql.len() - offset;
                assert!(
                    p.span.start <= p.span.end && p.span.end <= p.tail_start,
                    "span order in {sql:?}"
                );
                assert!(
                    p.tail_start <= p.end && p.end <= rest,
                    "end past input in {sql:?}"
                );
                assert!(p.end > 0, "no progress in {sql:?}");
                let _ = schema_sql(&sql[offset..], &p);
                offset += p.end;
            }
            Ok(None) => return,
            Err(e) => {
                assert!(
                    e.offset <= sql.len() - offset,
                    "error offset outside input: {sql:?} {e:?}"
                );
                assert!(!e.message.is_empty());
                return;
            }
        }
    }
    panic!("too many statements in {sql:?}");
}

const TOKENS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP",
    "BY",
    "HAVING",
    "ORDER",
    "LIMIT",
    "OFFSET",
    "UNION",
    "ALL",
    "EXCEPT",
    "INTERSECT",
    "VALUES",
    "WITH",
    "RECURSIVE",
    "AS",
    "DISTINCT",
    "JOIN",
    "LEFT",
    "NATURAL",
    "CROSS",
    "ON",
    "USING",
    "INSERT",
    "INTO",
    "REPLACE",
    "UPDATE",
    "SET",
    "DELETE",
    "RETURNING",
    "CREATE",
    "TABLE",
    "INDEX",
    "VIEW",
    "TRIGGER",
    "VIRTUAL",
    "DROP",
    "ALTER",
    "ADD",
    "COLUMN",
    "RENAME",
    "TO",
    "IF",
    "NOT",
    "EXISTS",
    "PRIMARY",
    "KEY",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "FOREIGN",
    "CONSTRAINT",
    "NULL",
    "AND",
    "OR",
    "IS",
    "IN",
    "LIKE",
    "GLOB",
    "ESCAPE",
    "BETWEEN",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "CAST",
    "OVER",
    "FILTER",
    "PARTITION",
    "WINDOW",
    "ROWS",
    "RANGE",
    "PRECEDING",
    "FOLLOWING",
    "UNBOUNDED",
    "CURRENT",
    "ROW",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "PRAGMA",
    "EXPLAIN",
    "QUERY",
    "PLAN",
    "ON",
    "CONFLICT",
    "DO",
    "NOTHING",
    "RAISE",
    "ABORT",
    "IGNORE",
    "GENERATED",
    "ALWAYS",
    "STORED",
    "WITHOUT",
    "ROWID",
    "STRICT",
    "INDEXED",
    "NULLS",
    "FIRST",
    "LAST",
    "ASC",
    "DESC",
    "ISNULL",
    "NOTNULL",
    "TEMP",
    "FOR",
    "EACH",
    "INSTEAD",
    "OF",
    "AFTER",
    "BEFORE",
    "ATTACH",
    "DETACH",
    "VACUUM",
    "ANALYZE",
    "REINDEX",
    "(",
    ")",
    "(",
    ")",
    ",",
    ",",
    ";",
    ".",
    "*",
    "+",
    "-",
    "/",
    "%",
    "=",
    "==",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "<<",
    ">>",
    "&",
    "|",
    "||",
    "~",
    "->",
    "->>",
    "a",
    "b",
    "t",
    "x",
    "\"q\"",
    "[b r]",
    "`c`",
    "'s'",
    "'it''s'",
    "1",
    "0",
    "42",
    "1.5",
    ".5",
    "1e10",
    "0x1F",
    "9223372036854775808",
    "0xffffffffffffffffff",
    "x'00ff'",
    "?",
    "?1",
    ":p",
    "@p",
    "$p",
    "#",
    "!",
    "'open",
    "/*",
    "--",
    "f",
    "count",
    "true",
];

fn token_soup(rng: &mut Rng, max_len: usize) -> String {
    let n = 1 + rng.below(max_len);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(rng.pick(TOKENS));
        s.push(if rng.below(8) == 0 { '\n' } else { ' ' });
    }
    s
}

#[test]
fn random_bytes_never_panic() {
    bounded(120, || {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let alphabet =
            b"selctfromwhere'\"`[]()*,;.+-/%=<>!|&~?:@$#xX0123456789eE_ \n\t\x0b\x0c\r\0\\{}^";
        for _ in 0..20_000 {
            let n = rng.below(80);
            let bytes: Vec<u8> = (0..n)
                .map(|_| {
                    if rng.below(10) == 0 {
                        (rng.next() & 0xff) as u8
                    } else {
                        alphabet[rng.below(alphabet.len())]
                    }
                })
                .collect();
            let sql = String::from_utf8_lossy(&bytes).into_owned();
            check(&sql);
        }
    });
}

#[test]
fn token_soup_never_panics() {
    bounded(120, || {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut parsed = 0;
        for _ in 0..30_000 {
            let sql = token_soup(&mut rng, 40);
            check(&sql);
            if parse_one(&sql).is_ok() {
                parsed += 1;
            }
        }
        // The soup is not all noise: some of it must be valid SQL.
        assert!(parsed > 100, "only {parsed} token soups parsed");
    });
}

#[test]
fn structured_soup_parses_and_round_trips() {
    // Build SELECTs from a small expression grammar; each must parse, and
    // display -> parse -> display must be a fixpoint.
    fn gen_expr(rng: &mut Rng, depth: u32) -> String {
        if depth == 0 {
            return rng
                .pick(&[
                    "a", "t.b", "1", "2.5", "'x'", "NULL", "?", ":n", "x'01'", "\"c\"", "true",
                    "0x10",
                ])
                .to_string();
        }
        let d = depth - 1;
        // Operands of operators are parenthesised so the generated text
        // means what the generator intends (precedence is tested elsewhere).
        let g = |rng: &mut Rng| format!("({})", gen_expr(rng, d));
        match rng.below(16) {
            0 => format!("{} {} {}", g(rng), rng.pick(&["+", "-", "*", "/", "%", "||", "->", "->>", "&", "|", "<<", ">>"]), g(rng)),
            1 => format!("{} {} {}", g(rng), rng.pick(&["=", "==", "!=", "<>", "<", "<=", ">", ">=", "IS", "IS NOT", "IS DISTINCT FROM", "AND", "OR"]), g(rng)),
            2 => format!("{} {}", rng.pick(&["-", "+", "~", "NOT"]), g(rng)),
            3 => format!("({})", g(rng)),
            4 => format!("{} {}LIKE {} ESCAPE '!'", g(rng), rng.pick(&["", "NOT "]), g(rng)),
            5 => format!("{} {}BETWEEN {} AND {}", g(rng), rng.pick(&["", "NOT "]), g(rng), g(rng)),
            6 => format!("{} IN ({}, {})", g(rng), g(rng), g(rng)),
            7 => format!("{} {}", g(rng), rng.pick(&["ISNULL", "NOTNULL", "NOT NULL", "IS NULL", "COLLATE nocase"])),
            8 => format!("CASE {} WHEN {} THEN {} ELSE {} END", gen_expr(rng, d), gen_expr(rng, d), gen_expr(rng, d), gen_expr(rng, d)),
            9 => format!("CAST({} AS {})", gen_expr(rng, d), rng.pick(&["INT", "TEXT", "VARCHAR(10)", "REAL"])),
            10 => format!("f({}, {})", gen_expr(rng, d), gen_expr(rng, d)),
            11 => format!("count(DISTINCT {}) FILTER (WHERE {})", gen_expr(rng, d), gen_expr(rng, d)),
            12 => format!("sum({}) OVER (PARTITION BY {} ORDER BY {} DESC ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)", gen_expr(rng, d), gen_expr(rng, d), gen_expr(rng, d)),
            13 => format!("EXISTS (SELECT {} FROM t WHERE {})", gen_expr(rng, d), gen_expr(rng, d)),
            14 => format!("({}, {}) = ({}, {})", gen_expr(rng, d), gen_expr(rng, d), gen_expr(rng, d), gen_expr(rng, d)),
            _ => format!("(SELECT {} FROM t AS q WHERE {} ORDER BY 1 LIMIT 1)", gen_expr(rng, d), gen_expr(rng, d)),
        }
    }
    bounded(120, || {
        let mut rng = Rng(0xdead_beef_cafe_f00d);
        for i in 0..3_000 {
            let depth = 1 + rng.below(4) as u32;
            let sql = format!(
                "SELECT {} AS c1, {} FROM t LEFT JOIN u USING (k) WHERE {} GROUP BY {} HAVING {} ORDER BY {} NULLS LAST LIMIT {}",
                gen_expr(&mut rng, depth),
                gen_expr(&mut rng, depth),
                gen_expr(&mut rng, depth),
                gen_expr(&mut rng, depth),
                gen_expr(&mut rng, depth),
                gen_expr(&mut rng, depth),
                gen_expr(&mut rng, 1),
            );
            let first = match parse_one(&sql) {
                Ok(Some((Stmt::Select(s), _))) => s.to_string(),
                other => panic!("case {i}: {sql:?} -> {other:?}"),
            };
            let second = match parse_one(&first) {
                Ok(Some((Stmt::Select(s), _))) => s.to_string(),
                other => {
                    panic!("case {i}: rendering {first:?} of {sql:?} does not parse: {other:?}")
                }
            };
            assert_eq!(first, second, "case {i}: not a fixpoint for {sql:?}");
        }
    });
}

#[test]
fn mutated_corpus_never_panics() {
    let data = include_str!("data/sqlite_outcomes.tsv");
    let corpus: Vec<&str> = data
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(s, _)| s)
        .collect();
    bounded(120, move || {
        let mut rng = Rng(0x0bad_c0de_1234_5678);
        let inserts = [
            "(", ")", "'", "\"", "[", "--", "/*", "NOT ", "SELECT ", ",", ";", "?", "0x", "CASE ",
        ];
        for _ in 0..20_000 {
            let mut s = corpus[rng.below(corpus.len())].to_string();
            for _ in 0..1 + rng.below(3) {
                let mut at = rng.below(s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                match rng.below(3) {
                    0 => s.insert_str(at, inserts[rng.below(inserts.len())]),
                    1 if at < s.len() => {
                        let mut end = at + 1;
                        while !s.is_char_boundary(end) {
                            end += 1;
                        }
                        s.replace_range(at..end, "");
                    }
                    _ => s.truncate(at),
                }
            }
            check(&s);
        }
    });
}

#[test]
fn deep_random_nesting_is_an_error_not_a_crash() {
    bounded(120, || {
        let mut rng = Rng(0x5555_aaaa_3333_cccc);
        let openers = [
            "(",
            "NOT ",
            "- ",
            "~",
            "(SELECT ",
            "f(",
            "CASE WHEN 1 THEN ",
            "EXISTS (SELECT ",
            "a IN (",
            "CAST(",
        ];
        for _ in 0..200 {
            let n = 50 + rng.below(20_000);
            let mut sql = String::from("SELECT ");
            for _ in 0..n {
                sql.push_str(rng.pick(&openers));
            }
            sql.push('1');
            check(&sql);
            let from = format!("SELECT * FROM {}t", "(".repeat(n));
            check(&from);
        }
    });
}

#[test]
fn non_ascii_names_everywhere() {
    // Multi-byte names in every position where the parser slices text by
    // byte offset (type names, spans, defaults, module arguments).
    bounded(120, || {
        let mut rng = Rng(0x7777_1111_eeee_2222);
        let words = [
            "é",
            "ééé",
            "x界",
            "ü",
            "always",
            "generated",
            "GENERATED",
            "ALWAYS",
            "int",
            "\"é\"",
            "'ü'",
            "[ß]",
            "`ñ`",
            "αβγδεζηθικλμνξ",
            "a",
            "(",
            ")",
            ",",
            "10",
            "-",
            "AS",
            "DEFAULT",
            "NOT",
            "NULL",
            "x'0a'",
        ];
        for _ in 0..20_000 {
            let cols: Vec<String> = (0..1 + rng.below(3))
                .map(|_| {
                    (0..1 + rng.below(6))
                        .map(|_| rng.pick(&words))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let sql = format!("CREATE TABLE ü ({})", cols.join(", "));
            check(&sql);
            let sql = format!("SELECT {} FROM é", cols.join(", "));
            check(&sql);
            let sql = format!("CREATE VIRTUAL TABLE v USING m({})", cols.join(", "));
            check(&sql);
        }
    });
}

#[test]
fn long_flat_inputs_are_fine() {
    bounded(120, || {
        // Wide but shallow statements of many tokens parse without trouble.
        let list = vec!["1"; 50_000].join(", ");
        assert!(parse_one(&format!("SELECT {list}")).is_ok());
        let values = vec!["(1, 'a')"; 20_000].join(", ");
        assert!(parse_one(&format!("INSERT INTO t VALUES {values}")).is_ok());
        let ors = vec!["a = 1"; 400].join(" OR ");
        assert!(parse_one(&format!("SELECT * FROM t WHERE {ors}")).is_ok());
        let long_string = format!("SELECT '{}'", "x".repeat(1 << 20));
        assert!(parse_one(&long_string).is_ok());
        let many = "SELECT 1;".repeat(10_000);
        assert_eq!(parse_all(&many).unwrap().len(), 10_000);
    });
}
