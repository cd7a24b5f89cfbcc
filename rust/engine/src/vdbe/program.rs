//! A compiled statement: the instruction list plus what the API needs to
//! know about it (result columns, parameters, read-only flag), and its
//! EXPLAIN rendering (addr, opcode, p1, p2, p3, p4, p5, comment).
//!
//! Invariants: every jump target is < insns.len(); register numbers are
//! < n_regs and cursor numbers < n_cursors (the code generator allocates
//! them and `Program` records the high-water marks).

use super::opcode::Op;
use crate::func::FuncDef;
use crate::storage::record::{Collation, KeyInfo};
use crate::value::Value;
use std::rc::Rc;

/// The fourth operand: anything that does not fit in an i32.
#[derive(Clone, Debug)]
pub enum P4 {
    None,
    Int64(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    KeyInfo(Rc<KeyInfo>),
    Coll(Collation),
    Func(&'static FuncDef),
    /// Affinity string, one code letter per column (A..E).
    Affinity(String),
    /// A value (column defaults).
    Value(Value),
    /// Root pages (integrity_check).
    Roots(Vec<(u32, bool)>),
    /// Windows and their calls (WindowCompute).
    Windows(Rc<super::window::WindowPlan>),
    /// An aggregate with ORDER BY (AggStepOrd).
    AggOrder(Rc<AggOrder>),
}

/// `f(args ORDER BY keys)`: the function, its argument count, the keys'
/// order and DISTINCT.
#[derive(Clone, Debug)]
pub struct AggOrder {
    pub func: &'static FuncDef,
    pub nargs: usize,
    pub keys: Vec<crate::func::aggregate::KeyOrder>,
    pub distinct: bool,
}

#[derive(Clone, Debug)]
pub struct Insn {
    pub op: Op,
    pub p1: i32,
    pub p2: i32,
    pub p3: i32,
    pub p4: P4,
    pub p5: u16,
}

/// One result column's metadata.
#[derive(Clone, Debug, Default)]
pub struct ColumnMeta {
    pub name: String,
    pub decltype: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Program {
    pub insns: Vec<Insn>,
    pub n_regs: usize,
    pub n_cursors: usize,
    pub columns: Vec<ColumnMeta>,
    /// Parameter names by index-1 (None for plain `?`).
    pub params: Vec<Option<String>>,
    pub readonly: bool,
    /// INSERT/UPDATE/DELETE: sets changes() when it completes.
    pub counts_changes: bool,
    /// Sub-programs run by `Program` ops (FK actions), shared by every
    /// level of a recursive run.
    pub subprograms: Rc<Vec<Program>>,
}

impl P4 {
    fn render(&self) -> String {
        match self {
            P4::None => String::new(),
            P4::Int64(i) => i.to_string(),
            P4::Real(r) => crate::value::num::format_real(*r),
            P4::Text(s) => s.clone(),
            P4::Blob(b) => b.iter().map(|x| format!("{x:02X}")).collect(),
            P4::KeyInfo(k) => {
                let cols: Vec<String> = k
                    .collations
                    .iter()
                    .zip(k.desc.iter().chain(std::iter::repeat(&false)))
                    .map(|(c, d)| {
                        let n = match c {
                            Collation::Binary => "BINARY",
                            Collation::NoCase => "NOCASE",
                            Collation::Rtrim => "RTRIM",
                        };
                        if *d {
                            format!("-{n}")
                        } else {
                            n.to_string()
                        }
                    })
                    .collect();
                format!("k({},{})", cols.len(), cols.join(","))
            }
            P4::Coll(c) => format!("{c:?}").to_uppercase(),
            P4::Func(f) => format!("{}(-1)", f.name),
            P4::Affinity(a) => a.clone(),
            P4::Value(v) => format!("{v:?}"),
            P4::Roots(r) => r.iter().map(|(p, _)| p.to_string()).collect::<Vec<_>>().join(","),
            P4::Windows(w) => format!("{} windows", w.specs.len()),
            P4::AggOrder(a) => format!("{}(-1) ORDER BY {}", a.func.name, a.keys.len()),
        }
    }
}

impl Program {
    /// EXPLAIN's rows: addr, opcode, p1, p2, p3, p4, p5, comment.
    pub fn explain_rows(&self) -> Vec<Vec<Value>> {
        self.insns
            .iter()
            .enumerate()
            .map(|(addr, i)| {
                vec![
                    Value::Integer(addr as i64),
                    Value::Text(i.op.name().to_string()),
                    Value::Integer(i64::from(i.p1)),
                    Value::Integer(i64::from(i.p2)),
                    Value::Integer(i64::from(i.p3)),
                    Value::Text(i.p4.render()),
                    Value::Integer(i64::from(i.p5)),
                    Value::Text(i.op.doc().to_string()),
                ]
            })
            .collect()
    }
}
