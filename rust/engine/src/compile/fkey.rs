//! FOREIGN KEY checks coded into INSERT/UPDATE/DELETE when PRAGMA
//! foreign_keys is on (SQLite's fkey.c, sqlite3FkCheck):
//!
//! - child side (the table's own keys): a row removed looks its parent up
//!   and, when there is none, takes back the violation it stood for (counter
//!   -1, only when a counter is non-zero); a row added with no parent adds
//!   one (+1). A key with a NULL column never violates.
//! - parent side (keys that reference the table): a row added resolves the
//!   violations of the children that match it (-1 each); a row removed
//!   creates one per matching child (+1 each; the row itself excluded for
//!   self-references). The actions (CASCADE, SET NULL, ...) are in
//!   `fkey_action`.
//!
//! Row images are register blocks: column k of table t is r[base+k], except
//! the INTEGER PRIMARY KEY, which is r[rowid]. A parent key is the parent's
//! INTEGER PRIMARY KEY (looked up by rowid after MustBeInt; a value that is
//! not an integer has no parent) or a UNIQUE/PRIMARY KEY index with exactly
//! the key's columns and default collations (probed after applying the
//! parent columns' affinities). Anything else is "foreign key mismatch".
//!
//! On UPDATE only keys whose columns are assigned are checked.

use super::loops::JoinInfo;
use super::resolve::{Frame, Source};
use super::Builder;
use crate::error::{Error, Result};
use crate::schema::fkey::ForeignKey;
use crate::schema::{Index, IndexOrigin, Table};
use crate::storage::record::Collation;
use crate::vdbe::{cmp_flags, Op, P4};
use ferrolite_parser::ast::{BinaryOp, Expr};
use std::rc::Rc;

/// Names no SQL can spell, for the parent row image and the scanned child.
pub const PARENT_IMAGE: &str = "\u{1}parent";
pub const CHILD_SOURCE: &str = "\u{1}child";

/// How a foreign key maps onto its parent's key.
pub struct ParentKey {
    /// The unique index holding the parent key (None: the INTEGER PRIMARY KEY).
    pub index: Option<Rc<Index>>,
    /// Child column for each parent-key position.
    pub child_cols: Vec<usize>,
    /// Parent column for each parent-key position.
    pub parent_cols: Vec<usize>,
}

fn mismatch(child: &Table, fk: &ForeignKey) -> Error {
    Error::sql(format!("foreign key mismatch - \"{}\" referencing \"{}\"", child.name, fk.to_table))
}

/// SQLite's sqlite3FkLocateIndex.
pub fn locate(parent: &Table, child: &Table, fk: &ForeignKey) -> Result<ParentKey> {
    let n = fk.from_cols.len();
    if n == 1 {
        if let Some(a) = parent.rowid_alias {
            if fk.to_cols.is_empty() || fk.to_cols[0].eq_ignore_ascii_case(&parent.columns[a].name) {
                return Ok(ParentKey { index: None, child_cols: fk.from_cols.clone(), parent_cols: vec![a] });
            }
        }
    }
    for idx in &parent.indexes {
        if idx.columns.len() != n || !idx.unique || idx.partial.is_some() || idx.unsupported {
            continue;
        }
        if fk.to_cols.is_empty() {
            if idx.origin == IndexOrigin::PrimaryKey {
                return Ok(ParentKey {
                    index: Some(idx.clone()),
                    child_cols: fk.from_cols.clone(),
                    parent_cols: idx.columns.iter().map(|c| c.column).collect(),
                });
            }
            continue;
        }
        let mut child_cols = Vec::new();
        for ic in &idx.columns {
            if ic.collation != parent.columns[ic.column].collation {
                break;
            }
            let name = &parent.columns[ic.column].name;
            match fk.to_cols.iter().position(|c| c.eq_ignore_ascii_case(name)) {
                Some(j) => child_cols.push(fk.from_cols[j]),
                None => break,
            }
        }
        if child_cols.len() == n {
            return Ok(ParentKey { index: Some(idx.clone()), child_cols, parent_cols: idx.columns.iter().map(|c| c.column).collect() });
        }
    }
    Err(mismatch(child, fk))
}

/// Register of column `c` in the row image (base, rowid) of `t`.
pub fn image_reg(t: &Table, (base, rowid): (usize, usize), c: usize) -> usize {
    if t.rowid_alias == Some(c) {
        rowid
    } else {
        base + c
    }
}

fn col(table: &str, column: &str) -> Expr {
    Expr::Column { schema: None, table: Some(table.to_string()), column: column.to_string(), double_quoted: false }
}

