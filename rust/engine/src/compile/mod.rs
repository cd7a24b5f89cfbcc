//! The compiler: parse tree -> VM program. `Builder` allocates registers,
//! cursors and parameter numbers and emits instructions; the per-statement
//! files generate code for SELECT (`select`, `aggregate` for GROUP BY and
//! window functions, `compound` for UNION/INTERSECT/EXCEPT and recursive
//! CTEs), INSERT/UPDATE/DELETE with triggers (`dml`), DDL, PRAGMA and
//! transaction control; `expr` compiles expressions; `resolve` binds names;
//! `loops` chooses the join order and generates the nested-loop scans (rowid
//! and index seeks and ranges, IN-list seeks), noting EXPLAIN QUERY PLAN rows.
//!
//! Invariants:
//! - Register 0 is never used (0 means "none" in operands).
//! - Jumps emitted with target 0 are patched before the program is returned.
//! - Every statement touching the database starts with one Transaction op
//!   carrying the schema cookie it was compiled against.

pub mod aggregate;
pub mod alter;
pub mod analyze;
pub mod autoinc;
pub mod autoindex;
pub mod compound;
pub mod covering;
pub mod ddl;
pub mod dml;
pub mod expr;
pub mod fkey;
pub mod fkey_action;
pub mod generated;
pub mod instead_of;
pub mod index_plan;
pub mod index_write;
pub mod integrity;
pub mod json_call;
pub mod loops;
pub mod pragma_table;
pub mod pragma;
pub mod pragma_fk;
pub mod pragma_storage;
pub mod pragma_wal;
pub mod reindex;
pub mod resolve;
pub mod select;
pub mod strict;
pub mod or_plan;
pub mod outer_join;
pub mod vacuum;
pub mod window;
pub mod without_rowid;

use crate::error::{Error, Result};
use crate::schema::Schema;
use crate::value::Value;
use crate::vdbe::{ColumnMeta, Insn, Op, Program, P4};
use ferrolite_parser::ast::{Param, Stmt, TransactionKind};
use resolve::Frame;

pub struct Builder<'s> {
    pub insns: Vec<Insn>,
    pub n_regs: usize,
    pub n_cursors: usize,
    pub params: Vec<Option<String>>,
    /// True when `params` is the parser's table (numbered in source order,
    /// as SQLite does), so visiting order cannot renumber parameters.
    pub params_fixed: bool,
    pub schema: &'s Schema,
    /// Text the statement's spans index into.
    pub sql: &'s str,
    /// Byte offset where the statement's text ends (for stored CREATE text).
    pub stmt_end: usize,
    pub frames: Vec<Frame>,
    pub columns: Vec<ColumnMeta>,
    pub readonly: bool,
    pub counts_changes: bool,
    /// Common table expressions in scope (innermost last).
    pub ctes: Vec<ferrolite_parser::ast::Cte>,
    /// RETURNING of the statement being compiled.
    pub returning: Option<dml::Returning>,
    /// Frames below this index are outside the subquery being compiled; a
    /// column reference into them makes it correlated.
    pub corr_floor: usize,
    pub correlated: bool,
    /// EXPLAIN QUERY PLAN notes: (instruction address, detail).
    pub plan: Vec<(usize, String)>,
    /// Triggers whose body is being compiled (a trigger never fires itself,
    /// as with recursive_triggers off); non-empty means changes are not
    /// counted and RAISE() is allowed.
    pub active_triggers: Vec<String>,
    /// RAISE(IGNORE) jumps, patched to the end of the current row.
    pub raise_ignore: Vec<usize>,
    /// Recursive CTE names bound to the cursor holding the current row.
    pub cte_bindings: Vec<(String, resolve::Source)>,
    /// USING/NATURAL columns of RIGHT/FULL joins: (cursor, column) of the
    /// left source's column and the COALESCE an unqualified name means.
    pub using_coalesce: Vec<(i32, usize, ferrolite_parser::ast::Expr)>,
    /// FK action sub-programs of the whole statement (shared with the
    /// builders that compile them), by key; None while being compiled.
    pub fk_subs: fkey_action::SubPrograms,
    /// DROP TABLE's implicit DELETE: no triggers, FK errors ignored.
    pub disable_triggers: bool,
    /// The FK action being compiled (child table, key number, SET NULL).
    pub fk_action: Option<(String, usize, bool)>,
    /// Compiling a single-row INSERT without triggers (SQLite's
    /// !isMultiWrite): inserting a parent row cannot fix an immediate
    /// violation, so children are not scanned (unless defer_foreign_keys).
    pub fk_single_row: bool,
    /// AUTOINCREMENT registers of the INSERT being compiled.
    pub autoinc: Option<autoinc::AutoInc>,
    /// Table-valued pragma sources: (cursor, pragma name, arguments); the
    /// loop refills the cursor each time it reaches the source's level.
    pub table_fns: Vec<(i32, String, Vec<ferrolite_parser::ast::Expr>)>,
    /// Column names the SELECT being planned mentions (covering indexes).
    pub covering_names: Option<Vec<String>>,
    /// Table cursors read through a covering index: (table cursor, index
    /// cursor, table, index).
    pub covering_redirect: Vec<(i32, i32, std::rc::Rc<crate::schema::Table>, std::rc::Rc<crate::schema::Index>)>,
    /// INDEXED BY / NOT INDEXED of FROM tables: (cursor, Some(index name)
    /// or None for NOT INDEXED).
    pub index_hints: Vec<(i32, Option<String>)>,
}

