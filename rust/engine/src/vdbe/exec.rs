//! Executes a `Program`: the fetch/dispatch loop and every opcode's effect.
//!
//! Invariants:
//! - `step` returns Ok(true) with the row in `regs[row_start..row_start+row_len]`,
//!   Ok(false) once the program halted successfully, or the error that
//!   halted it; after either end it must be `reset` before running again.
//! - Every 4096 instructions the interrupt probe is consulted.
//! - Write statements open a statement savepoint at their Transaction op,
//!   one level above the user's SAVEPOINTs (`stmt_depth`); the connection
//!   releases or rolls it back when the statement ends.

use super::cursor::{BtreeCur, MemSorter, VCursor};
use super::program::{Program, P4};
use super::{affinity_from_num, cmp_flags, DbState, Op};
use crate::error::{codes, Error, Result};
use crate::func::aggregate::AggState;
use crate::func::{FuncEnv, FuncKind};
use crate::schema;
use crate::storage::btree::{Btree, Meta, SeekOp, SeekResult, TreeKind, TxnState};
use crate::storage::record::{self, Collation, FieldRef, KeyInfo};
use crate::value::affinity::Affinity;
use crate::value::num;
use crate::value::ops::{self, ArithOp, BitOp};
use crate::value::Value;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::rc::Rc;

pub struct Vm {
    pub pc: usize,
    pub regs: Vec<Value>,
    cursors: Vec<Option<VCursor>>,
    /// Aggregate accumulators by register (None = not started).
    aggs: Vec<Option<AggState>>,
    pub row_start: usize,
    pub row_len: usize,
    pub n_change: i64,
    pub stmt_savepoint: bool,
    /// B-tree savepoint level of the statement savepoint.
    pub stmt_depth: usize,
    pub started: bool,
    pub wrote: bool,
    once: HashSet<usize>,
    last_cmp: Ordering,
    ticks: u32,
    now_ms: Option<i64>,
    key_buf: Vec<u8>,
    /// Immediate FK violations of this statement (see `fkey`).
    pub fk_stmt: i64,
    /// The connection's deferred FK counter when the statement began.
    pub fk_deferred_start: i64,
    /// Callers' states while a sub-program (FK action) runs, innermost last.
    frames: Vec<SubFrame>,
    /// The sub-program being run (None: the statement's own program).
    cur_sub: Option<usize>,
}

/// The state of a program that ran a sub-program (`Program` op), restored
/// when the sub-program halts. Sub-programs run in this loop, not by native
/// recursion, so their nesting is bounded by MAX_SUB_DEPTH only.
struct SubFrame {
    pc: usize,
    regs: Vec<Value>,
    cursors: Vec<Option<VCursor>>,
    aggs: Vec<Option<AggState>>,
    once: HashSet<usize>,
    sub: Option<usize>,
}

/// Deepest nesting of sub-programs (SQLITE_MAX_TRIGGER_DEPTH).
const MAX_SUB_DEPTH: usize = 1000;

fn meta_of(n: i32) -> Meta {
    match n {
        1 => Meta::SchemaFormat,
        2 => Meta::DefaultCacheSize,
        3 => Meta::LargestRootPage,
        4 => Meta::TextEncoding,
        5 => Meta::UserVersion,
        6 => Meta::IncrementalVacuum,
        7 => Meta::ApplicationId,
        _ => Meta::SchemaCookie,
    }
}

/// Stores a decoded field into a register, reusing its allocation.
fn set_field(reg: &mut Value, f: FieldRef<'_>) {
    match (reg, f) {
        (Value::Text(s), FieldRef::Text(t)) => {
            s.clear();
            match std::str::from_utf8(t) {
                Ok(x) => s.push_str(x),
                Err(_) => s.push_str(&String::from_utf8_lossy(t)),
            }
        }
        (Value::Blob(b), FieldRef::Blob(t)) => {
            b.clear();
            b.extend_from_slice(t);
        }
        (r, f) => *r = f.to_value(),
    }
}

fn internal(what: &str) -> Error {
    Error::new(codes::INTERNAL, format!("internal error: {what}"))
}

impl Vm {
    pub fn new(prog: &Program) -> Vm {
        let mut cursors = Vec::new();
        cursors.resize_with(prog.n_cursors, || None);
        Vm {
            pc: 0,
            regs: vec![Value::Null; prog.n_regs.max(1)],
            cursors,
            aggs: Vec::new(),
            row_start: 0,
            row_len: 0,
            n_change: 0,
            stmt_savepoint: false,
            stmt_depth: 1,
            started: false,
            wrote: false,
            once: HashSet::new(),
            last_cmp: Ordering::Equal,
            ticks: 0,
            now_ms: None,
            key_buf: Vec::new(),
            fk_stmt: 0,
            fk_deferred_start: 0,
            frames: Vec::new(),
            cur_sub: None,
        }
    }

    /// Leaves any running sub-programs, back in the statement's own state.
    fn unwind_frames(&mut self) {
        let mut bottom = None;
        while let Some(f) = self.frames.pop() {
            bottom = Some(f);
        }
        if let Some(f) = bottom {
            self.pc = f.pc;
            self.regs = f.regs;
            self.cursors = f.cursors;
            self.aggs = f.aggs;
            self.once = f.once;
            self.cur_sub = f.sub;
        }
    }

    /// A sub-program ended: back to the program that ran it.
    fn leave_sub(&mut self) {
        if let Some(f) = self.frames.pop() {
            self.pc = f.pc;
            self.regs = f.regs;
            self.cursors = f.cursors;
            self.aggs = f.aggs;
            self.once = f.once;
            self.cur_sub = f.sub;
        }
    }

    /// Back to the start (registers cleared, cursors closed).
    pub fn reset(&mut self) {
        self.unwind_frames();
        self.pc = 0;
        for r in self.regs.iter_mut() {
            *r = Value::Null;
        }
        for c in self.cursors.iter_mut() {
            *c = None;
        }
        for a in self.aggs.iter_mut() {
            *a = None;
        }
        self.once.clear();
        self.row_len = 0;
        self.n_change = 0;
        self.stmt_savepoint = false;
        self.started = false;
        self.wrote = false;
        self.now_ms = None;
        self.fk_stmt = 0;
    }

    pub fn row(&self) -> &[Value] {
        &self.regs[self.row_start..self.row_start + self.row_len]
    }

    fn bcur(&mut self, i: i32) -> Result<&mut BtreeCur> {
        match self.cursors.get_mut(i as usize) {
            Some(Some(VCursor::Btree(c))) => Ok(c),
            _ => Err(internal("not a b-tree cursor")),
        }
    }