fn and(a: Option<Expr>, b: Expr) -> Expr {
    match a {
        None => b,
        Some(a) => Expr::Binary { op: BinaryOp::And, left: Box::new(a), right: Box::new(b) },
    }
}

/// `parent_image.pcol [COLLATE c] = child.ccol AND ...` (the parent's
/// affinity and collation govern the comparison, as in SQLite).
pub fn match_expr(parent: &Table, child: &Table, pk: &ParentKey, parent_name: &str, child_name: &str) -> Expr {
    let mut w = None;
    for (i, &pc) in pk.parent_cols.iter().enumerate() {
        let pcol = &parent.columns[pc];
        let mut left = col(parent_name, &pcol.name);
        if pcol.collation != Collation::Binary {
            let name = format!("{:?}", pcol.collation).to_ascii_uppercase();
            left = Expr::Collate { expr: Box::new(left), collation: name };
        }
        let right = col(child_name, &child.columns[pk.child_cols[i]].name);
        w = Some(and(w, Expr::Binary { op: BinaryOp::Eq, left: Box::new(left), right: Box::new(right) }));
    }
    w.unwrap_or(Expr::Literal(ferrolite_parser::ast::Literal::Integer(1)))
}

/// Is a child-key column of `fk` among the assigned columns?
fn child_modified(fk: &ForeignKey, changed: &[usize]) -> bool {
    fk.from_cols.iter().any(|c| changed.contains(c))
}

/// Is a parent-key column of `fk` (a key referencing `t`) among the assigned columns?
pub fn parent_modified(t: &Table, fk: &ForeignKey, changed: &[usize]) -> bool {
    changed.iter().any(|&c| {
        let column = &t.columns[c];
        if fk.to_cols.is_empty() {
            column.pk > 0
        } else {
            fk.to_cols.iter().any(|n| n.eq_ignore_ascii_case(&column.name))
        }
    })
}