/// Stack the compiler may use for recursion over nested expressions and
/// subqueries before it reports "Expression tree is too large". wasm32's
/// default stack is 1 MiB; a release build uses about 370 bytes per level of
/// `a+a+...` (so ~1400 levels fit), a debug build about 5 KiB.
const STACK_BUDGET: usize = 512 * 1024;

fn stack_address() -> usize {
    let probe = 0u8;
    std::hint::black_box(&probe) as *const u8 as usize
}

thread_local! {
    /// Address of a local in `compile`'s frame (0 = not compiling).
    static STACK_BASE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// True when the compiler's recursion has used up its stack budget; the
/// recursive walkers stop and the code generator reports an error.
pub fn stack_exceeded() -> bool {
    let base = STACK_BASE.with(|b| b.get());
    base != 0 && base.abs_diff(stack_address()) > STACK_BUDGET
}

impl<'s> Builder<'s> {
    pub fn new(schema: &'s Schema, sql: &'s str, stmt_end: usize) -> Builder<'s> {
        Builder {
            insns: Vec::new(),
            n_regs: 1,
            n_cursors: 0,
            params: Vec::new(),
            params_fixed: false,
            schema,
            sql,
            stmt_end,
            frames: Vec::new(),
            columns: Vec::new(),
            readonly: true,
            counts_changes: false,
            ctes: Vec::new(),
            returning: None,
            corr_floor: 0,
            correlated: false,
            plan: Vec::new(),
            active_triggers: Vec::new(),
            raise_ignore: Vec::new(),
            cte_bindings: Vec::new(),
            using_coalesce: Vec::new(),
            fk_subs: Default::default(),
            disable_triggers: false,
            fk_action: None,
            fk_single_row: false,
            autoinc: None,
            table_fns: Vec::new(),
            covering_names: None,
            covering_redirect: Vec::new(),
            index_hints: Vec::new(),
        }
    }

    /// Compiles a subquery evaluation with `build`; if it turns out not to
    /// reference any outer query, it runs once per statement (Once) and
    /// later evaluations reuse its result.
    pub fn cached_subquery(&mut self, build: &mut dyn FnMut(&mut Self) -> Result<()>) -> Result<()> {
        let once = self.op(Op::Once, 0, 0, 0);
        let saved = (self.corr_floor, self.correlated);
        self.corr_floor = self.frames.len();
        self.correlated = false;
        let r = build(self);
        let corr = self.correlated;
        self.corr_floor = saved.0;
        self.correlated = saved.1 || corr;
        r?;
        if corr {
            self.insns[once].op = Op::Noop;
        } else {
            self.patch(once);
        }
        Ok(())
    }

    /// Fails cleanly instead of overflowing the stack on deep nesting.
    pub fn check_stack(&self) -> Result<()> {
        if stack_exceeded() {
            return Err(Error::sql("Expression tree is too large (maximum depth 1000)"));
        }
        Ok(())
    }

    /// Records a step of the query plan (EXPLAIN QUERY PLAN).
    pub fn note_plan(&mut self, detail: String) {
        let addr = self.insns.len();
        self.plan.push((addr, detail));
    }

    pub fn emit(&mut self, op: Op, p1: i32, p2: i32, p3: i32, p4: P4, p5: u16) -> usize {
        self.insns.push(Insn { op, p1, p2, p3, p4, p5 });
        self.insns.len() - 1
    }
    pub fn op(&mut self, op: Op, p1: i32, p2: i32, p3: i32) -> usize {
        self.emit(op, p1, p2, p3, P4::None, 0)
    }
    /// Address of the next instruction.
    pub fn here(&self) -> i32 {
        self.insns.len() as i32
    }
    /// Makes the jump at `addr` go to the next instruction.
    pub fn patch(&mut self, addr: usize) {
        let h = self.here();
        self.insns[addr].p2 = h;
    }
    pub fn patch_all(&mut self, addrs: &[usize]) {
        for &a in addrs {
            self.patch(a);
        }
    }
    pub fn reg(&mut self) -> usize {
        self.n_regs += 1;
        self.n_regs - 1
    }
    pub fn regs(&mut self, n: usize) -> usize {
        let r = self.n_regs;
        self.n_regs += n.max(1);
        r
    }
    pub fn cursor(&mut self) -> i32 {
        self.n_cursors += 1;
        (self.n_cursors - 1) as i32
    }

    /// Loads a constant into `reg`.
    pub fn load_value(&mut self, v: &Value, reg: usize) {
        let r = reg as i32;
        match v {
            Value::Null => {
                self.op(Op::Null, 0, r, 0);
            }
            Value::Integer(i) => {
                if let Ok(x) = i32::try_from(*i) {
                    self.op(Op::Integer, x, r, 0);
                } else {
                    self.emit(Op::Int64, 0, r, 0, P4::Int64(*i), 0);
                }
            }
            Value::Real(x) => {
                self.emit(Op::Real, 0, r, 0, P4::Real(*x), 0);
            }
            Value::Text(s) => {
                self.emit(Op::String8, 0, r, 0, P4::Text(s.clone()), 0);
            }
            Value::Blob(b) => {
                self.emit(Op::Blob, b.len() as i32, r, 0, P4::Blob(b.clone()), 0);
            }
        }
    }

    /// Parameter number for a parameter reference (1-based).
    pub fn param_index(&mut self, p: &Param) -> Result<usize> {
        match p {
            Param::Anonymous => {
                self.params.push(None);
                Ok(self.params.len())
            }
            Param::Numbered(n) => {
                let n = *n as usize;
                if n == 0 || n > 32766 {
                    return Err(Error::sql("variable number must be between ?1 and ?32766"));
                }
                if self.params.len() < n {
                    self.params.resize(n, None);
                }
                if self.params[n - 1].is_none() && !self.params_fixed {
                    self.params[n - 1] = Some(format!("?{n}"));
                }
                Ok(n)
            }
            Param::Named(name) => {
                if let Some(i) = self.params.iter().position(|x| x.as_deref() == Some(name.as_str())) {
                    return Ok(i + 1);
                }
                self.params.push(Some(name.clone()));
                Ok(self.params.len())
            }
        }
    }

    /// Transaction op for this statement.
    pub fn begin(&mut self, write: bool) {
        if write {
            self.readonly = false;
        }
        let cookie = self.schema.cookie as i32;
        // P5 of a write: bit 0 set, bit 1 = PRAGMA foreign_keys it was compiled with.
        let p5 = if write { 1 | (u16::from(self.schema.foreign_keys) << 1) } else { 0 };
        self.emit(Op::Transaction, 0, write as i32, cookie, P4::None, p5);
    }

    /// Emits a program that returns constant rows.
    pub fn const_rows(&mut self, names: &[&str], rows: &[Vec<Value>]) {
        self.columns = names.iter().map(|n| ColumnMeta { name: n.to_string(), decltype: None }).collect();
        let base = self.regs(names.len());
        for row in rows {
            for (k, v) in row.iter().enumerate() {
                self.load_value(v, base + k);
            }
            self.op(Op::ResultRow, base as i32, names.len() as i32, 0);
        }
    }

    pub fn finish(mut self) -> Program {
        self.op(Op::Halt, 0, 0, 0);
        Program {
            insns: self.insns,
            n_regs: self.n_regs + 1,
            n_cursors: self.n_cursors,
            columns: self.columns,
            params: self.params,
            readonly: self.readonly,
            counts_changes: self.counts_changes,
            subprograms: fkey_action::take_programs(&self.fk_subs),
        }
    }
}