    fn encode_key(&mut self, start: i32, n: i32) {
        self.key_buf.clear();
        let s = start as usize;
        record::encode(&self.regs[s..s + n as usize], &mut self.key_buf);
    }

    /// Is there a key in index/set cursor `c` with prefix r[start..start+n]?
    /// Leaves a b-tree cursor on it.
    fn probe(&mut self, bt: &mut Btree, c: i32, start: i32, n: i32) -> Result<bool> {
        let s = start as usize;
        let n = n as usize;
        match self.cursors.get_mut(c as usize) {
            Some(Some(VCursor::Sorter(m))) => Ok(m.find(&self.regs[s..s + n]).is_ok()),
            Some(Some(VCursor::Btree(_))) => {
                self.encode_key(start, n as i32);
                let key = std::mem::take(&mut self.key_buf);
                let cur = self.bcur(c)?;
                cur.moved();
                let ki = cur.key_info.clone().ok_or_else(|| internal("index without key info"))?;
                let mut found = false;
                if cur.cur.seek_index(bt, &key, SeekOp::Ge)? {
                    let p = cur.payload(bt)?;
                    found = record::compare_records(p, &key, &ki)? == Ordering::Equal;
                }
                self.key_buf = key;
                Ok(found)
            }
            _ => Err(internal("bad cursor")),
        }
    }

    fn compare_op(&self, op: Op, a: &Value, b: &Value, coll: Collation, p5: u16) -> Value {
        if a.is_null() || b.is_null() {
            if p5 & cmp_flags::NULLEQ != 0 {
                let both = a.is_null() && b.is_null();
                let eq = both;
                return Value::Integer(match op {
                    Op::Eq => eq as i64,
                    Op::Ne => (!eq) as i64,
                    _ => 0,
                });
            }
            return Value::Null;
        }
        let aff = p5 & cmp_flags::AFF_MASK;
        let needs = |v: &Value| match aff {
            cmp_flags::AFF_NUMERIC => matches!(v, Value::Text(_)),
            cmp_flags::AFF_TEXT => matches!(v, Value::Integer(_) | Value::Real(_)),
            _ => false,
        };
        let affinity = if aff == cmp_flags::AFF_TEXT { Affinity::Text } else { Affinity::Numeric };
        let o = if needs(a) || needs(b) {
            let (mut x, mut y) = (a.clone(), b.clone());
            affinity.apply_for_compare(&mut x);
            affinity.apply_for_compare(&mut y);
            record::compare_values(&x, &y, coll)
        } else {
            record::compare_values(a, b, coll)
        };
        let r = match op {
            Op::Eq => o == Ordering::Equal,
            Op::Ne => o != Ordering::Equal,
            Op::Lt => o == Ordering::Less,
            Op::Le => o != Ordering::Greater,
            Op::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        };
        Value::Integer(r as i64)
    }

    /// The end of a top-level program: immediate FK violations fail the
    /// statement; in autocommit mode so do deferred ones (the statement is
    /// the transaction), and the transaction's FK state ends with it.
    fn fk_check_at_halt(&mut self, db: &mut DbState) -> Result<()> {
        if self.fk_stmt > 0 {
            return Err(Error::new(codes::CONSTRAINT_FOREIGNKEY, super::fkey::FK_FAILED));
        }
        if db.autocommit && self.wrote {
            if db.fk.deferred > 0 {
                return Err(Error::new(codes::CONSTRAINT_FOREIGNKEY, super::fkey::FK_FAILED));
            }
            db.fk.end_transaction();
        }
        Ok(())
    }

    /// Runs until the next row (true) or the end (false).
    pub fn step(&mut self, prog: &Program, bt: &mut Btree, db: &mut DbState, params: &[Value]) -> Result<bool> {
        let r = self.step_inner(prog, bt, db, params);
        if r.is_err() {
            self.unwind_frames();
        }
        r
    }

