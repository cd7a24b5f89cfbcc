//! FOREIGN KEY actions (SQLite's fkActionTrigger): after a parent row is
//! deleted or its key updated, for each key referencing the table with
//!
//! - ON DELETE CASCADE:     `DELETE FROM child WHERE old.pk = ck`
//! - ON UPDATE CASCADE:     `UPDATE child SET ck = new.pk WHERE old.pk = ck`
//! - SET NULL / SET DEFAULT: `UPDATE child SET ck = NULL | default WHERE old.pk = ck`
//! - RESTRICT: any matching child fails the statement at once ("FOREIGN KEY
//!   constraint failed"), coded inline.
//!
//! ON UPDATE actions run only when the key really changed (`old.pk IS NOT
//! new.pk`). CASCADE/SET NULL/SET DEFAULT statements are compiled into
//! sub-programs (one per key and event, shared by the whole statement and
//! reused recursively, e.g. a cascade down a self-referencing tree) run by
//! the `Program` op with the old and new row images copied into their
//! registers: old columns at 1.., old rowid, new columns, new rowid. The VM
//! runs them in its own frame stack (no native recursion), at most 1000
//! deep as SQLite ("too many levels of trigger recursion").

use super::fkey::{image_reg, locate, match_expr, parent_modified, CHILD_SOURCE, PARENT_IMAGE};
use super::resolve::Frame;
use super::Builder;
use crate::error::{codes, Result};
use crate::schema::Table;
use crate::vdbe::fkey::FK_FAILED;
use crate::vdbe::{Op, Program, P4};
use ferrolite_parser::ast::{Delete, Expr, FkAction, Literal, QualifiedName, SetClause, Update};
use std::cell::RefCell;
use std::rc::Rc;

/// The statement's FK action sub-programs by key (None while compiling).
pub type SubPrograms = Rc<RefCell<Vec<(String, Option<Program>)>>>;

/// Moves the compiled sub-programs into the top-level program.
pub fn take_programs(s: &SubPrograms) -> Rc<Vec<Program>> {
    let v: Vec<Program> = s.borrow_mut().drain(..).map(|(_, p)| p.unwrap_or_default()).collect();
    Rc::new(v)
}

/// Code SQLite gives a RESTRICT failure (a RAISE(ABORT) in its action trigger).
const RESTRICT_CODE: i32 = codes::CONSTRAINT_TRIGGER;

