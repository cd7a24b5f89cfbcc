//! Name resolution: the FROM sources visible to an expression, arranged as
//! a stack of frames (the innermost query on top, so correlated subqueries
//! see outer sources), and the lookup of `[table.]column` references.
//!
//! Invariants: an unqualified name found in two sources of one frame is
//! "ambiguous column name"; USING/NATURAL join columns of the right-hand
//! source are hidden from unqualified lookup and from `*`.

use super::Builder;
use crate::error::{Error, Result};
use crate::schema::Table;
use ferrolite_parser::ast::Expr;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub struct Source {
    pub table: Rc<Table>,
    /// Name used to qualify columns (alias or table name).
    pub name: String,
    pub cursor: i32,
    /// Columns merged into an earlier source by USING/NATURAL.
    pub hidden: Vec<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Frame {
    pub sources: Vec<Source>,
    /// Expressions already computed into registers (aggregates, GROUP BY
    /// terms): a structurally equal expression reads the register.
    pub map: Vec<(Expr, usize)>,
    /// Row images held in registers, reachable only by qualified name
    /// (`excluded.x` in an upsert): (name, table, first column register,
    /// rowid register).
    pub reg_rows: Vec<(String, Rc<Table>, usize, usize)>,
    /// Join order chosen for the loops: level -> source index (empty means
    /// FROM order).
    pub order: Vec<usize>,
    /// Rows must come in rowid order (Some(desc)): the ORDER BY was
    /// satisfied by the scan, so no index plan may be used.
    pub rowid_order: Option<bool>,
    /// Rows must come in the order of this index (full scan, reversed when
    /// true): the ORDER BY was satisfied by it.
    pub index_order: Option<(Rc<crate::schema::Index>, bool)>,
}

impl Frame {
    /// Loop level of source `s`.
    pub fn level_of(&self, s: usize) -> usize {
        if self.order.is_empty() {
            s
        } else {
            self.order.iter().position(|&x| x == s).unwrap_or(s)
        }
    }
    /// Source index looped at `level`.
    pub fn source_at(&self, level: usize) -> usize {
        if self.order.is_empty() {
            level
        } else {
            self.order[level]
        }
    }
}

/// What a column reference resolved to.
#[derive(Clone, Debug)]
pub enum ColRef {
    /// Column `col` of the source with `cursor` (never the rowid alias).
    Column { cursor: i32, table: Rc<Table>, col: usize, frame: usize, source: usize },
    /// The rowid of the source with `cursor` (also an INTEGER PRIMARY KEY).
    Rowid { cursor: i32, table: Rc<Table>, alias: Option<usize>, frame: usize, source: usize },
    /// A column of a row image held in registers.
    Register { reg: usize, table: Rc<Table>, col: Option<usize>, frame: usize },
}

impl ColRef {
    pub fn source(&self) -> (usize, usize) {
        match self {
            ColRef::Column { frame, source, .. } | ColRef::Rowid { frame, source, .. } => (*frame, *source),
            ColRef::Register { frame, .. } => (*frame, usize::MAX),
        }
    }
}

pub fn is_rowid_name(n: &str) -> bool {
    n.eq_ignore_ascii_case("rowid") || n.eq_ignore_ascii_case("oid") || n.eq_ignore_ascii_case("_rowid_")
}

fn col_ref(s: &Source, fi: usize, si: usize, col: usize) -> ColRef {
    if s.table.rowid_alias == Some(col) {
        ColRef::Rowid { cursor: s.cursor, table: s.table.clone(), alias: Some(col), frame: fi, source: si }
    } else {
        ColRef::Column { cursor: s.cursor, table: s.table.clone(), col, frame: fi, source: si }
    }
}

impl Builder<'_> {
    /// Resolves `[table.]column`; Ok(None) when no source has it.
    pub fn resolve_column(&self, table: Option<&str>, column: &str) -> Result<Option<ColRef>> {
        for fi in (0..self.frames.len()).rev() {
            let f = &self.frames[fi];
            let mut found: Option<ColRef> = None;
            let mut table_matched = false;
            for (si, s) in f.sources.iter().enumerate() {
                if let Some(t) = table {
                    if !s.name.eq_ignore_ascii_case(t) {
                        continue;
                    }
                    table_matched = true;
                }
                if let Some(ci) = s.table.column_index(column) {
                    // Hidden columns of a table-valued pragma stay reachable unqualified.
                    if table.is_none() && s.hidden.contains(&ci) && !self.table_fns.iter().any(|t| t.0 == s.cursor) {
                        continue;
                    }
                    if found.is_some() {
                        return Err(Error::sql(format!("ambiguous column name: {column}")));
                    }
                    found = Some(col_ref(s, fi, si, ci));
                }
            }
            if found.is_none() && is_rowid_name(column) {
                let cands: Vec<(usize, &Source)> = f
                    .sources
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| table.map(|t| s.name.eq_ignore_ascii_case(t)).unwrap_or(true))
                    .collect();
                if cands.len() == 1 || (table.is_some() && !cands.is_empty()) {
                    let (si, s) = cands[0];
                    if !s.table.without_rowid {
                        found = Some(ColRef::Rowid { cursor: s.cursor, table: s.table.clone(), alias: s.table.rowid_alias, frame: fi, source: si });
                    }
                } else if cands.len() > 1 {
                    return Err(Error::sql(format!("ambiguous column name: {column}")));
                }
            }
            if found.is_some() {
                return Ok(found);
            }
            // Register rows: by qualified name, or unqualified when the frame
            // has no other sources (CHECK constraints).
            let reg_row = match table {
                Some(t) => f.reg_rows.iter().find(|(n, ..)| n.eq_ignore_ascii_case(t)),
                None if f.sources.is_empty() => f.reg_rows.iter().find(|(n, ..)| n.is_empty()),
                None => None,
            };
            {
                if let Some((_, tb, base, rowid)) = reg_row {
                    let col = tb.column_index(column);
                    let reg = match col {
                        Some(c) if tb.rowid_alias != Some(c) => base + c,
                        Some(_) => *rowid,
                        None if is_rowid_name(column) => *rowid,
                        None => return Ok(None),
                    };
                    return Ok(Some(ColRef::Register { reg, table: tb.clone(), col, frame: fi }));
                }
            }
            if table_matched {
                return Ok(None);
            }
        }
        Ok(None)
    }

    /// Error for an unresolvable column reference.
    pub fn no_such_column(table: Option<&str>, column: &str) -> Error {
        match table {
            Some(t) => Error::sql(format!("no such column: {t}.{column}")),
            None => Error::sql(format!("no such column: {column}")),
        }
    }
}