    fn step_inner(&mut self, prog: &Program, bt: &mut Btree, db: &mut DbState, params: &[Value]) -> Result<bool> {
        self.started = true;
        let subs = prog.subprograms.clone();
        loop {
            self.ticks = self.ticks.wrapping_add(1);
            if self.ticks % 4096 == 0 {
                if let Some(p) = db.interrupt.as_mut() {
                    if p() {
                        return Err(Error::new(codes::INTERRUPT, "interrupted"));
                    }
                }
            }
            let cur: &Program = match self.cur_sub {
                Some(i) => subs.get(i).ok_or_else(|| internal("no such sub-program"))?,
                None => prog,
            };
            let Some(insn) = cur.insns.get(self.pc) else {
                if self.cur_sub.is_some() {
                    self.leave_sub();
                    continue;
                }
                return Ok(false);
            };
            let (p1, p2, p3, p5) = (insn.p1, insn.p2, insn.p3, insn.p5);
            let (u1, u2, u3) = (p1 as usize, p2 as usize, p3 as usize);
            self.pc += 1;
            match insn.op {
                Op::Init | Op::Goto => self.pc = u2,
                Op::Noop => {}
                Op::FkCounter => {
                    if db.fk.defer || p1 != 0 {
                        db.fk.deferred += i64::from(p2);
                    } else {
                        self.fk_stmt += i64::from(p2);
                    }
                }
                Op::FkIfZero => {
                    let zero = if p3 == 1 {
                        !db.fk.defer
                    } else if p3 == 2 {
                        db.fk.defer
                    } else if p1 != 0 {
                        db.fk.deferred == 0
                    } else {
                        self.fk_stmt == 0 && !(db.fk.defer && db.fk.deferred > 0)
                    };
                    if zero {
                        self.pc = u2;
                    }
                }
                Op::FkPragma => {
                    if p2 >= 0 {
                        let on = p2 != 0;
                        if p1 == 0 {
                            // A no-op inside a transaction, as in SQLite.
                            if db.autocommit && db.fk.enabled != on {
                                db.fk.enabled = on;
                                Rc::make_mut(&mut db.schema).foreign_keys = on;
                            }
                        } else {
                            db.fk.defer = on;
                        }
                    } else {
                        let v = if p1 == 0 { db.fk.enabled } else { db.fk.defer };
                        self.regs[u3] = Value::Integer(v as i64);
                    }
                }
                Op::Program => {
                    let Some(sp) = subs.get(u2) else { return Err(internal("no such sub-program")) };
                    if self.frames.len() >= MAX_SUB_DEPTH {
                        return Err(Error::sql("too many levels of trigger recursion"));
                    }
                    let mut regs = vec![Value::Null; sp.n_regs.max(u3 + 1)];
                    for k in 0..u3 {
                        if let Some(src) = self.regs.get(u1 + k) {
                            regs[k + 1] = src.clone();
                        }
                    }
                    let mut cursors = Vec::new();
                    cursors.resize_with(sp.n_cursors, || None);
                    let saved = SubFrame {
                        pc: self.pc,
                        regs: std::mem::replace(&mut self.regs, regs),
                        cursors: std::mem::replace(&mut self.cursors, cursors),
                        aggs: std::mem::take(&mut self.aggs),
                        once: std::mem::take(&mut self.once),
                        sub: self.cur_sub,
                    };
                    self.frames.push(saved);
                    self.cur_sub = Some(u2);
                    self.pc = 0;
                }
                Op::Gosub => {
                    self.regs[u1] = Value::Integer(self.pc as i64);
                    self.pc = u2;
                }
                Op::Return => {
                    self.pc = match self.regs[u1] {
                        Value::Integer(i) => i as usize,
                        _ => return Err(internal("Return without Gosub")),
                    }
                }
                Op::Halt => {
                    if p1 == 0 && self.cur_sub.is_some() {
                        self.leave_sub();
                        continue;
                    }
                    if p1 == 0 {
                        self.fk_check_at_halt(db)?;
                    }
                    if p1 != 0 {
                        let msg = match &insn.p4 {
                            P4::Text(s) => s.clone(),
                            _ => crate::error::errstr(p1).to_string(),
                        };
                        return Err(Error::new(p1, msg));
                    }
                    self.pc = cur.insns.len();
                    return Ok(false);
                }
                Op::HaltIfNull => {
                    if self.regs[u3].is_null() {
                        let msg = match &insn.p4 {
                            P4::Text(s) => s.clone(),
                            _ => String::new(),
                        };
                        return Err(Error::new(p1, msg));
                    }
                }
                Op::Once => {
                    if !self.once.insert(self.pc - 1) {
                        self.pc = u2;
                    }
                }
                Op::If | Op::IfNot => {
                    let t = ops::truth(&self.regs[u1]);
                    let jump = match t {
                        None => p3 != 0,
                        Some(b) => b == (insn.op == Op::If),
                    };
                    if jump {
                        self.pc = u2;
                    }
                }
                Op::IsNull => {
                    if self.regs[u1].is_null() {
                        self.pc = u2;
                    }
                }
                Op::NotNull => {
                    if !self.regs[u1].is_null() {
                        self.pc = u2;
                    }
                }
                Op::IfPos => {
                    if let Value::Integer(i) = self.regs[u1] {
                        if i > 0 {
                            self.regs[u1] = Value::Integer(i - i64::from(p3));
                            self.pc = u2;
                        }
                    }
                }
                Op::DecrJumpZero => {
                    if let Value::Integer(i) = self.regs[u1] {
                        let n = i.wrapping_sub(1);
                        self.regs[u1] = Value::Integer(n);
                        if n == 0 {
                            self.pc = u2;
                        }
                    }
                }
                Op::MustBeInt => {
                    let v = &self.regs[u1];
                    let as_int = match v {
                        Value::Integer(i) => Some(*i),
                        Value::Real(r) => num::real_as_exact_int(*r),
                        Value::Text(s) => match num::parse_numeric(s) {
                            Some(num::Num::Int(i)) => Some(i),
                            Some(num::Num::Real(r)) => num::real_as_exact_int(r),
                            None => None,
                        },
                        _ => None,
                    };
                    match as_int {
                        Some(i) => self.regs[u1] = Value::Integer(i),
                        None => {
                            if p2 != 0 {
                                self.pc = u2;
                            } else {
                                return Err(Error::new(codes::MISMATCH, "datatype mismatch"));
                            }
                        }
                    }
                }
                Op::Integer => self.regs[u2] = Value::Integer(i64::from(p1)),
                Op::Int64 => {
                    if let P4::Int64(i) = insn.p4 {
                        self.regs[u2] = Value::Integer(i)
                    }
                }
                Op::Real => {
                    if let P4::Real(r) = insn.p4 {
                        self.regs[u2] = Value::Real(r)
                    }
                }
                // Constants reuse the register's buffer: no allocation when a
                // loop reloads them on every row.
                Op::String8 => {
                    if let P4::Text(s) = &insn.p4 {
                        match &mut self.regs[u2] {
                            Value::Text(t) => {
                                t.clear();
                                t.push_str(s);
                            }
                            r => *r = Value::Text(s.clone()),
                        }
                    }
                }
                Op::Blob => {
                    if let P4::Blob(b) = &insn.p4 {
                        match &mut self.regs[u2] {
                            Value::Blob(t) => {
                                t.clear();
                                t.extend_from_slice(b);
                            }
                            r => *r = Value::Blob(b.clone()),
                        }
                    }
                }
                Op::Null => {
                    let end = if p3 < p2 { u2 } else { u3 };
                    for r in u2..=end {
                        self.regs[r] = Value::Null;
                    }
                }
                Op::Variable => self.regs[u2] = params.get(u1.wrapping_sub(1)).cloned().unwrap_or(Value::Null),
                Op::Copy => {
                    let n = if p3 == 0 { 1 } else { u3 };
                    for k in 0..n {
                        let v = self.regs[u1 + k].clone();
                        self.regs[u2 + k] = v;
                    }
                }
                Op::Add | Op::Subtract | Op::Multiply | Op::Divide | Op::Remainder => {
                    let op = match insn.op {
                        Op::Add => ArithOp::Add,
                        Op::Subtract => ArithOp::Sub,
                        Op::Multiply => ArithOp::Mul,
                        Op::Divide => ArithOp::Div,
                        _ => ArithOp::Rem,
                    };
                    self.regs[u3] = ops::arith(op, &self.regs[u1], &self.regs[u2]);
                }
                Op::Concat => {
                    let size = |v: &Value| match v {
                        Value::Text(t) => t.len(),
                        Value::Blob(b) => b.len(),
                        _ => 0,
                    };
                    if (size(&self.regs[u1]) + size(&self.regs[u2])) as i64 > crate::func::scalar::MAX_LENGTH {
                        return Err(Error::new(codes::TOOBIG, "string or blob too big"));
                    }
                    self.regs[u3] = ops::concat(&self.regs[u1], &self.regs[u2]);
                }
                Op::BitAnd | Op::BitOr | Op::ShiftLeft | Op::ShiftRight => {
                    let op = match insn.op {
                        Op::BitAnd => BitOp::And,
                        Op::BitOr => BitOp::Or,
                        Op::ShiftLeft => BitOp::Shl,
                        _ => BitOp::Shr,
                    };
                    self.regs[u3] = ops::bitop(op, &self.regs[u1], &self.regs[u2]);
                }
                Op::BitNot => {
                    self.regs[u2] = match ops::to_int(&self.regs[u1]) {
                        Some(i) => Value::Integer(!i),
                        None => Value::Null,
                    }
                }
                Op::Negative => self.regs[u2] = ops::negate(&self.regs[u1]),
                Op::Not => {
                    self.regs[u2] = match ops::truth(&self.regs[u1]) {
                        None => Value::Null,
                        Some(b) => Value::Integer((!b) as i64),
                    }
                }
                Op::IsTrue => {
                    self.regs[u2] = match ops::truth(&self.regs[u1]) {
                        None => Value::Integer(i64::from(p3)),
                        Some(b) => Value::Integer(b as i64),
                    }
                }
                Op::And | Op::Or => {
                    let (a, b) = (ops::truth(&self.regs[u1]), ops::truth(&self.regs[u2]));
                    let r = if insn.op == Op::And {
                        match (a, b) {
                            (Some(false), _) | (_, Some(false)) => Some(false),
                            (Some(true), Some(true)) => Some(true),
                            _ => None,
                        }
                    } else {
                        match (a, b) {
                            (Some(true), _) | (_, Some(true)) => Some(true),
                            (Some(false), Some(false)) => Some(false),
                            _ => None,
                        }
                    };
                    self.regs[u3] = match r {
                        None => Value::Null,
                        Some(b) => Value::Integer(b as i64),
                    };
                }
                Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                    let coll = match insn.p4 {
                        P4::Coll(c) => c,
                        _ => Collation::Binary,
                    };
                    let v = self.compare_op(insn.op, &self.regs[u1], &self.regs[u2], coll, p5);
                    self.regs[u3] = v;
                }
                Op::Compare => {
                    let ki = match &insn.p4 {
                        P4::KeyInfo(k) => k.clone(),
                        _ => Rc::new(KeyInfo { collations: vec![], desc: vec![] }),
                    };
                    self.last_cmp = MemSorter::cmp_keys(&ki, u3, &self.regs[u1..u1 + u3], &self.regs[u2..u2 + u3]);
                }
                Op::Jump => {
                    self.pc = match self.last_cmp {
                        Ordering::Less => u1,
                        Ordering::Equal => u2,
                        Ordering::Greater => u3,
                    }
                }
                Op::Cast => {
                    let v = ops::cast(&self.regs[u1], affinity_from_num(p2));
                    self.regs[u1] = v;
                }
                Op::Affinity => {
                    if let P4::Affinity(a) = &insn.p4 {
                        for (k, c) in a.chars().enumerate().take(u2) {
                            Affinity::from_code(c).apply(&mut self.regs[u1 + k]);
                        }
                    }
                }
                Op::Function => {
                    let P4::Func(f) = insn.p4 else { return Err(internal("Function without P4")) };
                    let FuncKind::Scalar(func) = f.kind else { return Err(internal("aggregate used as scalar")) };
                    let now = *self.now_ms.get_or_insert_with(|| db.vfs.current_time_ms());
                    let vfs = db.vfs.clone();
                    let mut rnd = |b: &mut [u8]| vfs.randomness(b);
                    let mut env = FuncEnv {
                        last_insert_rowid: db.last_insert_rowid,
                        changes: db.changes,
                        total_changes: db.total_changes,
                        now_ms: now,
                        random: &mut rnd,
                        json_args: p5,
                    };
                    let v = func(&mut env, &self.regs[u2..u2 + u1])?;
                    self.regs[u3] = v;
                }
                Op::AggStep => {
                    let P4::Func(f) = insn.p4 else { return Err(internal("AggStep without P4")) };
                    let FuncKind::Aggregate(kind) = f.kind else { return Err(internal("scalar used as aggregate")) };
                    if self.aggs.len() <= u3 {
                        self.aggs.resize_with(u3 + 1, || None);
                    }
                    let st = self.aggs[u3].get_or_insert_with(AggState::default);
                    let changed = st.step(kind, &self.regs[u2..u2 + u1], p5 & 1 != 0)?;
                    if p5 & 2 != 0 {
                        self.regs[u3 + 1] = Value::Integer(changed as i64);
                    }
                }
                Op::AggStepOrd => {
                    let P4::AggOrder(ao) = &insn.p4 else { return Err(internal("AggStepOrd without P4")) };
                    if self.aggs.len() <= u3 {
                        self.aggs.resize_with(u3 + 1, || None);
                    }
                    let st = self.aggs[u3].get_or_insert_with(AggState::default);
                    st.step_ordered(&self.regs[u2..u2 + u1], ao.nargs, &ao.keys, ao.distinct)?;
                }
                Op::AggFinal => {
                    let P4::Func(f) = insn.p4 else { return Err(internal("AggFinal without P4")) };
                    let FuncKind::Aggregate(kind) = f.kind else { return Err(internal("scalar used as aggregate")) };
                    let st = self.aggs.get_mut(u1).and_then(|a| a.take()).unwrap_or_default();
                    self.regs[u1] = st.finish(kind)?;
                }
                Op::ResultRow => {
                    self.row_start = u1;
                    self.row_len = u2;
                    return Ok(true);
                }
                Op::Transaction => {
                    let write = p2 != 0;
                    if write && db.read_only {
                        return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
                    }
                    match bt.txn_state() {
                        TxnState::None => {
                            if write {
                                bt.begin_write()?
                            } else {
                                bt.begin_read()?
                            }
                        }
                        TxnState::Read if write => bt.begin_write()?,
                        _ => {}
                    }
                    let cookie = bt.get_meta(Meta::SchemaCookie)?;
                    if cookie != db.schema.cookie {
                        db.install_schema(schema::load::load(bt)?);
                    }
                    if cookie as i32 != p3 || (p5 & 1 != 0 && (p5 & 2 != 0) != db.fk.enabled) {
                        return Err(Error::new(codes::SCHEMA, "database schema has changed"));
                    }
                    if write && !self.stmt_savepoint {
                        self.stmt_depth = db.savepoints.len() + 1;
                        bt.savepoint(self.stmt_depth)?;
                        self.stmt_savepoint = true;
                        self.wrote = true;
                        self.fk_deferred_start = db.fk.deferred;
                    }
                }
                Op::AutoCommit => {
                    if p1 == 0 {
                        if !db.autocommit {
                            return Err(Error::sql("cannot start a transaction within a transaction"));
                        }
                        if p3 >= 2 {
                            if bt.txn_state() != TxnState::Write {
                                bt.begin_write()?;
                            }
                        }
                        db.autocommit = false;
                    } else if p2 == 0 {
                        if db.autocommit {
                            return Err(Error::sql("cannot commit - no transaction is active"));
                        }
                        if db.fk.deferred > 0 {
                            return Err(Error::new(codes::CONSTRAINT_FOREIGNKEY, super::fkey::FK_FAILED));
                        }
                        db.fk.end_transaction();
                        if bt.txn_state() == TxnState::Write {
                            bt.commit()?;
                        } else if bt.txn_state() == TxnState::Read {
                            bt.rollback()?;
                        }
                        db.autocommit = true;
                        db.savepoints.clear();
                        db.savepoint_txn = false;
                    } else {
                        if db.autocommit {
                            return Err(Error::sql("cannot rollback - no transaction is active"));
                        }
                        db.fk.end_transaction();
                        bt.rollback()?;
                        db.autocommit = true;
                        db.savepoints.clear();
                        db.savepoint_txn = false;
                    }
                }
                Op::Savepoint => {
                    let name = match &insn.p4 {
                        P4::Text(s) => s.clone(),
                        _ => String::new(),
                    };
                    if p1 == 0 {
                        if bt.txn_state() != TxnState::Write {
                            bt.begin_write()?;
                        }
                        if db.autocommit {
                            db.autocommit = false;
                            db.savepoint_txn = true;
                        }
                        db.savepoints.push(name);
                        db.fk.savepoint_counts.push(db.fk.deferred);
                        bt.savepoint(db.savepoints.len())?;
                    } else {
                        let Some(i) = db.savepoints.iter().rposition(|s| s.eq_ignore_ascii_case(&name)) else {
                            return Err(Error::sql(format!("no such savepoint: {name}")));
                        };
                        if p1 == 1 {
                            if i == 0 && db.savepoint_txn {
                                if db.fk.deferred > 0 {
                                    return Err(Error::new(codes::CONSTRAINT_FOREIGNKEY, super::fkey::FK_FAILED));
                                }
                                db.fk.end_transaction();
                                bt.commit()?;
                                db.savepoints.clear();
                                db.savepoint_txn = false;
                                db.autocommit = true;
                            } else {
                                bt.release(i + 1)?;
                                db.savepoints.truncate(i);
                                db.fk.savepoint_counts.truncate(i);
                            }
                        } else {
                            bt.rollback_to(i + 1)?;
                            db.savepoints.truncate(i + 1);
                            if let Some(&c) = db.fk.savepoint_counts.get(i) {
                                db.fk.deferred = c;
                            }
                            db.fk.savepoint_counts.truncate(i + 1);
                        }
                    }
                }
                Op::ReadCookie => self.regs[u2] = Value::Integer(i64::from(bt.get_meta(meta_of(p3))?)),
                Op::SetCookie => {
                    let v = if p5 == 1 {
                        match self.regs[u3] {
                            Value::Integer(i) => i as u32,
                            _ => 0,
                        }
                    } else {
                        p3 as u32
                    };
                    bt.set_meta(meta_of(p2), v)?;
                }
                Op::OpenRead | Op::OpenWrite => {
                    let root = if p5 == 1 {
                        match self.regs[u2] {
                            Value::Integer(i) => i as u32,
                            _ => return Err(internal("root page register")),
                        }
                    } else {
                        p2 as u32
                    };
                    let (kind, ki) = match &insn.p4 {
                        P4::KeyInfo(k) => (TreeKind::Index, Some(k.clone())),
                        _ => (TreeKind::Table, None),
                    };
                    self.cursors[u1] = Some(VCursor::Btree(BtreeCur::new(root, kind, ki)));
                }
                Op::OpenEphemeral | Op::SorterOpen => {
                    let ki = match &insn.p4 {
                        P4::KeyInfo(k) => k.clone(),
                        _ => Rc::new(KeyInfo { collations: vec![], desc: vec![] }),
                    };
                    self.cursors[u1] = Some(VCursor::Sorter(MemSorter {
                        rows: Vec::new(),
                        key_info: ki,
                        n_key: u2,
                        pos: 0,
                        is_set: insn.op == Op::OpenEphemeral,
                        null_row: false,
                    }));
                }
                Op::Close => self.cursors[u1] = None,
                Op::Rewind | Op::Last | Op::SorterSort => {
                    let empty = match self.cursors.get_mut(u1) {
                        Some(Some(VCursor::Btree(c))) => {
                            c.moved();
                            !(if insn.op == Op::Last { c.cur.last(bt)? } else { c.cur.first(bt)? })
                        }
                        Some(Some(VCursor::Sorter(m))) => {
                            if insn.op == Op::SorterSort {
                                m.sort();
                            }
                            m.null_row = false;
                            m.pos = if insn.op == Op::Last { m.rows.len().saturating_sub(1) } else { 0 };
                            m.rows.is_empty()
                        }
                        _ => return Err(internal("bad cursor")),
                    };
                    if empty {
                        self.pc = u2;
                    }
                }
                Op::Next | Op::Prev | Op::SorterNext => {
                    let more = match self.cursors.get_mut(u1) {
                        Some(Some(VCursor::Btree(c))) => {
                            if c.null_row {
                                false
                            } else {
                                c.moved();
                                if insn.op == Op::Prev {
                                    c.cur.prev(bt)?
                                } else {
                                    c.cur.next(bt)?
                                }
                            }
                        }
                        Some(Some(VCursor::Sorter(m))) => {
                            if m.null_row {
                                false
                            } else if insn.op == Op::Prev {
                                if m.pos == 0 {
                                    false
                                } else {
                                    m.pos -= 1;
                                    true
                                }
                            } else {
                                m.pos += 1;
                                m.pos < m.rows.len()
                            }
                        }
                        _ => return Err(internal("bad cursor")),
                    };
                    if more {
                        self.pc = u2;
                    }
                }
                Op::Column => {
                    let (regs, cursors) = (&mut self.regs, &mut self.cursors);
                    match cursors.get_mut(u1) {
                        Some(Some(VCursor::Btree(c))) => {
                            if c.null_row {
                                regs[u3] = Value::Null;
                            } else {
                                match c.column(bt, u2)? {
                                    Some(f) => set_field(&mut regs[u3], f),
                                    None => {
                                        regs[u3] = match &insn.p4 {
                                            P4::Value(v) => v.clone(),
                                            _ => Value::Null,
                                        }
                                    }
                                }
                            }
                        }
                        Some(Some(VCursor::Sorter(m))) => {
                            regs[u3] = if m.null_row { Value::Null } else { m.rows.get(m.pos).and_then(|r| r.get(u2)).cloned().unwrap_or(Value::Null) };
                        }
                        _ => return Err(internal("bad cursor")),
                    }
                }
                Op::RealAffinity => {
                    if let Value::Integer(i) = self.regs[u1] {
                        self.regs[u1] = Value::Real(i as f64);
                    }
                }
                Op::Rowid if matches!(self.cursors.get(u1), Some(Some(VCursor::Sorter(_)))) => {
                    // A sorter row's "rowid" is its position (RIGHT JOIN sets).
                    if let Some(Some(VCursor::Sorter(m))) = self.cursors.get(u1) {
                        self.regs[u2] = if m.null_row { Value::Null } else { Value::Integer(m.pos as i64) };
                    }
                }
                Op::Rowid => {
                    let c = self.bcur(p1)?;
                    let v = if c.null_row {
                        Value::Null
                    } else if c.kind == TreeKind::Index {
                        // A WITHOUT ROWID row has no rowid: its whole entry
                        // (unique by PRIMARY KEY) identifies it, e.g. in the
                        // matched set of a RIGHT JOIN.
                        Value::Blob(c.payload(bt)?.to_vec())
                    } else {
                        Value::Integer(c.cur.rowid(bt)?)
                    };
                    self.regs[u2] = v;
                }
                Op::NullRow => match self.cursors.get_mut(u1) {
                    Some(Some(VCursor::Btree(c))) => {
                        c.cached = false;
                        c.null_row = true;
                    }
                    Some(Some(VCursor::Sorter(m))) => m.null_row = true,
                    _ => return Err(internal("bad cursor")),
                },
                Op::SeekRowid => {
                    let key = match &self.regs[u3] {
                        Value::Integer(i) => Some(*i),
                        Value::Real(r) => num::real_as_exact_int(*r),
                        Value::Text(s) => match num::parse_numeric(s) {
                            Some(num::Num::Int(i)) => Some(i),
                            Some(num::Num::Real(r)) => num::real_as_exact_int(r),
                            None => None,
                        },
                        _ => None,
                    };
                    let c = self.bcur(p1)?;
                    c.moved();
                    let found = match key {
                        Some(k) => c.cur.seek_rowid(bt, k)? == SeekResult::Found,
                        None => false,
                    };
                    if !found {
                        self.pc = u2;
                    }
                }
                Op::SeekRowidGE => {
                    let gt = p5 == 1;
                    // First integer key satisfying rowid >= v (or > v).
                    let mut v = self.regs[u3].clone();
                    Affinity::Numeric.apply_for_compare(&mut v);
                    let key: Option<i64> = match v {
                        Value::Integer(i) => {
                            if gt {
                                i.checked_add(1)
                            } else {
                                Some(i)
                            }
                        }
                        Value::Real(r) => {
                            let k = if gt { r.floor() + 1.0 } else { r.ceil() };
                            if k <= -9.223372036854775808e18 {
                                Some(i64::MIN)
                            } else if k >= 9.223372036854775807e18 {
                                None
                            } else {
                                Some(k as i64)
                            }
                        }
                        _ => None,
                    };
                    let c = self.bcur(p1)?;
                    c.moved();
                    let ok = match key {
                        None => false,
                        Some(k) => match c.cur.seek_rowid(bt, k)? {
                            SeekResult::Found => true,
                            SeekResult::Empty => false,
                            SeekResult::NotFound => {
                                if c.cur.is_valid() && c.cur.rowid(bt)? >= k {
                                    true
                                } else if c.cur.is_valid() {
                                    c.cur.next(bt)?
                                } else {
                                    false
                                }
                            }
                        },
                    };
                    if !ok {
                        self.pc = u2;
                    }
                }
                Op::SeekGE | Op::IdxGT | Op::IdxRowid if matches!(self.cursors.get(u1), Some(Some(VCursor::Sorter(_)))) => {
                    // A sorted in-memory sorter used as an index (automatic
                    // indexes): seek the first row >= the key, test the key
                    // prefix, read the rowid from the last column.
                    let n = match insn.p4 {
                        P4::Int64(n) => n.max(0) as usize,
                        _ => 0,
                    };
                    let Some(Some(VCursor::Sorter(m))) = self.cursors.get_mut(u1) else { return Err(internal("bad cursor")) };
                    match insn.op {
                        Op::SeekGE => {
                            let key = &self.regs[u3..u3 + n];
                            let ki = m.key_info.clone();
                            m.null_row = false;
                            m.pos = m.rows.partition_point(|r| MemSorter::cmp_keys(&ki, n, r, key) == Ordering::Less);
                            if m.pos >= m.rows.len() {
                                self.pc = u2;
                            }
                        }
                        Op::IdxGT => {
                            let key = &self.regs[u3..u3 + n];
                            let past = match m.rows.get(m.pos) {
                                Some(r) => MemSorter::cmp_keys(&m.key_info, n, r, key) == Ordering::Greater,
                                None => true,
                            };
                            if past {
                                self.pc = u2;
                            }
                        }
                        _ => {
                            let v = if m.null_row { None } else { m.rows.get(m.pos).and_then(|r| r.last().cloned()) };
                            self.regs[u2] = v.unwrap_or(Value::Null);
                        }
                    }
                }
                Op::SeekGE | Op::SeekGT | Op::SeekLE | Op::SeekLT => {
                    let n = match insn.p4 {
                        P4::Int64(n) => n as i32,
                        _ => 0,
                    };
                    self.encode_key(p3, n);
                    let key = std::mem::take(&mut self.key_buf);
                    let op = match insn.op {
                        Op::SeekGE => SeekOp::Ge,
                        Op::SeekGT => SeekOp::Gt,
                        Op::SeekLE => SeekOp::Le,
                        _ => SeekOp::Lt,
                    };
                    let c = self.bcur(p1)?;
                    c.moved();
                    let ok = c.cur.seek_index(bt, &key, op)?;
                    self.key_buf = key;
                    if !ok {
                        self.pc = u2;
                    }
                }
                Op::IdxGT | Op::IdxGE | Op::IdxLT | Op::IdxLE => {
                    let n = match insn.p4 {
                        P4::Int64(n) => n as i32,
                        _ => 0,
                    };
                    self.encode_key(p3, n);
                    let key = std::mem::take(&mut self.key_buf);
                    let c = self.bcur(p1)?;
                    let ki = c.key_info.clone().ok_or_else(|| internal("index without key info"))?;
                    let o = record::compare_records(c.payload(bt)?, &key, &ki)?;
                    self.key_buf = key;
                    let jump = match insn.op {
                        Op::IdxGT => o == Ordering::Greater,
                        Op::IdxGE => o != Ordering::Less,
                        Op::IdxLT => o == Ordering::Less,
                        _ => o != Ordering::Greater,
                    };
                    if jump {
                        self.pc = u2;
                    }
                }
                Op::IdxRowid => {
                    let c = self.bcur(p1)?;
                    let v = if c.null_row {
                        Value::Null
                    } else {
                        let p = c.payload(bt)?;
                        let n = record::column_count(p)?;
                        if n == 0 {
                            return Err(Error::corrupt("index entry without rowid"));
                        }
                        record::decode_column(p, n - 1)?
                    };
                    self.regs[u2] = v;
                }
                Op::MakeRecord => {
                    if let P4::Affinity(a) = &insn.p4 {
                        for (k, c) in a.chars().enumerate().take(u2) {
                            Affinity::from_code(c).apply(&mut self.regs[u1 + k]);
                        }
                    }
                    let mut out = match std::mem::replace(&mut self.regs[u3], Value::Null) {
                        Value::Blob(mut b) => {
                            b.clear();
                            b
                        }
                        _ => Vec::new(),
                    };
                    record::encode(&self.regs[u1..u1 + u2], &mut out);
                    self.regs[u3] = Value::Blob(out);
                }
                Op::NewRowid => {
                    let c = self.bcur(p1)?;
                    c.moved();
                    let rowid = if !c.cur.last(bt)? {
                        1
                    } else {
                        let max = c.cur.rowid(bt)?;
                        if max < i64::MAX {
                            max + 1
                        } else {
                            let mut found = None;
                            for _ in 0..100 {
                                let mut b = [0u8; 8];
                                db.vfs.randomness(&mut b);
                                let cand = (i64::from_le_bytes(b) & i64::MAX).max(1);
                                if c.cur.seek_rowid(bt, cand)? != SeekResult::Found {
                                    found = Some(cand);
                                    break;
                                }
                            }
                            match found {
                                Some(r) => r,
                                None => return Err(Error::new(codes::FULL, "database or disk is full")),
                            }
                        }
                    };
                    c.moved();
                    let rowid = if p3 > 0 {
                        let max = ops::to_int(&self.regs[u3]).unwrap_or(0);
                        if max == i64::MAX {
                            return Err(Error::new(codes::FULL, "database or disk is full"));
                        }
                        let r = rowid.max(max + 1);
                        self.regs[u3] = Value::Integer(r);
                        r
                    } else {
                        rowid
                    };
                    self.regs[u2] = Value::Integer(rowid);
                }
                Op::TypeCheck => {
                    let v = &self.regs[u1];
                    let ok = matches!(
                        (p2 as u8, v),
                        (_, Value::Null)
                            | (schema::strict::INT | schema::strict::INTEGER, Value::Integer(_))
                            | (schema::strict::REAL, Value::Real(_))
                            | (schema::strict::TEXT, Value::Text(_))
                            | (schema::strict::BLOB, Value::Blob(_))
                            | (schema::strict::ANY, _)
                    );
                    if !ok {
                        let class = match v {
                            Value::Integer(_) => "INT",
                            Value::Real(_) => "REAL",
                            Value::Text(_) => "TEXT",
                            Value::Blob(_) => "BLOB",
                            Value::Null => "NULL",
                        };
                        let col = match &insn.p4 {
                            P4::Text(s) => s.as_str(),
                            _ => "",
                        };
                        let msg = format!("cannot store {class} value in {} column {col}", schema::strict::type_name(p2 as u8));
                        return Err(Error::new(codes::CONSTRAINT_DATATYPE, msg));
                    }
                }
                Op::AlterRewrite => {
                    let P4::Text(spec) = &insn.p4 else { return Err(internal("AlterRewrite without P4")) };
                    let schema = db.schema.clone();
                    schema::rename::rewrite_row(&schema, spec, &mut self.regs[u1..u1 + 5])?;
                }
                Op::MemMax => {
                    let a = ops::to_int(&self.regs[u1]).unwrap_or(0);
                    let b = if p2 > 0 { ops::to_int(&self.regs[u2]).unwrap_or(0) } else { a };
                    self.regs[u1] = Value::Integer(a.max(b));
                }
                Op::Insert => {
                    let rowid = match self.regs[u3] {
                        Value::Integer(i) => i,
                        _ => return Err(internal("Insert rowid not an integer")),
                    };
                    let data = std::mem::replace(&mut self.regs[u2], Value::Null);
                    let Value::Blob(rec) = &data else { return Err(internal("Insert data not a record")) };
                    let c = self.bcur(p1)?;
                    c.moved();
                    c.cur.insert(bt, rowid, rec)?;
                    self.regs[u2] = data;
                    if p5 & 1 != 0 {
                        self.n_change += 1;
                    }
                    if p5 & 2 != 0 {
                        db.last_insert_rowid = rowid;
                    }
                }
                Op::IdxInsert => {
                    let data = std::mem::replace(&mut self.regs[u2], Value::Null);
                    match self.cursors.get_mut(u1) {
                        Some(Some(VCursor::Btree(c))) => {
                            let Value::Blob(rec) = &data else { return Err(internal("IdxInsert key not a record")) };
                            c.moved();
                            c.cur.insert_key(bt, rec)?;
                        }
                        _ => return Err(internal("bad cursor")),
                    }
                    self.regs[u2] = data;
                    if p5 & 1 != 0 {
                        self.n_change += 1;
                    }
                }
                Op::WindowCompute => {
                    let P4::Windows(plan) = &insn.p4 else { return Err(internal("WindowCompute without P4")) };
                    let offsets = self.regs[u2..u2 + u3].to_vec();
                    match self.cursors.get_mut(u1) {
                        Some(Some(VCursor::Sorter(m))) => super::window::compute(&mut m.rows, plan, &offsets)?,
                        _ => return Err(internal("bad cursor")),
                    }
                }
                Op::SorterInsert => {
                    let row = self.regs[u2..u2 + u3].to_vec();
                    match self.cursors.get_mut(u1) {
                        Some(Some(VCursor::Sorter(m))) => m.insert(row),
                        _ => return Err(internal("bad cursor")),
                    }
                }
                Op::Delete => {
                    let c = self.bcur(p1)?;
                    c.moved();
                    c.cur.delete(bt)?;
                    if p5 & 1 != 0 {
                        self.n_change += 1;
                    }
                }
                Op::IdxDelete => {
                    if self.probe(bt, p1, p2, p3)? {
                        let c = self.bcur(p1)?;
                        c.moved();
                        c.cur.delete(bt)?;
                    }
                }
                Op::Found | Op::NotFound | Op::NoConflict => {
                    let n = match insn.p4 {
                        P4::Int64(n) => n as i32,
                        _ => 0,
                    };
                    let has_null = insn.op == Op::NoConflict && self.regs[u3..u3 + n as usize].iter().any(|v| v.is_null());
                    let found = !has_null && self.probe(bt, p1, p3, n)?;
                    let jump = if insn.op == Op::Found { found } else { !found };
                    if jump {
                        self.pc = u2;
                    }
                }
                Op::CreateBtree => {
                    let kind = if p3 == 2 { TreeKind::Index } else { TreeKind::Table };
                    self.regs[u2] = Value::Integer(i64::from(bt.create_tree(kind)?));
                }
                Op::Destroy => {
                    let root = if p3 == 1 {
                        p1 as u32
                    } else {
                        match self.regs[u1] {
                            Value::Integer(i) => i as u32,
                            _ => return Err(internal("Destroy root")),
                        }
                    };
                    bt.drop_tree(root)?;
                }
                Op::Clear => bt.clear_tree(p1 as u32)?,
                Op::ParseSchema => {
                    db.install_schema(schema::load::load(bt)?);
                }
                Op::TempView => {
                    let P4::Text(t) = &insn.p4 else { return Err(internal("TempView without text")) };
                    let key = |n: &str| n.to_ascii_lowercase();
                    if p1 == 1 {
                        let Ok(Some((ferrolite_parser::ast::Stmt::CreateView(cv), _))) = ferrolite_parser::parse_one(t) else {
                            return Err(internal("TempView text is not CREATE VIEW"));
                        };
                        let v = Rc::new(crate::schema::View { name: cv.name.name.clone(), columns: cv.columns.clone(), select: (*cv.select).clone(), sql: t.clone() });
                        db.temp_used = true;
                        db.temp_views.retain(|x| key(&x.name) != key(&v.name));
                        db.temp_views.push(v);
                    } else {
                        db.temp_views.retain(|x| key(&x.name) != key(t));
                        let mut s = (*db.schema).clone();
                        s.views.remove(&key(t));
                        s.temp_views.remove(&key(t));
                        db.schema = Rc::new(s);
                    }
                    let s = (*db.schema).clone();
                    db.install_schema(s);
                }
                Op::PageCount => {
                    let v = match p3 {
                        1 => bt.page_size(),
                        2 => bt.freelist_count()?,
                        3 => {
                            // PRAGMA page_size = P1: only an empty database changes.
                            bt.set_page_size(p1 as u32);
                            bt.page_size()
                        }
                        _ => bt.page_count()?,
                    };
                    self.regs[u2] = Value::Integer(i64::from(v));
                }
                Op::BusyTimeout => {
                    if p1 >= 0 {
                        db.busy_timeout = p1;
                        bt.set_busy_timeout(p1 as u32);
                    }
                    self.regs[u2] = Value::Integer(i64::from(db.busy_timeout));
                }
                Op::CacheSize => {
                    let v = bt.cache_size(if p3 == 1 { Some(i64::from(p1)) } else { None });
                    self.regs[u2] = Value::Integer(v);
                }
                Op::MaxPgcnt => {
                    self.regs[u2] = Value::Integer(i64::from(bt.max_page_count(p1 as u32)));
                }
                Op::LockingMode => {
                    let e = bt.locking_mode(if p1 >= 0 { Some(p1 == 1) } else { None });
                    self.regs[u2] = Value::Text(if e { "exclusive" } else { "normal" }.to_string());
                }
                Op::Synchronous => {
                    let l = bt.synchronous(if p1 >= 0 { Some(p1.min(6) as u8) } else { None });
                    self.regs[u2] = Value::Integer(i64::from(l));
                }
                Op::JournalMode => {
                    let want = match &insn.p4 {
                        P4::Text(t) => Some(t.as_str()),
                        _ => None,
                    };
                    let m = match bt.wal_journal_mode(want, !db.autocommit)? {
                        Some(m) => m,
                        None => bt.journal_mode(want)?,
                    };
                    self.regs[u2] = Value::Text(m.to_string());
                }
                Op::Checkpoint => crate::compile::pragma_wal::exec_checkpoint(bt, p1, &mut self.regs[u2..u2 + 3])?,
                Op::WalAutockpt => {
                    let v = bt.wal_autocheckpoint(if p3 == 1 { Some(i64::from(p1)) } else { None });
                    self.regs[u2] = Value::Integer(v);
                }
                Op::PragmaRows => {
                    let P4::Text(name) = &insn.p4 else { return Err(internal("PragmaRows without P4")) };
                    let arg = if p2 > 0 { self.regs[u2].clone() } else { Value::Null };
                    let sch = if p3 > 0 { self.regs[u3].clone() } else { Value::Null };
                    match self.cursors.get_mut(u1) {
                        Some(Some(VCursor::Sorter(m))) => super::pragma_rows::fill(m, db, name, arg, sch, p5 == 1)?,
                        _ => return Err(internal("bad cursor")),
                    }
                }
                Op::StoragePragma => {
                    let arg = match insn.p4 {
                        P4::Int64(n) => Some(n),
                        _ => None,
                    };
                    self.regs[u2] = Value::Integer(bt.storage_pragma(p3, arg)?);
                }
                Op::Vacuum => {
                    let into = if p1 > 0 { Some(self.regs[u1].clone()) } else { None };
                    super::vacuum::run(bt, db, into)?;
                }
                Op::IntegrityCk => {
                    let roots: Vec<(u32, TreeKind)> = match &insn.p4 {
                        P4::Roots(r) => r.iter().map(|&(p, idx)| (p, if idx { TreeKind::Index } else { TreeKind::Table })).collect(),
                        _ => Vec::new(),
                    };
                    let errs = bt.integrity_check(&roots, u2.max(1))?;
                    if p3 > 0 {
                        self.regs[u3] = Value::Integer(errs.len() as i64);
                    }
                    self.regs[u1] = Value::Text(if errs.is_empty() { "ok".to_string() } else { errs.join("\n") });
                }
            }
        }
    }
}