/// Compiles one statement. `sql` is the text `stmt`'s spans refer to and
/// `stmt_end` the end of the statement's own text in it.
pub fn compile(stmt: &Stmt, schema: &Schema, sql: &str, stmt_end: usize) -> Result<Program> {
    compile_with_params(stmt, schema, sql, stmt_end, None)
}

/// Like `compile`, with the parser's parameter table (`ParsedStmt::params`,
/// parsed with `number_anonymous_params`), which fixes every parameter's
/// number and name as SQLite assigns them at parse time.
pub fn compile_with_params(
    stmt: &Stmt,
    schema: &Schema,
    sql: &str,
    stmt_end: usize,
    params: Option<&[Option<String>]>,
) -> Result<Program> {
    let outer = STACK_BASE.with(|b| b.get());
    if outer == 0 {
        STACK_BASE.with(|b| b.set(stack_address()));
    }
    let r = compile_inner(stmt, schema, sql, stmt_end, params);
    if outer == 0 {
        STACK_BASE.with(|b| b.set(0));
    }
    r
}

fn compile_inner(stmt: &Stmt, schema: &Schema, sql: &str, stmt_end: usize, params: Option<&[Option<String>]>) -> Result<Program> {
    let mut b = Builder::new(schema, sql, stmt_end);
    if let Some(p) = params {
        b.params = p.to_vec();
        b.params_fixed = true;
    }
    compile_stmt(&mut b, stmt, schema, sql, stmt_end, params)?;
    Ok(b.finish())
}

