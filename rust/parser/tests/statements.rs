//! The AST produced for every statement kind (the compiler's contract).

mod common;
use common::*;
use ferrolite_parser::*;

fn qn(schema: Option<&str>, name: &str) -> QualifiedName {
    QualifiedName {
        schema: schema.map(String::from),
        name: name.to_string(),
    }
}

fn table(name: &str) -> FromItem {
    FromItem::Table {
        name: qn(None, name),
        alias: None,
        indexed_by: None,
    }
}

#[test]
fn select_core_clauses() {
    let c = core(
        "SELECT DISTINCT a, b AS x, t.*, * FROM t WHERE a > 1 GROUP BY a, b HAVING count(*) > 2",
    );
    assert!(c.distinct);
    assert_eq!(c.columns.len(), 4);
    assert!(matches!(&c.columns[1], ResultColumn::Expr { alias: Some(a), .. } if a == "x"));
    assert_eq!(c.columns[2], ResultColumn::TableStar("t".into()));
    assert_eq!(c.columns[3], ResultColumn::Star);
    assert_eq!(c.from, Some(table("t")));
    assert_eq!(c.where_clause.unwrap().to_string(), "(a > 1)");
    assert_eq!(c.group_by, vec![col("a"), col("b")]);
    assert_eq!(c.having.unwrap().to_string(), "(count(*) > 2)");
    let c = core("SELECT ALL a FROM t");
    assert!(!c.distinct);
}

#[test]
fn result_column_spans_are_sqlite_column_names() {
    let sql = "SELECT  a+1 , 1 /*c*/ , max(b)AS m, 'x' y FROM t";
    let c = core(sql);
    let spans: Vec<&str> = c
        .columns
        .iter()
        .map(|rc| match rc {
            ResultColumn::Expr { span, .. } => span.text(sql),
            _ => "*",
        })
        .collect();
    assert_eq!(spans, vec!["a+1", "1 /*c*/", "max(b)", "'x'"]);
}

#[test]
fn order_by_and_limit() {
    let s = select(
        "SELECT a FROM t ORDER BY a DESC NULLS FIRST, b COLLATE nocase ASC, c LIMIT 10 OFFSET 5",
    );
    assert_eq!(s.order_by.len(), 3);
    assert_eq!(s.order_by[0].order, Some(SortOrder::Desc));
    assert_eq!(s.order_by[0].nulls, Some(NullsOrder::First));
    assert_eq!(s.order_by[1].expr.to_string(), "(b COLLATE nocase)");
    assert_eq!(s.order_by[2].order, None);
    let l = s.limit.unwrap();
    assert_eq!(l.limit, int(10));
    assert_eq!(l.offset, Some(int(5)));
    // `LIMIT a, b` means OFFSET a LIMIT b.
    let l = select("SELECT a FROM t LIMIT 5, 10").limit.unwrap();
    assert_eq!((l.limit, l.offset), (int(10), Some(int(5))));
}

#[test]
fn compound_selects_are_left_to_right() {
    let s = select(
        "SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 INTERSECT VALUES (4) EXCEPT SELECT 5 LIMIT 1",
    );
    let ops: Vec<CompoundOp> = s.body.compounds.iter().map(|(o, _)| *o).collect();
    assert_eq!(
        ops,
        vec![
            CompoundOp::Union,
            CompoundOp::UnionAll,
            CompoundOp::Intersect,
            CompoundOp::Except
        ]
    );
    assert!(matches!(s.body.compounds[2].1, SelectCore::Values(_)));
    // A VALUES core takes no ORDER BY or LIMIT of its own (as in SQLite).
    assert_eq!(
        err("SELECT 1 EXCEPT VALUES (5) LIMIT 1"),
        "near \"LIMIT\": syntax error"
    );
    assert!(s.limit.is_some());
    assert_eq!(
        err("SELECT 1 ORDER BY 1 UNION SELECT 2"),
        "ORDER BY clause should come after UNION not before"
    );
    assert_eq!(
        err("SELECT 1 LIMIT 1 EXCEPT SELECT 2"),
        "LIMIT clause should come after EXCEPT not before"
    );
    assert_eq!(err("VALUES (1) ORDER BY 1"), "near \"ORDER\": syntax error");
    // SQLITE_MAX_COMPOUND_SELECT is 500 terms; a multi-row VALUES is one.
    let ok = vec!["SELECT 1"; 500].join(" UNION ALL ");
    assert_eq!(select(&ok).body.compounds.len(), 499);
    let bad = vec!["VALUES (1)"; 501].join(" UNION ");
    assert_eq!(err(&bad), "too many terms in compound SELECT");
    let rows = vec!["(1)"; 600].join(",");
    assert!(parse_one(&format!("SELECT 1 UNION ALL VALUES {rows}")).is_ok());
}

