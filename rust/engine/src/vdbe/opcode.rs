//! Every VM opcode, defined once: name, operand meaning and a one-line doc.
//! The `opcodes!` macro generates the `Op` enum, its name (for EXPLAIN) and
//! its doc string.
//!
//! Operand conventions (r[x] is register x, c[x] cursor x):
//! jumps always go to P2 unless the doc says otherwise; comparisons and
//! arithmetic read r[P1] and r[P2] and write r[P3].

macro_rules! opcodes {
    ($($name:ident => $doc:literal,)*) => {
        /// A VM opcode.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Op { $($name,)* }

        impl Op {
            /// The opcode's name as EXPLAIN shows it.
            pub fn name(self) -> &'static str {
                match self { $(Op::$name => stringify!($name),)* }
            }
            /// One-line description of the operands.
            pub fn doc(self) -> &'static str {
                match self { $(Op::$name => $doc,)* }
            }
        }
    };
}

opcodes! {
    Init => "Start of program: jump to P2.",
    Goto => "Jump to P2.",
    Gosub => "r[P1] = return address; jump to P2.",
    Return => "Jump to the address in r[P1].",
    Halt => "Stop. P1 = result code (0 ok), P4 = error message.",
    HaltIfNull => "If r[P3] is NULL, halt with code P1 and message P4.",
    Once => "Fall through the first time reached, then jump to P2.",
    If => "Jump to P2 if r[P1] is true; also if NULL and P3 != 0.",
    IfNot => "Jump to P2 if r[P1] is false; also if NULL and P3 != 0.",
    IsNull => "Jump to P2 if r[P1] is NULL.",
    NotNull => "Jump to P2 if r[P1] is not NULL.",
    IfPos => "If r[P1] > 0: r[P1] -= P3 and jump to P2.",
    DecrJumpZero => "r[P1] -= 1; jump to P2 if it became 0.",
    MustBeInt => "Convert r[P1] to an integer or fail with 'datatype mismatch'.",
    Integer => "r[P2] = integer P1.",
    Int64 => "r[P2] = integer P4.",
    Real => "r[P2] = real P4.",
    String8 => "r[P2] = text P4.",
    Blob => "r[P2] = blob P4.",
    Null => "r[P2..=P3] = NULL (just r[P2] when P3 < P2).",
    Variable => "r[P2] = value of parameter P1.",
    Copy => "r[P2..P2+P3] = copy of r[P1..P1+P3] (P3 = 0 means 1).",
    Add => "r[P3] = r[P1] + r[P2].",
    Subtract => "r[P3] = r[P1] - r[P2].",
    Multiply => "r[P3] = r[P1] * r[P2].",
    Divide => "r[P3] = r[P1] / r[P2].",
    Remainder => "r[P3] = r[P1] % r[P2].",
    Concat => "r[P3] = r[P1] || r[P2].",
    BitAnd => "r[P3] = r[P1] & r[P2].",
    BitOr => "r[P3] = r[P1] | r[P2].",
    ShiftLeft => "r[P3] = r[P1] << r[P2].",
    ShiftRight => "r[P3] = r[P1] >> r[P2].",
    BitNot => "r[P2] = ~r[P1].",
    Negative => "r[P2] = -r[P1].",
    Not => "r[P2] = NOT r[P1] (three-valued).",
    And => "r[P3] = r[P1] AND r[P2] (three-valued).",
    Or => "r[P3] = r[P1] OR r[P2] (three-valued).",
    IsTrue => "r[P2] = truth of r[P1] as 0/1; NULL gives P3.",
    Eq => "r[P3] = r[P1] = r[P2]; P4 collation, P5 affinity|flags (0x10 IS semantics).",
    Ne => "r[P3] = r[P1] <> r[P2]; as Eq.",
    Lt => "r[P3] = r[P1] < r[P2]; as Eq.",
    Le => "r[P3] = r[P1] <= r[P2]; as Eq.",
    Gt => "r[P3] = r[P1] > r[P2]; as Eq.",
    Ge => "r[P3] = r[P1] >= r[P2]; as Eq.",
    Compare => "Compare r[P1..P1+n] with r[P2..P2+n], n = P3, key info P4; remember the result.",
    Jump => "Jump to P1, P2 or P3 if the last Compare was <, = or >.",
    Cast => "r[P1] = CAST(r[P1] AS affinity P2).",
    Affinity => "Apply the affinity string P4 to r[P1..P1+P2].",
    Function => "r[P3] = function P4 of P1 args starting at r[P2].",
    AggStep => "Step aggregate P4 with P1 args at r[P2] into accumulator r[P3]; P5 bit 1 DISTINCT, bit 2: r[P3+1] = 1 if min/max changed.",
    AggStepOrd => "Buffer r[P2..P2+P1] (arguments, then ORDER BY keys) into accumulator r[P3] for aggregate P4 (ordered on AggFinal).",
    AggFinal => "r[P1] = final value of aggregate P4's accumulator r[P1].",
    ResultRow => "Output r[P1..P1+P2] as a row.",
    Transaction => "Begin a read (P2=0) or write (P2=1) transaction; P3 = expected schema cookie.",
    AutoCommit => "Set autocommit to P1; P2=1 rolls back; P3 = BEGIN kind (1 deferred, 2 immediate, 3 exclusive).",
    Savepoint => "P1 = 0: open savepoint P4; 1: RELEASE P4; 2: ROLLBACK TO P4.",
    ReadCookie => "r[P2] = meta value P3 of the database header.",
    SetCookie => "Set meta value P2 to P3 (P5=1: value is in r[P3]).",
    OpenRead => "Open read cursor P1 on root page P2 (r[P2] if P5=1); P4 key info for indexes.",
    OpenWrite => "Open write cursor P1 on root page P2 (r[P2] if P5=1); P4 key info for indexes.",
    OpenEphemeral => "Open an in-memory sorted set P1 with key info P4 (P2 = key columns).",
    SorterOpen => "Open an in-memory sorter P1 with P2 key columns and key info P4.",
    Close => "Close cursor P1.",
    Rewind => "Move c[P1] to its first entry; jump to P2 if empty.",
    Last => "Move c[P1] to its last entry; jump to P2 if empty.",
    Next => "Advance c[P1]; jump to P2 if there is a next entry.",
    Prev => "Step c[P1] back; jump to P2 if there is a previous entry.",
    Column => "r[P3] = column P2 of the current entry of c[P1]; P4 = default value.",
    RealAffinity => "If r[P1] is an INTEGER, make it the equal REAL (REAL columns store integral values as integers on disk).",
    Rowid => "r[P2] = rowid of the current entry of c[P1] (of an index cursor: the entry itself, as a blob).",
    NullRow => "Make c[P1] point at a row of NULLs (LEFT JOIN).",
    SeekRowid => "Move c[P1] to rowid r[P3]; jump to P2 if it is not there or not an integer.",
    SeekRowidGE => "Move c[P1] to the first rowid >= r[P3] (> when P5 = 1); jump to P2 if none.",
    SeekGE => "Move index c[P1] to the first key >= r[P3..P3+P4]; jump to P2 if none.",
    SeekGT => "Move index c[P1] to the first key > r[P3..P3+P4]; jump to P2 if none.",
    SeekLE => "Move index c[P1] to the last key <= r[P3..P3+P4]; jump to P2 if none.",
    SeekLT => "Move index c[P1] to the last key < r[P3..P3+P4]; jump to P2 if none.",
    IdxGT => "Jump to P2 if the key of c[P1] (prefix) > r[P3..P3+P4].",
    IdxGE => "Jump to P2 if the key of c[P1] (prefix) >= r[P3..P3+P4].",
    IdxLT => "Jump to P2 if the key of c[P1] (prefix) < r[P3..P3+P4].",
    IdxLE => "Jump to P2 if the key of c[P1] (prefix) <= r[P3..P3+P4].",
    IdxRowid => "r[P2] = rowid stored as the last column of the key of c[P1].",
    MakeRecord => "r[P3] = record of r[P1..P1+P2], affinity string P4 applied first.",
    NewRowid => "r[P2] = a new rowid for table c[P1]; P3 > 0 (AUTOINCREMENT): above r[P3], which becomes the new rowid.",
    TypeCheck => "STRICT: fail with CONSTRAINT_DATATYPE unless r[P1] is NULL or of column type P2 (1 INT, 2 INTEGER, 3 REAL, 4 TEXT, 5 BLOB); P4 = table.column.",
    AlterRewrite => "ALTER TABLE: rewrite the sqlite_schema row in r[P1..P1+5] (type, name, tbl_name, rootpage, sql) as P4 says.",
    MemMax => "Make r[P1] an integer; if P2 > 0, r[P1] = max(r[P1], r[P2] as an integer).",
    Insert => "Insert record r[P2] with rowid r[P3] into c[P1]; P5: 1 count, 2 set last rowid.",
    IdxInsert => "Insert key record r[P2] into index c[P1]; P5 = 1 counts a change (WITHOUT ROWID rows).",
    Delete => "Delete the current entry of c[P1]; P5: 1 count the change.",
    IdxDelete => "Delete the key r[P2..P2+P3] from index c[P1] if present.",
    Found => "Jump to P2 if the set/index c[P1] has a key with prefix r[P3..P3+P4].",
    NotFound => "Jump to P2 if the set/index c[P1] has no key with prefix r[P3..P3+P4].",
    NoConflict => "Jump to P2 if r[P3..P3+P4] has a NULL or no key of c[P1] has that prefix.",
    SorterInsert => "Insert r[P2..P2+P3] as a row into sorter/set c[P1].",
    SorterSort => "Sort c[P1] and move to its first row; jump to P2 if empty.",
    WindowCompute => "Compute the windows of plan P4 over the rows of sorter P1 (frame offsets in r[P2..P2+P3]), appending one value per call to every row.",
    SorterNext => "Move c[P1] to its next row; jump to P2 if there is one.",
    CreateBtree => "r[P2] = root page of a new b-tree; P3 = 1 table, 2 index.",
    Destroy => "Free every page of the b-tree rooted at r[P1] (or P1 when P3 = 1).",
    Clear => "Delete every entry of the b-tree rooted at P1.",
    ParseSchema => "Re-read the schema (sqlite_schema) after a DDL change.",
    TempView => "P1 = 1: add the TEMP view whose CREATE VIEW text is P4; P1 = 0: drop the TEMP view named P4.",
    PageCount => "r[P2] = number of pages of the database (P3 = 1: the page size, 2: the freelist count, 3: set the page size of an empty database to P1 first, r[P2] = page size).",
    BusyTimeout => "If P1 >= 0 set the busy timeout to P1 ms; r[P2] = the timeout.",
    CacheSize => "If P3 = 1 set PRAGMA cache_size to P1; r[P2] = its value.",
    MaxPgcnt => "If P1 > 0 set the max page count to max(P1, pages in use); r[P2] = the max page count.",
    LockingMode => "If P1 >= 0 set PRAGMA locking_mode (1 exclusive, 0 normal); r[P2] = the mode's name.",
    Synchronous => "If P1 >= 0 set PRAGMA synchronous to P1; r[P2] = its value.",
    JournalMode => "Set the journal mode named by P4 (text) if any; r[P2] = the mode in force.",
    Checkpoint => "WAL checkpoint of mode P1 (0 passive, 1 full, 2 restart, 3 truncate); r[P2..P2+3] = busy, log, checkpointed.",
    WalAutockpt => "If P3 = 1 set PRAGMA wal_autocheckpoint to P1; r[P2] = its value.",
    PragmaRows => "Fill sorter c[P1] with the rows of pragma P4 for argument r[P2] (none if P2 = 0) in schema r[P3] (main if P3 = 0); P5 = 1: rows end with the hidden argument and schema columns.",
    IntegrityCk => "r[P1] = integrity_check report (P2 max errors) over roots P4; r[P3] = number of problems when P3 > 0.",
    FkCounter => "Add P2 to the FK violation counter: deferred (the connection's) if P1 or defer_foreign_keys, else the statement's.",
    FkIfZero => "Jump to P2 if the FK counter (deferred if P1, else the statement's) is zero; P3 = 1: jump if defer_foreign_keys is off, 2: if it is on.",
    Program => "Run sub-program P2 (FK actions) with r[P1..P1+P3] copied to its registers 1..=P3.",
    FkPragma => "PRAGMA foreign_keys (P1=0) / defer_foreign_keys (P1=1): set to P2 if P2 >= 0; else r[P3] = the setting.",
    StoragePragma => "Storage pragma P3 (Btree::storage_pragma: 1 auto_vacuum, 2 incremental_vacuum, 3 secure_delete, 4 cache_spill, 5 journal_size_limit) with the argument P4 (an integer) if any; r[P2] = the value in force.",
    Vacuum => "VACUUM the database, or VACUUM INTO the file named by r[P1] when P1 > 0; re-reads the schema.",
    Noop => "Do nothing.",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_docs() {
        assert_eq!(Op::SeekRowid.name(), "SeekRowid");
        assert!(Op::Halt.doc().contains("Stop"));
    }
}
