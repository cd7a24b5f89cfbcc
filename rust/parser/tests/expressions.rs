//! Expression parsing: precedence and associativity (parse.y's table),
//! literal edge cases, parameters, and every expression form.

mod common;
use common::*;
use ferrolite_parser::*;

#[test]
fn arithmetic_precedence_and_left_associativity() {
    assert_eq!(show("1 + 2 * 3"), "(1 + (2 * 3))");
    assert_eq!(show("1 * 2 + 3"), "((1 * 2) + 3)");
    assert_eq!(show("1 - 2 - 3"), "((1 - 2) - 3)");
    assert_eq!(show("8 / 4 / 2"), "((8 / 4) / 2)");
    assert_eq!(show("1 + 2 % 3"), "(1 + (2 % 3))");
    assert_eq!(show("a || b * c"), "((a || b) * c)");
    assert_eq!(show("a * b || c"), "(a * (b || c))");
    assert_eq!(show("a || b || c"), "((a || b) || c)");
    assert_eq!(show("a -> b ->> c"), "((a -> b) ->> c)");
    assert_eq!(show("a || b -> c"), "((a || b) -> c)");
    assert_eq!(show("(1 + 2) * 3"), "((1 + 2) * 3)");
}

#[test]
fn bit_and_comparison_levels() {
    assert_eq!(show("1 + 2 << 3"), "((1 + 2) << 3)");
    assert_eq!(show("a & b | c"), "((a & b) | c)");
    assert_eq!(show("a | b & c"), "((a | b) & c)");
    assert_eq!(show("a << 1 < b"), "((a << 1) < b)");
    assert_eq!(show("a < b = c < d"), "((a < b) = (c < d))");
    assert_eq!(show("a = b = c"), "((a = b) = c)");
    assert_eq!(show("a == b <> c != d"), "(((a = b) != c) != d)");
    assert_eq!(show("a >= b > c"), "((a >= b) > c)");
}

#[test]
fn logical_levels() {
    assert_eq!(show("a OR b AND c"), "(a OR (b AND c))");
    assert_eq!(show("a AND b OR c"), "((a AND b) OR c)");
    assert_eq!(show("NOT a = b"), "(NOT (a = b))");
    assert_eq!(show("NOT a AND b"), "((NOT a) AND b)");
    assert_eq!(show("NOT NOT a"), "(NOT (NOT a))");
    assert_eq!(show("1 + NOT 0 = 0 AND 1"), "((1 + (NOT (0 = 0))) AND 1)");
    assert_eq!(
        show("a = b AND c LIKE d OR e"),
        "(((a = b) AND (c LIKE d)) OR e)"
    );
}

#[test]
fn unary_binds_tightest_but_collate_applies_after() {
    assert_eq!(show("-a * b"), "((- a) * b)");
    assert_eq!(show("- - a"), "(- (- a))");
    assert_eq!(show("~a + 1"), "((~ a) + 1)");
    assert_eq!(show("+a"), "(+ a)");
    assert_eq!(show("-a COLLATE nocase"), "((- a) COLLATE nocase)");
    assert_eq!(show("a || b COLLATE x"), "(a || (b COLLATE x))");
    assert_eq!(show("a COLLATE x COLLATE y"), "((a COLLATE x) COLLATE y)");
    assert_eq!(show("a COLLATE \"binary\""), "(a COLLATE binary)");
}

#[test]
fn is_and_null_tests() {
    assert_eq!(show("a IS b"), "(a IS b)");
    assert_eq!(show("a IS NOT b"), "(a IS NOT b)");
    assert_eq!(show("a IS NULL"), "(a ISNULL)");
    assert_eq!(show("a IS NOT NULL"), "(a NOTNULL)");
    assert_eq!(show("a ISNULL"), "(a ISNULL)");
    assert_eq!(show("a NOTNULL"), "(a NOTNULL)");
    assert_eq!(show("a NOT NULL"), "(a NOTNULL)");
    assert_eq!(show("a ISNULL NOTNULL"), "((a ISNULL) NOTNULL)");
    assert_eq!(show("a IS DISTINCT FROM b"), "(a IS NOT b)");
    assert_eq!(show("a IS NOT DISTINCT FROM b"), "(a IS b)");
    assert_eq!(show("a IS NOT DISTINCT FROM NULL"), "(a ISNULL)");
    assert_eq!(show("a IS b + 1"), "(a IS (b + 1))");
    assert_eq!(show("a = b IS c"), "((a = b) IS c)");
    assert_eq!(show("a IS NULL = 0"), "((a ISNULL) = 0)");
    // `IS NULL + 1` compares with the whole right side: no ISNULL folding.
    assert_eq!(show("a IS NULL + 1"), "(a IS (NULL + 1))");
}