impl Builder<'_> {
    /// sqlite3FkActions for a row of `t` deleted (`new` None) or updated.
    pub fn fk_actions(&mut self, t: &Rc<Table>, old: (usize, usize), new: Option<(usize, usize)>, changed: Option<&[usize]>) -> Result<()> {
        if !self.schema.foreign_keys {
            return Ok(());
        }
        for (child, k) in self.schema.fkeys_referencing(&t.name) {
            let fk = &child.fkeys[k];
            let action = if changed.is_some() { fk.on_update } else { fk.on_delete };
            if action == FkAction::NoAction {
                continue;
            }
            if let Some(ch) = changed {
                if !parent_modified(t, fk, ch) {
                    continue;
                }
            }
            let Ok(pk) = locate(t, &child, fk) else { continue };
            let unchanged = match new {
                Some(n) => {
                    let differ = self.fk_key_changed(t, &pk, old, n);
                    let skip = self.op(Op::Goto, 0, 0, 0);
                    self.patch_all(&differ);
                    Some(skip)
                }
                None => None,
            };
            if action == FkAction::Restrict {
                // defer_foreign_keys turns RESTRICT into NO ACTION, as in SQLite.
                let deferring = self.op(Op::FkIfZero, 0, 0, 2);
                let w = match_expr(t, &child, &pk, PARENT_IMAGE, CHILD_SOURCE);
                self.fk_for_each_child(t, &child, old, &w, &mut |b: &mut Builder<'_>| {
                    b.emit(Op::Halt, RESTRICT_CODE, 0, 0, P4::Text(FK_FAILED.to_string()), 0);
                    Ok(())
                })?;
                self.patch(deferring);
            } else {
                let n = t.columns.len() + 1;
                let block = self.regs(2 * n);
                for c in 0..t.columns.len() {
                    self.op(Op::Copy, image_reg(t, old, c) as i32, (block + c) as i32, 0);
                }
                self.op(Op::Copy, old.1 as i32, (block + n - 1) as i32, 0);
                match new {
                    Some(nw) => {
                        for c in 0..t.columns.len() {
                            self.op(Op::Copy, image_reg(t, nw, c) as i32, (block + n + c) as i32, 0);
                        }
                        self.op(Op::Copy, nw.1 as i32, (block + 2 * n - 1) as i32, 0);
                    }
                    None => {
                        self.op(Op::Null, 0, (block + n) as i32, (block + 2 * n - 1) as i32);
                    }
                }
                let idx = self.fk_sub_program(t, &child, k, action, new.is_some())?;
                self.op(Op::Program, block as i32, idx as i32, (2 * n) as i32);
            }
            if let Some(s) = unchanged {
                self.patch(s);
            }
        }
        Ok(())
    }

    /// Index of the sub-program for `child`'s key `k` (parent `t`),
    /// compiling it on first use.
    fn fk_sub_program(&mut self, t: &Rc<Table>, child: &Rc<Table>, k: usize, action: FkAction, update: bool) -> Result<usize> {
        let key = format!("{}\u{0}{k}\u{0}{update}", child.name.to_ascii_lowercase());
        if let Some(i) = self.fk_subs.borrow().iter().position(|(n, _)| *n == key) {
            return Ok(i);
        }
        let slot = {
            let mut subs = self.fk_subs.borrow_mut();
            subs.push((key, None));
            subs.len() - 1
        };
        let fk = &child.fkeys[k];
        let pk = locate(t, child, fk)?;
        let n = t.columns.len() + 1;
        let mut sb = Builder::new(self.schema, self.sql, self.stmt_end);
        sb.fk_subs = self.fk_subs.clone();
        sb.active_triggers.push("\u{1}fk action".to_string());
        sb.fk_action = Some((child.name.clone(), k, action == FkAction::SetNull));
        sb.n_regs = 1 + 2 * n;
        sb.frames.push(Frame {
            reg_rows: vec![("old".to_string(), t.clone(), 1, n), ("new".to_string(), t.clone(), 1 + n, 2 * n)],
            ..Default::default()
        });
        let w = match_expr(t, child, &pk, "old", &child.name);
        let target = QualifiedName { schema: None, name: child.name.clone() };
        if action == FkAction::Cascade && !update {
            let d = Delete { with: None, table: target, alias: None, indexed_by: None, where_clause: Some(w), returning: Vec::new(), order_by: Vec::new(), limit: None };
            super::dml::compile_delete(&mut sb, &d)?;
        } else {
            let mut sets = Vec::new();
            for (i, &cc) in pk.child_cols.iter().enumerate() {
                let ccol = &child.columns[cc];
                let expr = match action {
                    FkAction::Cascade => Expr::Column { schema: None, table: Some("new".to_string()), column: t.columns[pk.parent_cols[i]].name.clone(), double_quoted: false },
                    FkAction::SetDefault => match &ccol.default {
                        Some((e, _)) => e.clone(),
                        None => Expr::Literal(Literal::Null),
                    },
                    _ => Expr::Literal(Literal::Null),
                };
                sets.push(SetClause { columns: vec![ccol.name.clone()], expr });
            }
            let u = Update {
                with: None,
                or_conflict: None,
                table: target,
                alias: None,
                indexed_by: None,
                sets,
                from: None,
                where_clause: Some(w),
                returning: Vec::new(),
                order_by: Vec::new(),
                limit: None,
            };
            super::dml::compile_update(&mut sb, &u)?;
        }
        sb.op(Op::Halt, 0, 0, 0);
        let prog = Program {
            insns: std::mem::take(&mut sb.insns),
            n_regs: sb.n_regs + 1,
            n_cursors: sb.n_cursors,
            readonly: false,
            ..Default::default()
        };
        self.fk_subs.borrow_mut()[slot].1 = Some(prog);
        Ok(slot)
    }
}