fn compile_stmt(b: &mut Builder<'_>, stmt: &Stmt, schema: &Schema, sql: &str, stmt_end: usize, params: Option<&[Option<String>]>) -> Result<()> {
    match stmt {
        Stmt::Explain { query_plan, stmt } => {
            let (inner, plan) = {
                let mut ib = Builder::new(schema, sql, stmt_end);
                if let Some(p) = params {
                    ib.params = p.to_vec();
                    ib.params_fixed = true;
                }
                compile_stmt(&mut ib, stmt, schema, sql, stmt_end, params)?;
                let plan = std::mem::take(&mut ib.plan);
                (ib.finish(), plan)
            };
            if *query_plan {
                let rows: Vec<Vec<Value>> = plan
                    .into_iter()
                    .map(|(addr, d)| vec![Value::Integer(addr as i64), Value::Integer(0), Value::Integer(0), Value::Text(d)])
                    .collect();
                b.const_rows(&["id", "parent", "notused", "detail"], &rows);
            } else {
                let rows = inner.explain_rows();
                b.const_rows(&["addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment"], &rows);
            }
            b.params = inner.params;
        }
        Stmt::Select(s) => select::compile_select_stmt(b, s)?,
        Stmt::Insert(i) => dml::compile_insert(b, i)?,
        Stmt::Update(u) => dml::compile_update(b, u)?,
        Stmt::Delete(d) => dml::compile_delete(b, d)?,
        Stmt::CreateTable(ct) => ddl::create_table(b, ct)?,
        Stmt::CreateIndex(ci) => ddl::create_index(b, ci)?,
        Stmt::Drop { kind, if_exists, name } => ddl::drop(b, *kind, *if_exists, name)?,
        Stmt::Begin { kind } => {
            let k = match kind {
                TransactionKind::Deferred => 1,
                TransactionKind::Immediate => 2,
                TransactionKind::Exclusive => 3,
            };
            b.op(Op::AutoCommit, 0, 0, k);
        }
        Stmt::Commit => {
            b.op(Op::AutoCommit, 1, 0, 0);
        }
        Stmt::Rollback { savepoint: None } => {
            b.op(Op::AutoCommit, 1, 1, 0);
        }
        Stmt::Pragma { schema: s, name, value } => pragma::compile_pragma(b, s.as_deref(), name, value.as_ref())?,
        Stmt::Analyze { target } => analyze::compile_analyze(b, target.as_ref())?,
        Stmt::Reindex { target } => reindex::compile_reindex(b, target.as_ref())?,
        Stmt::CreateView(v) => ddl::create_view(b, v)?,
        Stmt::CreateTrigger(t) => ddl::create_trigger(b, t)?,
        Stmt::CreateVirtualTable(v) => return Err(Error::sql(format!("no such module: {}", v.module))),
        Stmt::AlterTable(a) => ddl::alter_table(b, a)?,
        Stmt::Savepoint { name } => {
            b.emit(Op::Savepoint, 0, 0, 0, P4::Text(name.clone()), 0);
        }
        Stmt::Release { name } => {
            b.emit(Op::Savepoint, 1, 0, 0, P4::Text(name.clone()), 0);
        }
        Stmt::Rollback { savepoint: Some(name) } => {
            b.emit(Op::Savepoint, 2, 0, 0, P4::Text(name.clone()), 0);
        }
        Stmt::Vacuum { schema: s, into } => vacuum::compile_vacuum(b, s.as_deref(), into.as_ref())?,
        Stmt::Attach { .. } | Stmt::Detach { .. } => return Err(Error::sql("ATTACH is not supported yet")),
    }
    Ok(())
}