#[test]
fn like_family() {
    assert_eq!(show("a LIKE b"), "(a LIKE b)");
    assert_eq!(show("a NOT LIKE b ESCAPE c"), "(a NOT LIKE b ESCAPE c)");
    assert_eq!(show("a GLOB b"), "(a GLOB b)");
    assert_eq!(show("a NOT REGEXP b"), "(a NOT REGEXP b)");
    assert_eq!(show("a MATCH b"), "(a MATCH b)");
    assert_eq!(show("a LIKE b || c ESCAPE d"), "(a LIKE (b || c) ESCAPE d)");
    assert_eq!(show("a LIKE b = c"), "((a LIKE b) = c)");
    assert_eq!(show("a = b LIKE c"), "((a = b) LIKE c)");
    assert_eq!(show("a LIKE b ESCAPE c = d"), "((a LIKE b ESCAPE c) = d)");
    assert_eq!(show("a LIKE b ESCAPE c + d"), "(a LIKE b ESCAPE (c + d))");
    assert_eq!(show("a < b LIKE c"), "((a < b) LIKE c)");
}

#[test]
fn between_and_in() {
    assert_eq!(show("a BETWEEN 1 AND 2"), "(a BETWEEN 1 AND 2)");
    assert_eq!(
        show("a NOT BETWEEN 1 AND 2 AND c"),
        "((a NOT BETWEEN 1 AND 2) AND c)"
    );
    assert_eq!(
        show("a BETWEEN b + 1 AND c * 2"),
        "(a BETWEEN (b + 1) AND (c * 2))"
    );
    assert_eq!(show("a BETWEEN b = c AND d"), "(a BETWEEN (b = c) AND d)");
    // The lower bound extends over OR (whose right side takes ANDs), as in
    // SQLite's grammar; errors land where SQLite reports them.
    assert_eq!(show("a BETWEEN NOT b AND c"), "(a BETWEEN (NOT b) AND c)");
    assert_eq!(
        err("SELECT 5 BETWEEN 0 OR 1 AND 10;"),
        "near \";\": syntax error"
    );
    assert_eq!(
        err("SELECT 5 BETWEEN 6 OR 0 AND 3 AND 10"),
        "incomplete input"
    );
    assert_eq!(
        err("SELECT a FROM t WHERE b BETWEEN 76 OR AND 3"),
        "near \"AND\": syntax error"
    );
    assert_eq!(show("a BETWEEN 1 AND 2 = 3"), "((a BETWEEN 1 AND 2) = 3)");
    assert_eq!(
        show("a BETWEEN b BETWEEN c AND d AND e"),
        "(a BETWEEN (b BETWEEN c AND d) AND e)"
    );
    assert_eq!(show("a IN (1, 2, 3)"), "(a IN (1, 2, 3))");
    assert_eq!(show("a NOT IN ()"), "(a NOT IN ())");
    assert_eq!(show("a IN (SELECT b FROM t)"), "(a IN (SELECT b FROM t))");
    assert_eq!(show("a IN t"), "(a IN t)");
    assert_eq!(show("a IN main.t"), "(a IN main.t)");
    assert_eq!(show("a IN json_each('[1]')"), "(a IN json_each('[1]'))");
    assert_eq!(show("a IN (1) = b"), "((a IN (1)) = b)");
    assert_eq!(show("(a, b) IN (SELECT 1, 2)"), "((a, b) IN (SELECT 1, 2))");
}