impl Builder<'_> {
    /// SQLite's sqlite3FkCheck for a row removed (`old`) or added (`new`)
    /// in `t`; `changed` lists the columns an UPDATE assigns.
    pub fn fk_check(&mut self, t: &Rc<Table>, old: Option<(usize, usize)>, new: Option<(usize, usize)>, changed: Option<&[usize]>) -> Result<()> {
        if !self.schema.foreign_keys {
            return Ok(());
        }
        if old.is_some() && !self.disable_triggers && self.fk_required(t, changed) {
            // sqlite3FkOldmask: every key referencing the table must have
            // a parent index once FK processing is needed at all.
            for (child, k) in self.schema.fkeys_referencing(&t.name) {
                locate(t, &child, &child.fkeys[k])?;
            }
        }
        for (k, fk) in t.fkeys.iter().enumerate() {
            if let Some(ch) = changed {
                if !fk.to_table.eq_ignore_ascii_case(&t.name) && !child_modified(fk, ch) {
                    continue;
                }
            }
            let Some(parent) = self.schema.table(&fk.to_table).cloned() else {
                if !self.disable_triggers {
                    return Err(Error::sql(format!("no such table: main.{}", fk.to_table)));
                }
                if let Some(o) = old {
                    // DROP TABLE with the parent gone: every non-NULL key
                    // was a violation that leaves with the row.
                    let nulls: Vec<usize> = fk.from_cols.iter().map(|&c| self.op(Op::IsNull, image_reg(t, o, c) as i32, 0, 0)).collect();
                    self.op(Op::FkCounter, fk.deferred as i32, -1, 0);
                    self.patch_all(&nulls);
                }
                continue;
            };
            let pk = match locate(&parent, t, fk) {
                Ok(pk) => pk,
                Err(_) if self.disable_triggers => continue,
                Err(e) => return Err(e),
            };
            if let Some(o) = old {
                self.fk_lookup_parent(t, &parent, fk, &pk, o, -1);
            }
            let set_null_action = self.fk_action.as_ref().is_some_and(|(c, kk, set_null)| *set_null && *kk == k && c.eq_ignore_ascii_case(&t.name));
            if let (Some(n), false) = (new, set_null_action) {
                self.fk_lookup_parent(t, &parent, fk, &pk, n, 1);
            }
        }
        for (child, k) in self.schema.fkeys_referencing(&t.name) {
            let fk = &child.fkeys[k];
            if let Some(ch) = changed {
                if !parent_modified(t, fk, ch) {
                    continue;
                }
            }
            let single = old.is_none() && !fk.deferred && self.fk_single_row && self.active_triggers.is_empty();
            let pk = match locate(t, &child, fk) {
                Ok(pk) => pk,
                Err(_) if self.disable_triggers || single => continue,
                Err(e) => return Err(e),
            };
            if let Some(n) = new {
                // Single-row INSERT: only defer_foreign_keys makes the scan useful.
                let skip = if single { Some(self.op(Op::FkIfZero, 0, 0, 1)) } else { None };
                self.fk_scan_children(t, &child, fk, &pk, n, -1)?;
                if let Some(s) = skip {
                    self.patch(s);
                }
            }
            if let Some(o) = old {
                self.fk_scan_children(t, &child, fk, &pk, o, 1)?;
            }
        }
        Ok(())
    }

    /// sqlite3FkRequired: does removing/updating a row of `t` need FK code?
    fn fk_required(&self, t: &Table, changed: Option<&[usize]>) -> bool {
        let refs = self.schema.fkeys_referencing(&t.name);
        match changed {
            None => !t.fkeys.is_empty() || !refs.is_empty(),
            Some(ch) => {
                t.fkeys.iter().any(|f| f.to_table.eq_ignore_ascii_case(&t.name) || child_modified(f, ch))
                    || refs.iter().any(|(c, k)| parent_modified(t, &c.fkeys[*k], ch))
            }
        }
    }

    /// fkLookupParent: is there a parent row for the child key in `img`?
    /// If not, add `incr` to the counter.
    fn fk_lookup_parent(&mut self, t: &Table, parent: &Table, fk: &ForeignKey, pk: &ParentKey, img: (usize, usize), incr: i32) {
        let deferred = fk.deferred as i32;
        let mut ok = Vec::new();
        if incr < 0 {
            ok.push(self.op(Op::FkIfZero, deferred, 0, 0));
        }
        for &c in &fk.from_cols {
            ok.push(self.op(Op::IsNull, image_reg(t, img, c) as i32, 0, 0));
        }
        let same_table = t.name.eq_ignore_ascii_case(&parent.name);
        match &pk.index {
            None => {
                let tmp = self.reg();
                self.op(Op::Copy, image_reg(t, img, pk.child_cols[0]) as i32, tmp as i32, 0);
                let not_int = self.op(Op::MustBeInt, tmp as i32, 0, 0);
                if same_table && incr == 1 {
                    // A row that is its own parent.
                    let eq = self.reg();
                    self.op(Op::Eq, img.1 as i32, tmp as i32, eq as i32);
                    ok.push(self.op(Op::If, eq as i32, 0, 0));
                }
                let cur = self.cursor();
                self.op(Op::OpenRead, cur, parent.root as i32, 0);
                let missing = self.op(Op::SeekRowid, cur, 0, tmp as i32);
                ok.push(self.op(Op::Goto, 0, 0, 0));
                self.patch(missing);
                self.patch(not_int);
            }
            Some(idx) => {
                let n = pk.child_cols.len();
                let tmp = self.regs(n);
                for (i, &c) in pk.child_cols.iter().enumerate() {
                    self.op(Op::Copy, image_reg(t, img, c) as i32, (tmp + i) as i32, 0);
                }
                if same_table && incr == 1 {
                    let mut differ = Vec::new();
                    for (i, &c) in pk.child_cols.iter().enumerate() {
                        let eq = self.reg();
                        let pr = image_reg(t, img, pk.parent_cols[i]);
                        self.op(Op::Eq, image_reg(t, img, c) as i32, pr as i32, eq as i32);
                        differ.push(self.op(Op::IfNot, eq as i32, 0, 1));
                    }
                    ok.push(self.op(Op::Goto, 0, 0, 0));
                    self.patch_all(&differ);
                }
                let aff: String = pk.parent_cols.iter().map(|&c| parent.columns[c].affinity.code()).collect();
                self.emit(Op::Affinity, tmp as i32, n as i32, 0, P4::Affinity(aff), 0);
                let cur = self.cursor();
                self.emit(Op::OpenRead, cur, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
                ok.push(self.emit(Op::Found, cur, 0, tmp as i32, P4::Int64(n as i64), 0));
            }
        }
        self.op(Op::FkCounter, deferred, incr, 0);
        self.patch_all(&ok);
    }

    /// fkScanChildren: add `incr` to the counter for each child row whose
    /// key matches the parent key in `img` (a row of `parent`).
    fn fk_scan_children(&mut self, parent: &Rc<Table>, child: &Rc<Table>, fk: &ForeignKey, pk: &ParentKey, img: (usize, usize), incr: i32) -> Result<()> {
        let deferred = fk.deferred as i32;
        let skip = if incr < 0 { Some(self.op(Op::FkIfZero, deferred, 0, 0)) } else { None };
        let mut w = match_expr(parent, child, pk, PARENT_IMAGE, CHILD_SOURCE);
        if incr > 0 && parent.name.eq_ignore_ascii_case(&child.name) {
            // The row being removed is not its own child.
            let ne = if parent.without_rowid {
                let mut all = None;
                for &c in &pk.parent_cols {
                    let n = &parent.columns[c].name;
                    let is = Expr::Binary { op: BinaryOp::Is, left: Box::new(col(PARENT_IMAGE, n)), right: Box::new(col(CHILD_SOURCE, n)) };
                    all = Some(and(all, is));
                }
                Expr::Unary { op: ferrolite_parser::ast::UnaryOp::Not, expr: Box::new(all.unwrap_or(Expr::Literal(ferrolite_parser::ast::Literal::Integer(0)))) }
            } else {
                Expr::Binary { op: BinaryOp::NotEq, left: Box::new(col(PARENT_IMAGE, "rowid")), right: Box::new(col(CHILD_SOURCE, "rowid")) }
            };
            w = and(Some(w), ne);
        }
        self.fk_for_each_child(parent, child, img, &w, &mut |b: &mut Builder<'_>| {
            b.op(Op::FkCounter, deferred, incr, 0);
            Ok(())
        })?;
        if let Some(s) = skip {
            self.patch(s);
        }
        Ok(())
    }

    /// Loops over the rows of `child` matching `w`, in which PARENT_IMAGE
    /// names the parent row image `img` and CHILD_SOURCE the child row.
    pub fn fk_for_each_child(
        &mut self,
        parent: &Rc<Table>,
        child: &Rc<Table>,
        img: (usize, usize),
        w: &Expr,
        body: &mut dyn FnMut(&mut Builder<'_>) -> Result<()>,
    ) -> Result<()> {
        let cur = self.cursor();
        let source = Source { table: child.clone(), name: CHILD_SOURCE.to_string(), cursor: cur, hidden: Vec::new() };
        self.frames.push(Frame { sources: vec![source], reg_rows: vec![(PARENT_IMAGE.to_string(), parent.clone(), img.0, img.1)], ..Default::default() });
        let r = self.gen_loops(&[JoinInfo::default()], Some(w), body);
        self.frames.pop();
        r
    }

    /// `IS`-comparison of two row images over the parent key: jumps taken
    /// when they differ (used by ON UPDATE actions' WHEN clause).
    pub fn fk_key_changed(&mut self, t: &Table, pk: &ParentKey, old: (usize, usize), new: (usize, usize)) -> Vec<usize> {
        let mut differ = Vec::new();
        for &c in &pk.parent_cols {
            let eq = self.reg();
            self.emit(Op::Eq, image_reg(t, old, c) as i32, image_reg(t, new, c) as i32, eq as i32, P4::None, cmp_flags::NULLEQ);
            differ.push(self.op(Op::IfNot, eq as i32, 0, 0));
        }
        differ
    }

    /// sqlite3FkDropTable: before `t` is dropped, delete its rows (no
    /// triggers, FK actions run) when it is a parent, or a child of a
    /// deferred key while deferred violations are outstanding; immediate
    /// violations that leaves fail the DROP before the schema changes.
    pub fn fk_drop_table(&mut self, t: &Rc<Table>) -> Result<()> {
        if !self.schema.foreign_keys {
            return Ok(());
        }
        let mut skip = None;
        if self.schema.fkeys_referencing(&t.name).is_empty() {
            if !t.fkeys.iter().any(|f| f.deferred) {
                return Ok(());
            }
            skip = Some(self.op(Op::FkIfZero, 1, 0, 0));
        }
        let d = ferrolite_parser::ast::Delete {
            with: None,
            table: ferrolite_parser::ast::QualifiedName { schema: None, name: t.name.clone() },
            alias: None,
            indexed_by: None,
            where_clause: None,
            returning: Vec::new(),
            order_by: Vec::new(),
            limit: None,
        };
        let saved = (self.disable_triggers, self.counts_changes);
        self.disable_triggers = true;
        let r = super::dml::compile_delete(self, &d);
        (self.disable_triggers, self.counts_changes) = saved;
        r?;
        let here = self.here();
        self.op(Op::FkIfZero, 0, here + 2, 0);
        self.emit(Op::Halt, crate::error::codes::CONSTRAINT_FOREIGNKEY, 0, 0, P4::Text(crate::vdbe::fkey::FK_FAILED.to_string()), 0);
        if let Some(s) = skip {
            self.patch(s);
        }
        Ok(())
    }
}