#[test]
fn values_rows() {
    match select("VALUES (1, 2), (3, 4)").body.first {
        SelectCore::Values(rows) => {
            assert_eq!(rows, vec![vec![int(1), int(2)], vec![int(3), int(4)]])
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err("VALUES (1), (2, 3)"),
        "all VALUES must have the same number of terms"
    );
}

#[test]
fn with_clause() {
    let s = select(
        "WITH RECURSIVE c(x, y) AS MATERIALIZED (SELECT 1, 2), d AS NOT MATERIALIZED (SELECT 3) SELECT * FROM c, d",
    );
    let w = s.with.unwrap();
    assert!(w.recursive);
    assert_eq!(w.ctes[0].name, "c");
    assert_eq!(w.ctes[0].columns, vec!["x", "y"]);
    assert_eq!(w.ctes[0].materialized, Materialized::Materialized);
    assert_eq!(w.ctes[1].materialized, Materialized::NotMaterialized);
    let s = select("WITH c AS (SELECT 1) SELECT * FROM c");
    assert_eq!(s.with.unwrap().ctes[0].materialized, Materialized::Any);
    assert_eq!(
        err("WITH x AS (SELECT 1), X AS (SELECT 2) SELECT * FROM nosuch"),
        "duplicate WITH table name: X"
    );
    assert_eq!(
        err("WITH c(x COLLATE nocase) AS (SELECT 1) SELECT 1"),
        "syntax error after column name \"x\""
    );
}

#[test]
fn from_clause_join_tree() {
    let c = core(
        "SELECT * FROM a NATURAL JOIN b LEFT OUTER JOIN c ON a.x = c.x, d CROSS JOIN e USING (k)",
    );
    // ((((a NATURAL JOIN b) LEFT JOIN c ON ..) , d) CROSS JOIN e USING (k))
    let from = c.from.unwrap();
    assert_eq!(
        from.to_string(),
        "a NATURAL JOIN b LEFT JOIN c ON (a.x = c.x), d CROSS JOIN e USING (k)"
    );
    match from {
        FromItem::Join {
            left,
            op,
            right,
            constraint,
        } => {
            assert_eq!(
                op,
                JoinOp {
                    natural: false,
                    kind: JoinKind::Cross
                }
            );
            assert_eq!(*right, table("e"));
            assert_eq!(constraint, Some(JoinConstraint::Using(vec!["k".into()])));
            match *left {
                FromItem::Join { op, .. } => assert_eq!(op.kind, JoinKind::Comma),
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    let kinds = |sql: &str| match core(sql).from.unwrap() {
        FromItem::Join { op, .. } => op,
        other => panic!("{other:?}"),
    };
    assert_eq!(kinds("SELECT * FROM a JOIN b").kind, JoinKind::Inner);
    assert_eq!(kinds("SELECT * FROM a INNER JOIN b").kind, JoinKind::Inner);
    assert_eq!(kinds("SELECT * FROM a RIGHT JOIN b").kind, JoinKind::Right);
    assert_eq!(
        kinds("SELECT * FROM a FULL OUTER JOIN b").kind,
        JoinKind::Full
    );
    assert_eq!(
        kinds("SELECT * FROM a NATURAL LEFT JOIN b"),
        JoinOp {
            natural: true,
            kind: JoinKind::Left
        }
    );
    assert_eq!(
        kinds("SELECT * FROM a NATURAL CROSS JOIN b"),
        JoinOp {
            natural: true,
            kind: JoinKind::Cross
        }
    );
    assert_eq!(
        err("SELECT * FROM a LEFT INNER JOIN b"),
        "unknown join type: LEFT INNER"
    );
    assert_eq!(
        err("SELECT * FROM a OUTER JOIN b"),
        "unknown join type: OUTER"
    );
    assert_eq!(
        err("SELECT * FROM a LEFT x JOIN b"),
        "unknown join type: LEFT x"
    );
    assert_eq!(
        err("SELECT * FROM a ON 1"),
        "a JOIN clause is required before ON"
    );
    assert_eq!(
        err("SELECT * FROM a USING (x)"),
        "a JOIN clause is required before USING"
    );
}

#[test]
fn from_items() {
    let c = core(
        "SELECT * FROM main.t AS x INDEXED BY i, u NOT INDEXED, json_each(?) j, (SELECT 1) s, (a JOIN b) AS ab, (t2)",
    );
    let mut items = Vec::new();
    let mut cur = c.from.unwrap();
    while let FromItem::Join { left, right, .. } = cur {
        items.push(*right);
        cur = *left;
    }
    items.push(cur);
    items.reverse();
    assert_eq!(
        items[0],
        FromItem::Table {
            name: qn(Some("main"), "t"),
            alias: Some("x".into()),
            indexed_by: Some(IndexedBy::Index("i".into()))
        }
    );
    assert_eq!(
        items[1],
        FromItem::Table {
            name: qn(None, "u"),
            alias: None,
            indexed_by: Some(IndexedBy::NotIndexed)
        }
    );
    assert!(
        matches!(&items[2], FromItem::TableFunction { name, args, alias: Some(a) } if name.name == "json_each" && args.len() == 1 && a == "j")
    );
    assert!(matches!(&items[3], FromItem::Subquery { alias: Some(a), .. } if a == "s"));
    assert!(
        matches!(&items[4], FromItem::Parenthesized { inner, alias: Some(a) } if a == "ab" && matches!(**inner, FromItem::Join { .. }))
    );
    // A single parenthesised table is just the table.
    assert_eq!(items[5], table("t2"));
}

#[test]
fn window_clause() {
    let c = core("SELECT sum(x) OVER w FROM t WINDOW w AS (PARTITION BY a), v AS (w ORDER BY b GROUPS 2 PRECEDING)");
    assert_eq!(c.windows.len(), 2);
    assert_eq!(c.windows[0].name, "w");
    assert_eq!(c.windows[0].spec.partition_by, vec![col("a")]);
    assert_eq!(c.windows[1].spec.base.as_deref(), Some("w"));
    let f = c.windows[1].spec.frame.as_ref().unwrap();
    assert_eq!(f.units, FrameUnits::Groups);
    assert_eq!(f.start, FrameBound::Preceding(int(2)));
    assert_eq!(f.end, None);
    // Parse-time checks SQLite makes (messages from SQLite 3.40.1).
    let e = |q: &str| err(&format!("SELECT 1 FROM nosuch {q}"));
    assert_eq!(e("WINDOW a AS (), b AS (c)"), "no such window: c");
    assert_eq!(
        e("WINDOW a AS (PARTITION BY x), b AS (a PARTITION BY y)"),
        "cannot override PARTITION clause of window: a"
    );
    assert_eq!(
        e("WINDOW a AS (ORDER BY x), b AS (a), c AS (b ORDER BY y)"),
        "cannot override ORDER BY clause of window: b"
    );
    assert_eq!(
        e("WINDOW a AS (ROWS 1 PRECEDING), b AS (a)"),
        "cannot override frame specification of window: a"
    );
    for ok in [
        "WINDOW a AS (b), b AS ()",
        "WINDOW a AS (PARTITION BY x), b AS (a), c AS (b ORDER BY y)",
        "WINDOW a AS (), b AS (A ROWS 1 PRECEDING)",
        "WINDOW a AS (), a AS ()",
    ] {
        assert!(
            parse_one(&format!("SELECT 1 FROM nosuch {ok}")).is_ok(),
            "{ok}"
        );
    }
    for bad in [
        "ROWS 1 FOLLOWING",
        "ROWS BETWEEN CURRENT ROW AND 1 PRECEDING",
        "ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW",
    ] {
        assert_eq!(
            err(&format!("SELECT sum(a) OVER ({bad}) FROM nosuch")),
            "unsupported frame specification"
        );
    }
    assert!(
        parse_one("SELECT sum(a) OVER (ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM t").is_ok()
    );
    // WINDOW is a keyword only before `name AS`.
    let c = core("SELECT a window FROM t");
    assert!(matches!(&c.columns[0], ResultColumn::Expr { alias: Some(a), .. } if a == "window"));
}

#[test]
fn insert_forms() {
    let ins = |sql: &str| match stmt(sql) {
        Stmt::Insert(i) => *i,
        other => panic!("{other:?}"),
    };
    let i = ins("INSERT INTO main.t AS z (a, b) VALUES (1, 2), (3, 4)");
    assert_eq!(i.table, qn(Some("main"), "t"));
    assert_eq!(i.alias.as_deref(), Some("z"));
    assert_eq!(i.columns, vec!["a", "b"]);
    assert_eq!(
        i.source,
        InsertSource::Values(vec![vec![int(1), int(2)], vec![int(3), int(4)]])
    );
    assert_eq!(i.or_conflict, None);
    assert_eq!(
        ins("REPLACE INTO t VALUES (1)").or_conflict,
        Some(ConflictResolution::Replace)
    );
    for (kw, r) in [
        ("ROLLBACK", ConflictResolution::Rollback),
        ("ABORT", ConflictResolution::Abort),
        ("FAIL", ConflictResolution::Fail),
        ("IGNORE", ConflictResolution::Ignore),
        ("REPLACE", ConflictResolution::Replace),
    ] {
        assert_eq!(
            ins(&format!("INSERT OR {kw} INTO t VALUES (1)")).or_conflict,
            Some(r)
        );
    }
    assert_eq!(
        ins("INSERT INTO t DEFAULT VALUES").source,
        InsertSource::DefaultValues
    );
    assert!(matches!(
        ins("INSERT INTO t SELECT * FROM u").source,
        InsertSource::Select(_)
    ));
    assert!(matches!(
        ins("INSERT INTO t VALUES (1) UNION SELECT 2").source,
        InsertSource::Select(_)
    ));
    assert!(ins("WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c")
        .with
        .is_some());
    let i = ins("INSERT INTO t VALUES (1) ON CONFLICT (a, b COLLATE nocase) WHERE a > 0 DO UPDATE SET b = excluded.b, (c, d) = (1, 2) WHERE b < 3 ON CONFLICT DO NOTHING RETURNING a, *");
    assert_eq!(i.upsert.len(), 2);
    let t = i.upsert[0].target.as_ref().unwrap();
    assert_eq!(t.columns.len(), 2);
    assert!(t.where_clause.is_some());
    match &i.upsert[0].action {
        UpsertAction::Update { sets, where_clause } => {
            assert_eq!(sets[0].columns, vec!["b"]);
            assert_eq!(sets[1].columns, vec!["c", "d"]);
            assert!(where_clause.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        i.upsert[1],
        Upsert {
            target: None,
            action: UpsertAction::Nothing
        }
    );
    assert_eq!(i.returning.len(), 2);
    // A target-less ON CONFLICT must be the last one.
    assert_eq!(
        err("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING ON CONFLICT DO NOTHING"),
        "near \"ON\": syntax error"
    );
}

#[test]
fn update_and_delete() {
    let udl = ParseOptions {
        update_delete_limit: true,
        ..ParseOptions::default()
    };
    let u = match parse_one_with("UPDATE OR ROLLBACK t AS x INDEXED BY i SET a = 1, (b, c) = (2, 3) FROM u WHERE x.k = u.k RETURNING a ORDER BY a LIMIT 2", udl).unwrap().unwrap().stmt {
        Stmt::Update(u) => *u,
        other => panic!("{other:?}"),
    };
    assert_eq!(u.or_conflict, Some(ConflictResolution::Rollback));
    assert_eq!(u.alias.as_deref(), Some("x"));
    assert_eq!(u.indexed_by, Some(IndexedBy::Index("i".into())));
    assert_eq!(u.sets.len(), 2);
    assert_eq!(u.from, Some(table("u")));
    assert!(u.where_clause.is_some());
    assert_eq!(u.returning.len(), 1);
    assert_eq!(u.order_by.len(), 1);
    assert!(u.limit.is_some());
    assert_eq!(
        err("UPDATE t SET (a, b) = (1, 2, 3)"),
        "2 columns assigned 3 values"
    );
    assert_eq!(
        err("UPDATE t SET (a, b) = 1"),
        "2 columns assigned 1 values"
    );
    let d = match stmt("DELETE FROM s.t WHERE a = 1 RETURNING *") {
        Stmt::Delete(d) => *d,
        other => panic!("{other:?}"),
    };
    assert_eq!(d.table, qn(Some("s"), "t"));
    assert_eq!(d.returning, vec![ResultColumn::Star]);
    assert_eq!(err("DELETE t"), "near \"t\": syntax error");
}

#[test]
fn create_table_columns_and_constraints() {
    let sql = "CREATE TEMP TABLE IF NOT EXISTS s.t (\
        id INTEGER PRIMARY KEY DESC ON CONFLICT IGNORE AUTOINCREMENT, \
        name VARCHAR ( 10 ) CONSTRAINT nn NOT NULL ON CONFLICT FAIL UNIQUE COLLATE nocase, \
        n NUMERIC(10, -2) DEFAULT -1 CHECK (n > 0), \
        r REFERENCES p (x) ON DELETE SET NULL ON UPDATE CASCADE MATCH full NOT DEFERRABLE INITIALLY IMMEDIATE, \
        g AS (n * 2) STORED, h INT GENERATED ALWAYS AS (1), z NULL, \
        CONSTRAINT pk PRIMARY KEY (id, name DESC) ON CONFLICT ABORT, UNIQUE (n) CHECK (id > 0) \
        FOREIGN KEY (r, n) REFERENCES p DEFERRABLE INITIALLY DEFERRED) WITHOUT ROWID, STRICT";
    let ct = match stmt(sql) {
        Stmt::CreateTable(ct) => *ct,
        other => panic!("{other:?}"),
    };
    assert!(ct.temporary && ct.if_not_exists);
    assert_eq!(ct.name, qn(Some("s"), "t"));
    assert_eq!(&sql[ct.name_start..ct.name_start + 2], "t ");
    let (columns, constraints, options) = match ct.body {
        CreateTableBody::Columns {
            columns,
            constraints,
            options,
        } => (columns, constraints, options),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        options,
        TableOptions {
            without_rowid: true,
            strict: true
        }
    );
    assert_eq!(columns.len(), 7);
    let id = &columns[0];
    assert_eq!(id.type_name.as_ref().unwrap().name, "INTEGER");
    assert_eq!(
        id.constraints[0].kind,
        ColumnConstraintKind::PrimaryKey {
            order: Some(SortOrder::Desc),
            conflict: Some(ConflictResolution::Ignore),
            autoincrement: true
        }
    );
    let name = &columns[1];
    assert_eq!(name.type_name.as_ref().unwrap().name, "VARCHAR ( 10 )");
    assert_eq!(name.constraints[0].name.as_deref(), Some("nn"));
    assert_eq!(
        name.constraints[0].kind,
        ColumnConstraintKind::NotNull {
            conflict: Some(ConflictResolution::Fail)
        }
    );
    assert_eq!(
        name.constraints[1].kind,
        ColumnConstraintKind::Unique { conflict: None }
    );
    assert_eq!(
        name.constraints[2].kind,
        ColumnConstraintKind::Collate("nocase".into())
    );
    let n = &columns[2];
    assert_eq!(n.type_name.as_ref().unwrap().name, "NUMERIC(10, -2)");
    match &n.constraints[0].kind {
        ColumnConstraintKind::Default { expr, span } => {
            assert_eq!(expr.to_string(), "(- 1)");
            assert_eq!(span.text(sql), "-1");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        n.constraints[1].kind,
        ColumnConstraintKind::Check(_)
    ));
    match &columns[3].constraints[0].kind {
        ColumnConstraintKind::References(fk) => {
            assert_eq!(fk.table, "p");
            assert_eq!(fk.columns, vec!["x"]);
            assert_eq!(fk.on_delete, Some(FkAction::SetNull));
            assert_eq!(fk.on_update, Some(FkAction::Cascade));
            assert_eq!(fk.match_name.as_deref(), Some("full"));
            assert_eq!(
                fk.deferrable,
                Some(Deferrable {
                    not: true,
                    initially_deferred: Some(false)
                })
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(columns[3].constraints.len(), 1);
    assert_eq!(columns[3].span.text(sql), "r REFERENCES p (x) ON DELETE SET NULL ON UPDATE CASCADE MATCH full NOT DEFERRABLE INITIALLY IMMEDIATE");
    assert!(matches!(
        &columns[4].constraints[0].kind,
        ColumnConstraintKind::Generated { stored: true, .. }
    ));
    assert_eq!(columns[5].type_name.as_ref().unwrap().name, "INT");
    assert!(matches!(
        &columns[5].constraints[0].kind,
        ColumnConstraintKind::Generated { stored: false, .. }
    ));
    assert_eq!(
        columns[6].constraints[0].kind,
        ColumnConstraintKind::Null { conflict: None }
    );
    assert_eq!(constraints.len(), 4);
    assert_eq!(constraints[0].name.as_deref(), Some("pk"));
    match &constraints[0].kind {
        TableConstraintKind::PrimaryKey {
            columns,
            autoincrement,
            conflict,
        } => {
            assert_eq!(columns.len(), 2);
            assert_eq!(columns[1].order, Some(SortOrder::Desc));
            assert!(!autoincrement);
            assert_eq!(*conflict, Some(ConflictResolution::Abort));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        constraints[1].kind,
        TableConstraintKind::Unique { .. }
    ));
    assert!(matches!(constraints[2].kind, TableConstraintKind::Check(_)));
    match &constraints[3].kind {
        TableConstraintKind::ForeignKey { columns, clause } => {
            assert_eq!(columns, &vec!["r".to_string(), "n".to_string()]);
            assert_eq!(
                clause.deferrable,
                Some(Deferrable {
                    not: false,
                    initially_deferred: Some(true)
                })
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn create_table_defaults_and_types() {
    let defaults = |sql: &str| -> Vec<(Expr, String)> {
        match stmt(sql) {
            Stmt::CreateTable(ct) => match ct.body {
                CreateTableBody::Columns { columns, .. } => columns
                    .into_iter()
                    .flat_map(|c| c.constraints)
                    .filter_map(|c| match c.kind {
                        ColumnConstraintKind::Default { expr, span } => {
                            Some((expr, span.text(sql).to_string()))
                        }
                        _ => None,
                    })
                    .collect(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    };
    let d = defaults("CREATE TABLE t (a DEFAULT ( 1 + 2 ), b DEFAULT 'x', c DEFAULT true, d DEFAULT \"true\", e DEFAULT abc, f DEFAULT +5, g DEFAULT CURRENT_TIME, h DEFAULT -9223372036854775808, i DEFAULT x'01', j DEFAULT NULL, k DEFAULT 1.5)");
    assert_eq!(d[0].0.to_string(), "(1 + 2)");
    assert_eq!(d[0].1, "1 + 2");
    assert_eq!(
        d[1],
        (Expr::Literal(Literal::String("x".into())), "'x'".into())
    );
    assert_eq!(d[2], (int(1), "true".into()));
    assert_eq!(
        d[3],
        (
            Expr::Literal(Literal::String("true".into())),
            "\"true\"".into()
        )
    );
    assert_eq!(
        d[4],
        (Expr::Literal(Literal::String("abc".into())), "abc".into())
    );
    assert_eq!(d[5].0.to_string(), "(+ 5)");
    assert_eq!(d[5].1, "+5");
    assert_eq!(d[6].0, Expr::Literal(Literal::CurrentTime));
    assert_eq!(d[7], (int(i64::MIN), "-9223372036854775808".into()));
    assert_eq!(d[8].0, Expr::Literal(Literal::Blob(vec![1])));
    assert_eq!(d[9].0, Expr::Literal(Literal::Null));
    assert_eq!(d[10].0, Expr::Literal(Literal::Real(1.5)));
    assert_eq!(
        err("CREATE TABLE t (a DEFAULT -x)"),
        "near \"x\": syntax error"
    );
    assert_eq!(
        err("CREATE TABLE t (a DEFAULT 1 + 2)"),
        "near \"+\": syntax error"
    );

    let types = |sql: &str| -> Vec<Option<String>> {
        match stmt(sql) {
            Stmt::CreateTable(ct) => match ct.body {
                CreateTableBody::Columns { columns, .. } => columns
                    .into_iter()
                    .map(|c| c.type_name.map(|t| t.name))
                    .collect(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        types("CREATE TABLE t (a, b unsigned big int, c 'quoted type', d \"x\" y, e key, f INT GENERATED ALWAYS AS (1), g GENERATED ALWAYS AS (2), h DOUBLE PRECISION)"),
        vec![
            None,
            Some("unsigned big int".into()),
            Some("quoted type".into()),
            Some("x".into()),
            Some("key".into()),
            Some("INT".into()),
            None,
            Some("DOUBLE PRECISION".into()),
        ]
    );
    // sqlite3AddColumn's trailing "always"/"generated" trim, byte-wise (a
    // slice by byte offset inside a UTF-8 name used to panic). Expected
    // types are PRAGMA table_info's from SQLite 3.40.1.
    assert_eq!(
        types("CREATE TABLE t (a ééééééééé, b xéééééé always, c int always, e aaaaaaaaaa always, f aaaaaaaaaaaaaaa generated  always, g generated always)"),
        vec![
            Some("ééééééééé".into()),
            Some("xéééééé".into()),
            Some("int always".into()),
            Some("aaaaaaaaaa".into()),
            Some("aaaaaaaaaaaaaaa".into()),
            None,
        ]
    );
    assert_eq!(
        err("CREATE TABLE t (a) WITHOUT rowidx"),
        "unknown table option: rowidx"
    );
    assert_eq!(
        err("CREATE TABLE t (a) \"strict\""),
        "unknown table option: \"strict\""
    );
    assert_eq!(
        err("CREATE TABLE t (a AS (1) bogus)"),
        "error in generated column"
    );
    match stmt("CREATE TABLE t AS SELECT 1 AS x") {
        Stmt::CreateTable(ct) => assert!(matches!(ct.body, CreateTableBody::AsSelect(_))),
        other => panic!("{other:?}"),
    }
}

#[test]
fn create_index_view_trigger_vtab() {
    match stmt(
        "CREATE UNIQUE INDEX IF NOT EXISTS s.i ON t (a COLLATE nocase DESC, b + 1) WHERE a > 0",
    ) {
        Stmt::CreateIndex(ci) => {
            assert!(ci.unique && ci.if_not_exists);
            assert_eq!(ci.name, qn(Some("s"), "i"));
            assert_eq!(ci.table, "t");
            assert_eq!(ci.columns[0].expr.to_string(), "(a COLLATE nocase)");
            assert_eq!(ci.columns[0].order, Some(SortOrder::Desc));
            assert_eq!(ci.columns[1].expr.to_string(), "(b + 1)");
            assert!(ci.where_clause.is_some());
        }
        other => panic!("{other:?}"),
    }
    match stmt("CREATE TEMPORARY VIEW v (x, y) AS SELECT 1, 2") {
        Stmt::CreateView(v) => {
            assert!(v.temporary);
            assert_eq!(v.columns, vec!["x", "y"]);
        }
        other => panic!("{other:?}"),
    }
    match stmt("CREATE TRIGGER IF NOT EXISTS tr INSTEAD OF UPDATE OF a, b ON v FOR EACH ROW WHEN new.a IS NOT old.a BEGIN INSERT OR IGNORE INTO log (x) VALUES (new.a); UPDATE t SET a = 1 WHERE rowid = old.rowid; DELETE FROM t WHERE 0; SELECT RAISE(FAIL, 'x'); END") {
        Stmt::CreateTrigger(tr) => {
            assert!(tr.if_not_exists);
            assert_eq!(tr.time, Some(TriggerTime::InsteadOf));
            assert_eq!(tr.event, TriggerEvent::Update { columns: vec!["a".into(), "b".into()] });
            assert_eq!(tr.table, qn(None, "v"));
            assert!(tr.for_each_row);
            assert!(tr.when.is_some());
            assert_eq!(tr.body.len(), 4);
            assert!(matches!(tr.body[0], Stmt::Insert(_)));
            assert!(matches!(tr.body[1], Stmt::Update(_)));
            assert!(matches!(tr.body[2], Stmt::Delete(_)));
            assert!(matches!(tr.body[3], Stmt::Select(_)));
        }
        other => panic!("{other:?}"),
    }
    match stmt("CREATE TRIGGER tr DELETE ON t BEGIN SELECT 1; END") {
        Stmt::CreateTrigger(tr) => {
            assert_eq!(tr.time, None);
            assert_eq!(tr.event, TriggerEvent::Delete);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO main.x VALUES (1); END"),
        "qualified table names are not allowed on INSERT, UPDATE, and DELETE statements within triggers"
    );
    assert_eq!(
        err("CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE x NOT INDEXED SET a = 1; END"),
        "the NOT INDEXED clause is not allowed on UPDATE or DELETE statements within triggers"
    );
    assert_eq!(
        err("CREATE TRIGGER tr AFTER INSERT ON t BEGIN END"),
        "near \"END\": syntax error"
    );
    match stmt("CREATE VIRTUAL TABLE IF NOT EXISTS f USING fts5(a, b UNINDEXED, tokenize = 'porter (x, y)', )") {
        Stmt::CreateVirtualTable(vt) => {
            assert!(vt.if_not_exists);
            assert_eq!(vt.module, "fts5");
            assert_eq!(vt.args, vec!["a", "b UNINDEXED", "tokenize = 'porter (x, y)'"]);
        }
        other => panic!("{other:?}"),
    }
    match stmt("CREATE VIRTUAL TABLE f USING m") {
        Stmt::CreateVirtualTable(vt) => assert!(vt.args.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn drop_and_alter() {
    for (kw, kind) in [
        ("TABLE", DropKind::Table),
        ("INDEX", DropKind::Index),
        ("VIEW", DropKind::View),
        ("TRIGGER", DropKind::Trigger),
    ] {
        assert_eq!(
            stmt(&format!("DROP {kw} IF EXISTS s.x")),
            Stmt::Drop {
                kind,
                if_exists: true,
                name: qn(Some("s"), "x")
            }
        );
    }
    assert_eq!(
        stmt("DROP TABLE x"),
        Stmt::Drop {
            kind: DropKind::Table,
            if_exists: false,
            name: qn(None, "x")
        }
    );
    assert_eq!(err("DROP TABLE IF"), "incomplete input");
    let alter = |sql: &str| match stmt(sql) {
        Stmt::AlterTable(a) => *a,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        alter("ALTER TABLE s.t RENAME TO u").action,
        AlterAction::RenameTo("u".into())
    );
    assert_eq!(
        alter("ALTER TABLE s.t RENAME TO u").name,
        qn(Some("s"), "t")
    );
    assert_eq!(
        alter("ALTER TABLE t RENAME COLUMN a TO b").action,
        AlterAction::RenameColumn {
            old: "a".into(),
            new: "b".into()
        }
    );
    assert_eq!(
        alter("ALTER TABLE t RENAME a TO b").action,
        AlterAction::RenameColumn {
            old: "a".into(),
            new: "b".into()
        }
    );
    assert_eq!(
        alter("ALTER TABLE t DROP COLUMN a").action,
        AlterAction::DropColumn("a".into())
    );
    assert_eq!(
        alter("ALTER TABLE t DROP a").action,
        AlterAction::DropColumn("a".into())
    );
    match alter("ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT ''").action {
        AlterAction::AddColumn(c) => {
            assert_eq!(c.name, "c");
            assert_eq!(c.constraints.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        alter("ALTER TABLE t ADD c").action,
        AlterAction::AddColumn(_)
    ));
}

#[test]
fn transactions_savepoints() {
    assert_eq!(
        stmt("BEGIN"),
        Stmt::Begin {
            kind: TransactionKind::Deferred
        }
    );
    assert_eq!(
        stmt("BEGIN DEFERRED TRANSACTION"),
        Stmt::Begin {
            kind: TransactionKind::Deferred
        }
    );
    assert_eq!(
        stmt("begin immediate"),
        Stmt::Begin {
            kind: TransactionKind::Immediate
        }
    );
    assert_eq!(
        stmt("BEGIN EXCLUSIVE TRANSACTION t1"),
        Stmt::Begin {
            kind: TransactionKind::Exclusive
        }
    );
    assert_eq!(stmt("COMMIT"), Stmt::Commit);
    assert_eq!(stmt("END TRANSACTION"), Stmt::Commit);
    assert_eq!(stmt("ROLLBACK"), Stmt::Rollback { savepoint: None });
    assert_eq!(
        stmt("ROLLBACK TRANSACTION TO SAVEPOINT s"),
        Stmt::Rollback {
            savepoint: Some("s".into())
        }
    );
    assert_eq!(
        stmt("ROLLBACK TO s"),
        Stmt::Rollback {
            savepoint: Some("s".into())
        }
    );
    assert_eq!(
        stmt("SAVEPOINT \"a b\""),
        Stmt::Savepoint { name: "a b".into() }
    );
    assert_eq!(stmt("RELEASE s"), Stmt::Release { name: "s".into() });
    assert_eq!(
        stmt("RELEASE SAVEPOINT s"),
        Stmt::Release { name: "s".into() }
    );
    assert_eq!(err("BEGIN CONCURRENT"), "near \"CONCURRENT\": syntax error");
}

#[test]
fn pragma_forms() {
    let p = |sql: &str| match stmt(sql) {
        Stmt::Pragma {
            schema,
            name,
            value,
        } => (schema, name, value),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        p("PRAGMA user_version"),
        (None, "user_version".into(), None)
    );
    assert_eq!(
        p("PRAGMA main.journal_mode = WAL"),
        (
            Some("main".into()),
            "journal_mode".into(),
            Some(PragmaValue {
                call_form: false,
                value: "WAL".into()
            })
        )
    );
    assert_eq!(
        p("PRAGMA cache_size = -2000").2,
        Some(PragmaValue {
            call_form: false,
            value: "-2000".into()
        })
    );
    assert_eq!(
        p("PRAGMA cache_size = +5").2,
        Some(PragmaValue {
            call_form: false,
            value: "5".into()
        })
    );
    assert_eq!(
        p("PRAGMA table_info('t')").2,
        Some(PragmaValue {
            call_form: true,
            value: "t".into()
        })
    );
    assert_eq!(
        p("PRAGMA foreign_keys = on").2,
        Some(PragmaValue {
            call_form: false,
            value: "on".into()
        })
    );
    assert_eq!(
        p("PRAGMA secure_delete = DEFAULT").2.unwrap().value,
        "DEFAULT"
    );
    assert_eq!(p("PRAGMA journal_mode = delete").2.unwrap().value, "delete");
    assert_eq!(
        p("PRAGMA x(-1.5)").2,
        Some(PragmaValue {
            call_form: true,
            value: "-1.5".into()
        })
    );
    assert_eq!(err("PRAGMA x = 1 + 2"), "near \"+\": syntax error");
    assert_eq!(err("PRAGMA x = -y"), "near \"y\": syntax error");
}

#[test]
fn explain_and_misc() {
    match stmt("EXPLAIN QUERY PLAN SELECT 1") {
        Stmt::Explain { query_plan, stmt } => {
            assert!(query_plan);
            assert!(matches!(*stmt, Stmt::Select(_)));
        }
        other => panic!("{other:?}"),
    }
    match stmt("explain insert into t values (1)") {
        Stmt::Explain { query_plan, stmt } => {
            assert!(!query_plan);
            assert!(matches!(*stmt, Stmt::Insert(_)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err("EXPLAIN EXPLAIN SELECT 1"),
        "near \"EXPLAIN\": syntax error"
    );
    assert_eq!(
        stmt("VACUUM"),
        Stmt::Vacuum {
            schema: None,
            into: None
        }
    );
    assert_eq!(
        stmt("VACUUM aux INTO 'f.db'"),
        Stmt::Vacuum {
            schema: Some("aux".into()),
            into: Some(Expr::Literal(Literal::String("f.db".into())))
        }
    );
    assert_eq!(stmt("ANALYZE"), Stmt::Analyze { target: None });
    assert_eq!(
        stmt("ANALYZE s.t"),
        Stmt::Analyze {
            target: Some(qn(Some("s"), "t"))
        }
    );
    assert_eq!(
        stmt("REINDEX nocase"),
        Stmt::Reindex {
            target: Some(qn(None, "nocase"))
        }
    );
    match stmt("ATTACH DATABASE 'x.db' AS aux KEY 'k'") {
        Stmt::Attach { expr, schema, key } => {
            assert_eq!(expr, Expr::Literal(Literal::String("x.db".into())));
            assert_eq!(schema, col("aux"));
            assert!(key.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stmt("DETACH aux"), Stmt::Detach { schema: col("aux") });
}

#[test]
fn statement_boundaries_and_tails() {
    let sql = "  ; ;SELECT 1 ; SELECT 2 -- c\n ; ; ";
    let p = parse_one_spanned(sql).unwrap().unwrap();
    assert_eq!(p.span.text(sql), "SELECT 1");
    assert_eq!(&sql[p.tail_start..p.end], ";");
    let rest = &sql[p.end..];
    let p2 = parse_one_spanned(rest).unwrap().unwrap();
    assert_eq!(p2.span.text(rest), "SELECT 2");
    assert_eq!(parse_one(&rest[p2.end..]).unwrap(), None);
    assert_eq!(parse_one("").unwrap(), None);
    assert_eq!(parse_one(" -- only a comment").unwrap(), None);
    assert_eq!(parse_one("/* open comment").unwrap(), None);
    let (_, end) = parse_one("SELECT 1").unwrap().unwrap();
    assert_eq!(end, 8);
    assert_eq!(
        parse_all("SELECT 1; SELECT 2;; CREATE TABLE t(a)")
            .unwrap()
            .len(),
        3
    );
    let e = parse_all("SELECT 1; SELECT FROM").unwrap_err();
    assert_eq!(
        (e.message.as_str(), e.offset),
        ("near \"FROM\": syntax error", 17)
    );
    // A NUL ends the text as it does for SQLite's C strings.
    let (_, end) = parse_one("SELECT 1\0garbage").unwrap().unwrap();
    assert_eq!(end, 8);
}