#[test]
fn literal_edge_cases() {
    assert_eq!(expr("9223372036854775807"), int(i64::MAX));
    assert_eq!(
        expr("9223372036854775808"),
        Expr::Literal(Literal::Real(9223372036854775808.0))
    );
    assert_eq!(expr("-9223372036854775808"), int(i64::MIN));
    assert_eq!(expr("- 9223372036854775808"), int(i64::MIN));
    assert_eq!(expr("-(9223372036854775808)"), int(i64::MIN));
    assert_eq!(
        expr("-9223372036854775808.0"),
        Expr::Unary {
            op: UnaryOp::Neg,
            expr: Box::new(Expr::Literal(Literal::Real(9223372036854775808.0)))
        }
    );
    assert_eq!(
        expr("-9223372036854775809"),
        Expr::Unary {
            op: UnaryOp::Neg,
            expr: Box::new(Expr::Literal(Literal::Real(9223372036854775809.0)))
        }
    );
    assert_eq!(
        expr("-5"),
        Expr::Unary {
            op: UnaryOp::Neg,
            expr: Box::new(int(5))
        }
    );
    assert_eq!(expr("0x7fffffffffffffff"), int(i64::MAX));
    assert_eq!(expr("0xFFFFFFFFFFFFFFFF"), int(-1));
    assert_eq!(expr("0x8000000000000000"), int(i64::MIN));
    assert_eq!(
        err("SELECT 0x10000000000000000"),
        "hex literal too big: 0x10000000000000000"
    );
    assert_eq!(
        err("SELECT -0x8000000000000000"),
        "hex literal too big: -0x8000000000000000"
    );
    assert_eq!(expr("1e400"), Expr::Literal(Literal::Real(f64::INFINITY)));
    assert_eq!(expr(".5"), Expr::Literal(Literal::Real(0.5)));
    assert_eq!(expr("5."), Expr::Literal(Literal::Real(5.0)));
    assert_eq!(expr("1e-3"), Expr::Literal(Literal::Real(0.001)));
    assert_eq!(expr("00012"), int(12));
    assert_eq!(
        expr("'it''s'"),
        Expr::Literal(Literal::String("it's".into()))
    );
    assert_eq!(expr("''"), Expr::Literal(Literal::String(String::new())));
    assert_eq!(
        expr("x'CAFE'"),
        Expr::Literal(Literal::Blob(vec![0xca, 0xfe]))
    );
    assert_eq!(expr("NULL"), Expr::Literal(Literal::Null));
    assert_eq!(
        expr("current_timestamp"),
        Expr::Literal(Literal::CurrentTimestamp)
    );
    assert_eq!(expr("CURRENT_DATE"), Expr::Literal(Literal::CurrentDate));
    assert_eq!(expr("current_time"), Expr::Literal(Literal::CurrentTime));
    // TRUE and FALSE are identifiers; the resolver decides.
    assert_eq!(expr("true"), col("true"));
    assert_eq!(expr("FALSE"), col("FALSE"));
    assert_eq!(err("SELECT 1_000"), "unrecognized token: \"1_000\"");
}

#[test]
fn parameters() {
    assert_eq!(expr("?"), Expr::Param(Param::Anonymous));
    assert_eq!(expr("?7"), Expr::Param(Param::Numbered(7)));
    assert_eq!(expr("?32766"), Expr::Param(Param::Numbered(32766)));
    assert_eq!(expr(":name"), Expr::Param(Param::Named(":name".into())));
    assert_eq!(expr("@x1"), Expr::Param(Param::Named("@x1".into())));
    assert_eq!(
        expr("$a::b(c)"),
        Expr::Param(Param::Named("$a::b(c)".into()))
    );
    assert_eq!(expr("#abc"), Expr::Param(Param::Named("#abc".into())));
    assert_eq!(
        err("SELECT ?0"),
        "variable number must be between ?1 and ?32766"
    );
    assert_eq!(
        err("SELECT ?32767"),
        "variable number must be between ?1 and ?32766"
    );
    assert_eq!(
        err("SELECT ?99999999999999999999999"),
        "variable number must be between ?1 and ?32766"
    );
    assert_eq!(err("SELECT #1"), "near \"#1\": syntax error");
    assert_eq!(err("SELECT :"), "unrecognized token: \":\"");
}

#[test]
fn column_references() {
    assert_eq!(
        expr("s.t.c"),
        Expr::Column {
            schema: Some("s".into()),
            table: Some("t".into()),
            column: "c".into(),
            double_quoted: false
        }
    );
    assert_eq!(
        expr("t.\"c\""),
        Expr::Column {
            schema: None,
            table: Some("t".into()),
            column: "c".into(),
            double_quoted: true
        }
    );
    assert_eq!(
        expr("\"a\"\"b\""),
        Expr::Column {
            schema: None,
            table: None,
            column: "a\"b".into(),
            double_quoted: true
        }
    );
    assert_eq!(expr("[x y]"), col("x y"));
    assert_eq!(expr("`x`"), col("x"));
    assert_eq!(
        expr("'t'.c"),
        Expr::Column {
            schema: None,
            table: Some("t".into()),
            column: "c".into(),
            double_quoted: false
        }
    );
    assert_eq!(expr("left"), col("left"));
    assert_eq!(expr("rowid"), col("rowid"));
}

#[test]
fn functions_windows_and_filters() {
    assert_eq!(show("count(*)"), "count(*)");
    assert_eq!(show("count(DISTINCT a)"), "count(DISTINCT a)");
    assert_eq!(show("count(ALL a)"), "count(a)");
    assert_eq!(show("f()"), "f()");
    // The argument list may be empty before an aggregate ORDER BY too.
    assert_eq!(show("f(ORDER BY a)"), "f(ORDER BY a)");
    assert_eq!(
        err("SELECT count( ORDER ~ THEN"),
        "near \"~\": syntax error"
    );
    assert_eq!(
        show("group_concat(a, ',' ORDER BY b DESC)"),
        "group_concat(a, ',' ORDER BY b DESC)"
    );
    assert_eq!(
        show("sum(a) FILTER (WHERE a > 0)"),
        "sum(a) FILTER (WHERE (a > 0))"
    );
    assert_eq!(show("row_number() OVER w"), "row_number() OVER w");
    assert_eq!(
        show("sum(a) OVER (PARTITION BY b ORDER BY c ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES)"),
        "sum(a) OVER (PARTITION BY b ORDER BY c ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES)"
    );
    assert_eq!(
        show("sum(a) OVER (w RANGE CURRENT ROW)"),
        "sum(a) OVER (w RANGE CURRENT ROW)"
    );
    assert_eq!(show("sum(a) OVER ()"), "sum(a) OVER ()");
    assert_eq!(
        show("max(a) FILTER (WHERE 1) OVER (GROUPS UNBOUNDED PRECEDING EXCLUDE NO OTHERS)"),
        "max(a) FILTER (WHERE 1) OVER (GROUPS UNBOUNDED PRECEDING EXCLUDE NO OTHERS)"
    );
    // Keywords that fall back to identifiers work as function names.
    assert_eq!(show("replace(a, 'b', 'c')"), "`replace`(a, 'b', 'c')");
    assert_eq!(show("like(a, b)"), "`like`(a, b)");
    assert_eq!(show("glob(a, b)"), "`glob`(a, b)");
    assert_eq!(show("\"f\"(1)"), "f(1)");
    // SQLITE_MAX_FUNCTION_ARG (127), reported with the name as written.
    let args = vec!["1"; 127].join(",");
    assert!(parse_one(&format!("SELECT abs({args})")).is_ok());
    let args = vec!["1"; 128].join(",");
    assert_eq!(
        err(&format!("SELECT \"Foo\"({args})")),
        "too many arguments on function \"Foo\""
    );
    // OVER/FILTER after a non-call are plain names (aliases here).
    let c = core("SELECT a over, b filter FROM t");
    match &c.columns[0] {
        ResultColumn::Expr { alias, .. } => assert_eq!(alias.as_deref(), Some("over")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn case_cast_exists_subquery_raise_vector() {
    assert_eq!(
        show("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"),
        "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"
    );
    assert_eq!(
        show("CASE a + 1 WHEN 2 THEN 'x' END"),
        "CASE (a + 1) WHEN 2 THEN 'x' END"
    );
    assert_eq!(show("CAST(a AS VARCHAR(10))"), "CAST(a AS VARCHAR(10))");
    assert_eq!(
        show("CAST(a AS unsigned big int)"),
        "CAST(a AS unsigned big int)"
    );
    assert_eq!(show("CAST(1 AS)"), "CAST(1 AS )");
    match expr("CAST(a AS  numeric ( 10 , -2 ) )") {
        Expr::Cast { type_name, .. } => assert_eq!(type_name.name, "numeric ( 10 , -2 )"),
        other => panic!("{other:?}"),
    }
    assert_eq!(show("EXISTS (SELECT 1)"), "EXISTS (SELECT 1)");
    assert_eq!(show("NOT EXISTS (SELECT 1)"), "(NOT EXISTS (SELECT 1))");
    assert_eq!(show("(SELECT max(a) FROM t)"), "(SELECT max(a) FROM t)");
    assert_eq!(show("(1, 2) = (3, 4)"), "((1, 2) = (3, 4))");
    assert_eq!(show("((1))"), "1");
    assert_eq!(show("RAISE(IGNORE)"), "RAISE(IGNORE)");
    assert_eq!(show("RAISE(ABORT, 'no')"), "RAISE(ABORT, 'no')");
    assert_eq!(show("RAISE(FAIL, msg)"), "RAISE(FAIL, 'msg')");
}

#[test]
fn expression_depth_limit_matches_sqlite() {
    // 1000 terms make a tree of height 1000: allowed; 1001 is too deep.
    let ok = format!("SELECT {}", vec!["1"; 1000].join("+"));
    assert!(parse_one(&ok).is_ok());
    let bad = format!("SELECT {}", vec!["1"; 1001].join("+"));
    assert_eq!(
        err(&bad),
        "Expression tree is too large (maximum depth 1000)"
    );
    // Each `a=1` has height 2: 999 of them joined by AND reach 1000.
    let ok_and = format!("SELECT * FROM t WHERE {}", vec!["a=1"; 999].join(" AND "));
    assert!(parse_one(&ok_and).is_ok());
    let deep_and = format!("SELECT * FROM t WHERE {}", vec!["a=1"; 1000].join(" AND "));
    assert_eq!(
        err(&deep_and),
        "Expression tree is too large (maximum depth 1000)"
    );
    let ok_mixed = format!("SELECT {} + (1+1)", vec!["1"; 999].join("+"));
    assert!(parse_one(&ok_mixed).is_ok());
}

#[test]
fn nesting_is_bounded() {
    // SQLite 3.40 accepts 90 nested parentheses and overflows its parser
    // stack at 95; the bound here is 100 levels.
    let parens = format!("SELECT {}1{}", "(".repeat(90), ")".repeat(90));
    assert!(parse_one(&parens).is_ok());
    for n in [101, 5000, 100_000] {
        let parens = format!("SELECT {}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(err(&parens), "parser stack overflow");
    }
    let subq = format!(
        "SELECT * FROM {}(SELECT 1){}",
        "(SELECT * FROM ".repeat(3000),
        ")".repeat(3000)
    );
    assert_eq!(err(&subq), "parser stack overflow");
    let esub = format!("SELECT {}1{}", "(SELECT ".repeat(3000), ")".repeat(3000));
    assert_eq!(err(&esub), "parser stack overflow");
    let nots = format!("SELECT {}1", "NOT ".repeat(5000));
    assert_eq!(err(&nots), "parser stack overflow");
    let negs = format!("SELECT {}1", "- ".repeat(5000));
    assert_eq!(err(&negs), "parser stack overflow");
    let funcs = format!("SELECT {}1{}", "f(".repeat(5000), ")".repeat(5000));
    assert_eq!(err(&funcs), "parser stack overflow");
    let cases = format!(
        "SELECT {}1{}",
        "CASE WHEN 1 THEN ".repeat(5000),
        " END".repeat(5000)
    );
    assert_eq!(err(&cases), "parser stack overflow");
    // Unclosed deep nesting is an error too, never a crash.
    assert_eq!(err(&"(".repeat(100_000)), "near \"(\": syntax error");
    assert_eq!(
        err(&format!("SELECT {}", "(".repeat(100_000))),
        "parser stack overflow"
    );
}

#[test]
fn parameter_table_follows_sqlite_numbering() {
    let table = |sql: &str| parse_one_spanned(sql).unwrap().unwrap().params;
    let s = |x: &str| Some(x.to_string());
    assert_eq!(table("SELECT 1"), vec![]);
    assert_eq!(table("SELECT ?, ?, ?"), vec![None, None, None]);
    assert_eq!(
        table("SELECT ?5, ?"),
        vec![None, None, None, None, s("?5"), None]
    );
    // A later `?2` names the slot a bare `?` created (sqlite3VListNumToName).
    assert_eq!(
        table("SELECT :a, ?, :b, :a, @c, ?2"),
        vec![s(":a"), s("?2"), s(":b"), s("@c")]
    );
    assert_eq!(
        table("SELECT :a, ?, :b, :a, @c"),
        vec![s(":a"), None, s(":b"), s("@c")]
    );
    assert_eq!(table("SELECT ?2, ?1, ?2"), vec![s("?1"), s("?2")]);
    // Source order decides, whatever clause the parameter is in; LIMIT x, y
    // numbers x first.
    assert_eq!(
        table("SELECT :r FROM t WHERE a = :w GROUP BY :g LIMIT :o, :l"),
        vec![s(":r"), s(":w"), s(":g"), s(":o"), s(":l")]
    );
    // Opt-in: every `?` becomes its number in the tree.
    let p = parse_one_with(
        "SELECT ?, :a, ? LIMIT ?",
        ParseOptions {
            number_anonymous_params: true,
            ..Default::default()
        },
    )
    .unwrap()
    .unwrap();
    let c = match p.stmt {
        Stmt::Select(s) => match s.body.first {
            SelectCore::Select(c) => c,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    let params: Vec<String> = c.columns.iter().map(|rc| rc.to_string()).collect();
    assert_eq!(params, vec!["?1", ":a", "?3"]);
    assert_eq!(p.params, vec![None, s(":a"), None, None]);
    let many = format!("SELECT {}", vec!["?"; 32767].join(","));
    assert_eq!(err(&many), "too many SQL variables");
    let ok = format!("SELECT {}", vec!["?"; 32766].join(","));
    assert_eq!(parse_one_spanned(&ok).unwrap().unwrap().params.len(), 32766);
}
