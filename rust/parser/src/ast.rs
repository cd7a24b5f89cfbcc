//! The owned abstract syntax tree for SQLite's SQL dialect.
//!
//! Owns: every node type the parser produces. Nothing here borrows from the
//! input; all names are already dequoted (`"a""b"` -> `a"b`, `[x]` -> `x`).
//!
//! Positions: a [`Span`] is a half-open byte range `start..end` into the text
//! that was handed to the parser (`parse_one`'s argument). Spans are kept
//! where the compiler needs original text:
//! - `ResultColumn::Expr::span`: SQLite names an un-aliased result column by
//!   the expression's source text.
//! - `Create*::name_start`: SQLite stores `CREATE TABLE ` + text from the
//!   (unqualified) object name to the end of the statement in sqlite_schema.
//! - `ColumnDef::span`, `TypeName::span`, `ColumnConstraintKind::Default::span`
//!   (ALTER TABLE ADD COLUMN, PRAGMA table_info's `dflt_value`).
//!
//! Conventions that follow SQLite (the compiler must apply the rest):
//! - Parentheses around a single expression leave no node; `(a, b)` is
//!   [`Expr::Vector`].
//! - `TRUE`/`FALSE` are identifiers: they parse as `Expr::Column` and the
//!   resolver turns them into 1/0 when no column of that name exists.
//! - A double-quoted identifier that resolves to no column becomes a string
//!   literal (`Expr::Column::double_quoted` records the quoting).
//! - `IS NOT DISTINCT FROM` parses as [`BinaryOp::Is`], `IS DISTINCT FROM` as
//!   [`BinaryOp::IsNot`]; `==` is `Eq`, `<>` is `NotEq`; `NOT EXISTS (...)` is
//!   `Unary(Not, Exists)`; `x NOTNULL`/`x NOT NULL` is [`Expr::NotNull`].
//! - Decimal integer literals that do not fit in i64 are `Literal::Real`,
//!   except `-9223372036854775808` which is `Literal::Integer(i64::MIN)`.
//!   Hex literals are the 64-bit two's-complement pattern (`0xffffffffffffffff`
//!   is -1); more than 16 significant hex digits is an error.
//! - `REPLACE INTO` is `Insert { or_conflict: Some(Replace) }`.
//! - `LIMIT a, b` is `Limit { limit: b, offset: Some(a) }`.
//! - Left to the compiler, which SQLite's parser does but this tree does
//!   not: `x IN ()` is the constant 0 (`NOT IN ()` is 1); `x IN (c)` with
//!   one constant `c` (and a non-vector `x`) means `x = +c`; `(a, b) IN
//!   (list)` is a VALUES subquery; `CURRENT_TIME`/`_DATE`/`_TIMESTAMP` are
//!   calls of the functions of those names.
//!
//! Invariant: this file only grows (variants/fields are added, never renamed
//! or removed) so the compiler can code against it.

/// Half-open byte range into the parsed text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    /// The spanned text of `sql` (empty if out of range).
    pub fn text<'a>(&self, sql: &'a str) -> &'a str {
        sql.get(self.start..self.end).unwrap_or("")
    }
}

/// `[schema.]name`
#[derive(Clone, Debug, PartialEq)]
pub struct QualifiedName {
    pub schema: Option<String>,
    pub name: String,
}

/// One SQL statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Select(Box<Select>),
    Insert(Box<Insert>),
    Update(Box<Update>),
    Delete(Box<Delete>),
    CreateTable(Box<CreateTable>),
    CreateIndex(Box<CreateIndex>),
    CreateView(Box<CreateView>),
    CreateTrigger(Box<CreateTrigger>),
    CreateVirtualTable(Box<CreateVirtualTable>),
    /// `DROP TABLE|INDEX|VIEW|TRIGGER [IF EXISTS] [schema.]name`
    Drop {
        kind: DropKind,
        if_exists: bool,
        name: QualifiedName,
    },
    AlterTable(Box<AlterTable>),
    /// `BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE] [TRANSACTION [name]]`; plain BEGIN is Deferred.
    Begin {
        kind: TransactionKind,
    },
    /// `COMMIT|END [TRANSACTION [name]]`
    Commit,
    /// `ROLLBACK [TRANSACTION [name]] [TO [SAVEPOINT] name]`
    Rollback {
        savepoint: Option<String>,
    },
    Savepoint {
        name: String,
    },
    /// `RELEASE [SAVEPOINT] name`
    Release {
        name: String,
    },
    /// `PRAGMA [schema.]name [= value | (value)]`
    Pragma {
        schema: Option<String>,
        name: String,
        value: Option<PragmaValue>,
    },
    /// `VACUUM [schema] [INTO expr]`
    Vacuum {
        schema: Option<String>,
        into: Option<Expr>,
    },
    /// `ANALYZE [schema | table | schema.table]`
    Analyze {
        target: Option<QualifiedName>,
    },
    /// `REINDEX [collation | table | index | schema.name]`
    Reindex {
        target: Option<QualifiedName>,
    },
    /// `ATTACH [DATABASE] expr AS expr [KEY expr]`
    Attach {
        expr: Expr,
        schema: Expr,
        key: Option<Expr>,
    },
    /// `DETACH [DATABASE] expr`
    Detach {
        schema: Expr,
    },
    /// `EXPLAIN [QUERY PLAN] stmt`
    Explain {
        query_plan: bool,
        stmt: Box<Stmt>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropKind {
    Table,
    Index,
    View,
    Trigger,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionKind {
    Deferred,
    Immediate,
    Exclusive,
}

/// The value of a PRAGMA: the token text as SQLite sees it (dequoted; a
/// negative number keeps its `-`; `ON`, `DELETE`, `DEFAULT` as written).
#[derive(Clone, Debug, PartialEq)]
pub struct PragmaValue {
    /// `PRAGMA x(v)` is true, `PRAGMA x = v` is false.
    pub call_form: bool,
    pub value: String,
}

// ---------------------------------------------------------------- SELECT

/// A full SELECT: `[WITH ...] core [compound core]* [ORDER BY] [LIMIT]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    pub with: Option<With>,
    pub body: SelectBody,
    pub order_by: Vec<OrderingTerm>,
    pub limit: Option<Limit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct With {
    pub recursive: bool,
    pub ctes: Vec<Cte>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cte {
    pub name: String,
    pub columns: Vec<String>,
    pub materialized: Materialized,
    pub select: Box<Select>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Materialized {
    /// Neither keyword given.
    Any,
    Materialized,
    NotMaterialized,
}

/// `first (op core)*`, left-associative as SQLite evaluates it.
#[derive(Clone, Debug, PartialEq)]
pub struct SelectBody {
    pub first: SelectCore,
    pub compounds: Vec<(CompoundOp, SelectCore)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompoundOp {
    Union,
    UnionAll,
    Intersect,
    Except,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SelectCore {
    Select(Box<SelectClause>),
    /// `VALUES (..), (..)`; every row has the same length (checked by the parser).
    Values(Vec<Vec<Expr>>),
}

/// `SELECT [DISTINCT|ALL] cols [FROM] [WHERE] [GROUP BY [HAVING]] [WINDOW]`
#[derive(Clone, Debug, PartialEq)]
pub struct SelectClause {
    pub distinct: bool,
    pub columns: Vec<ResultColumn>,
    pub from: Option<FromItem>,
    pub where_clause: Option<Expr>,
    pub group_by: Vec<Expr>,
    pub having: Option<Expr>,
    pub windows: Vec<WindowDef>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ResultColumn {
    /// `expr [[AS] alias]`; `span` covers the expression's source text.
    Expr {
        expr: Expr,
        alias: Option<String>,
        span: Span,
    },
    /// `*`
    Star,
    /// `table.*`
    TableStar(String),
}

/// The FROM clause as a left-deep tree of joins.
#[derive(Clone, Debug, PartialEq)]
pub enum FromItem {
    Table {
        name: QualifiedName,
        alias: Option<String>,
        indexed_by: Option<IndexedBy>,
    },
    /// Table-valued function: `name(args) [AS alias]`.
    TableFunction {
        name: QualifiedName,
        args: Vec<Expr>,
        alias: Option<String>,
    },
    Subquery {
        select: Box<Select>,
        alias: Option<String>,
    },
    /// `( from-list ) [AS alias]` whose content is not a SELECT.
    Parenthesized {
        inner: Box<FromItem>,
        alias: Option<String>,
    },
    Join {
        left: Box<FromItem>,
        op: JoinOp,
        right: Box<FromItem>,
        constraint: Option<JoinConstraint>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum IndexedBy {
    Index(String),
    NotIndexed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JoinOp {
    pub natural: bool,
    pub kind: JoinKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    /// `,`
    Comma,
    /// `JOIN` / `INNER JOIN`
    Inner,
    Cross,
    /// `LEFT [OUTER]`
    Left,
    /// `RIGHT [OUTER]`
    Right,
    /// `FULL [OUTER]`
    Full,
}

#[derive(Clone, Debug, PartialEq)]
pub enum JoinConstraint {
    On(Expr),
    Using(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrderingTerm {
    /// A COLLATE clause is part of the expression (`Expr::Collate`).
    pub expr: Expr,
    pub order: Option<SortOrder>,
    pub nulls: Option<NullsOrder>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullsOrder {
    First,
    Last,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    pub limit: Expr,
    pub offset: Option<Expr>,
}

/// `WINDOW name AS (spec)`
#[derive(Clone, Debug, PartialEq)]
pub struct WindowDef {
    pub name: String,
    pub spec: WindowSpec,
}

/// `([base] [PARTITION BY ..] [ORDER BY ..] [frame])`
#[derive(Clone, Debug, PartialEq)]
pub struct WindowSpec {
    pub base: Option<String>,
    pub partition_by: Vec<Expr>,
    pub order_by: Vec<OrderingTerm>,
    pub frame: Option<FrameSpec>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FrameSpec {
    pub units: FrameUnits,
    pub start: FrameBound,
    /// None for the single-bound form (end is CURRENT ROW).
    pub end: Option<FrameBound>,
    pub exclude: Option<FrameExclude>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameUnits {
    Rows,
    Range,
    Groups,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FrameBound {
    UnboundedPreceding,
    Preceding(Expr),
    CurrentRow,
    Following(Expr),
    UnboundedFollowing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameExclude {
    NoOthers,
    CurrentRow,
    Group,
    Ties,
}

/// `OVER name` or `OVER (spec)`
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Over {
    Window(String),
    Spec(WindowSpec),
}

// ---------------------------------------------------------------- DML

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictResolution {
    Rollback,
    Abort,
    Fail,
    Ignore,
    Replace,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Insert {
    pub with: Option<With>,
    pub or_conflict: Option<ConflictResolution>,
    pub table: QualifiedName,
    pub alias: Option<String>,
    pub columns: Vec<String>,
    pub source: InsertSource,
    pub upsert: Vec<Upsert>,
    pub returning: Vec<ResultColumn>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum InsertSource {
    /// A bare `VALUES (..), (..)` (no compound, ORDER BY or LIMIT).
    Values(Vec<Vec<Expr>>),
    Select(Box<Select>),
    DefaultValues,
}

/// `ON CONFLICT [(cols) [WHERE]] DO NOTHING | DO UPDATE SET .. [WHERE]`
#[derive(Clone, Debug, PartialEq)]
pub struct Upsert {
    pub target: Option<UpsertTarget>,
    pub action: UpsertAction,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UpsertTarget {
    pub columns: Vec<IndexedColumn>,
    pub where_clause: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum UpsertAction {
    Nothing,
    Update {
        sets: Vec<SetClause>,
        where_clause: Option<Expr>,
    },
}

/// `col = expr` (one column) or `(c1, c2) = expr`.
#[derive(Clone, Debug, PartialEq)]
pub struct SetClause {
    pub columns: Vec<String>,
    pub expr: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    pub with: Option<With>,
    pub or_conflict: Option<ConflictResolution>,
    pub table: QualifiedName,
    pub alias: Option<String>,
    pub indexed_by: Option<IndexedBy>,
    pub sets: Vec<SetClause>,
    pub from: Option<FromItem>,
    pub where_clause: Option<Expr>,
    pub returning: Vec<ResultColumn>,
    pub order_by: Vec<OrderingTerm>,
    pub limit: Option<Limit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Delete {
    pub with: Option<With>,
    pub table: QualifiedName,
    pub alias: Option<String>,
    pub indexed_by: Option<IndexedBy>,
    pub where_clause: Option<Expr>,
    pub returning: Vec<ResultColumn>,
    pub order_by: Vec<OrderingTerm>,
    pub limit: Option<Limit>,
}

// ---------------------------------------------------------------- DDL

#[derive(Clone, Debug, PartialEq)]
pub struct CreateTable {
    pub temporary: bool,
    pub if_not_exists: bool,
    pub name: QualifiedName,
    /// Byte offset of the unqualified table name token.
    pub name_start: usize,
    pub body: CreateTableBody,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CreateTableBody {
    Columns {
        columns: Vec<ColumnDef>,
        constraints: Vec<TableConstraint>,
        options: TableOptions,
    },
    AsSelect(Box<Select>),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableOptions {
    pub without_rowid: bool,
    pub strict: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub type_name: Option<TypeName>,
    pub constraints: Vec<ColumnConstraint>,
    /// From the column name to the end of its last constraint.
    pub span: Span,
}

/// A type as written, e.g. `VARCHAR(10)` or `unsigned big int`: the source
/// text from the first to the last token, dequoted if it was quoted (as
/// SQLite's sqlite3AddColumn does). `GENERATED ALWAYS` is not part of it.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeName {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnConstraint {
    /// `CONSTRAINT name`
    pub name: Option<String>,
    pub kind: ColumnConstraintKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ColumnConstraintKind {
    PrimaryKey {
        order: Option<SortOrder>,
        conflict: Option<ConflictResolution>,
        autoincrement: bool,
    },
    NotNull {
        conflict: Option<ConflictResolution>,
    },
    /// The (no-op) `NULL` constraint.
    Null {
        conflict: Option<ConflictResolution>,
    },
    Unique {
        conflict: Option<ConflictResolution>,
    },
    Check(Expr),
    /// `DEFAULT value`. `span` is the text SQLite keeps as the default's
    /// source (`dflt_value`): for `DEFAULT (e)` the text inside the parens,
    /// otherwise the literal/signed number as written. `DEFAULT ident` is a
    /// string literal (or 1/0 for TRUE/FALSE), as in SQLite.
    Default {
        expr: Expr,
        span: Span,
    },
    Collate(String),
    References(ForeignKeyClause),
    /// `[GENERATED ALWAYS] AS (expr) [STORED|VIRTUAL]`
    Generated {
        expr: Expr,
        stored: bool,
    },
    /// A `[NOT] DEFERRABLE ...` that does not directly follow this column's
    /// REFERENCES (one that does is folded into it); SQLite applies it to
    /// the table's most recently declared foreign key.
    Deferrable(Deferrable),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForeignKeyClause {
    pub table: String,
    pub columns: Vec<String>,
    pub on_delete: Option<FkAction>,
    pub on_update: Option<FkAction>,
    /// `MATCH name` (parsed and ignored by SQLite).
    pub match_name: Option<String>,
    pub deferrable: Option<Deferrable>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FkAction {
    SetNull,
    SetDefault,
    Cascade,
    Restrict,
    NoAction,
}

/// `[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deferrable {
    pub not: bool,
    /// Some(true) = INITIALLY DEFERRED, Some(false) = INITIALLY IMMEDIATE.
    pub initially_deferred: Option<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableConstraint {
    pub name: Option<String>,
    pub kind: TableConstraintKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TableConstraintKind {
    PrimaryKey {
        columns: Vec<IndexedColumn>,
        autoincrement: bool,
        conflict: Option<ConflictResolution>,
    },
    Unique {
        columns: Vec<IndexedColumn>,
        conflict: Option<ConflictResolution>,
    },
    Check(Expr),
    ForeignKey {
        columns: Vec<String>,
        clause: ForeignKeyClause,
    },
}

/// A column of an index, PRIMARY KEY, UNIQUE or upsert target. COLLATE is
/// inside `expr` (`Expr::Collate`); a plain column is `Expr::Column`.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexedColumn {
    pub expr: Expr,
    pub order: Option<SortOrder>,
    /// SQLite rejects NULLS FIRST/LAST here at compile time; kept so the
    /// compiler can report it.
    pub nulls: Option<NullsOrder>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateIndex {
    pub unique: bool,
    pub if_not_exists: bool,
    pub name: QualifiedName,
    /// Byte offset of the unqualified index name token.
    pub name_start: usize,
    pub table: String,
    pub columns: Vec<IndexedColumn>,
    pub where_clause: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateView {
    pub temporary: bool,
    pub if_not_exists: bool,
    pub name: QualifiedName,
    /// Byte offset of the unqualified view name token.
    pub name_start: usize,
    pub columns: Vec<String>,
    pub select: Box<Select>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateTrigger {
    pub temporary: bool,
    pub if_not_exists: bool,
    pub name: QualifiedName,
    /// Byte offset of the unqualified trigger name token.
    pub name_start: usize,
    pub time: Option<TriggerTime>,
    pub event: TriggerEvent,
    pub table: QualifiedName,
    pub for_each_row: bool,
    pub when: Option<Expr>,
    /// Insert/Update/Delete/Select statements.
    pub body: Vec<Stmt>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriggerTime {
    Before,
    After,
    InsteadOf,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TriggerEvent {
    Delete,
    Insert,
    /// `UPDATE [OF col, ...]`
    Update {
        columns: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateVirtualTable {
    pub if_not_exists: bool,
    pub name: QualifiedName,
    /// Byte offset of the unqualified table name token.
    pub name_start: usize,
    pub module: String,
    /// Each module argument's source text, trimmed.
    pub args: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AlterTable {
    pub name: QualifiedName,
    pub action: AlterAction,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AlterAction {
    RenameTo(String),
    RenameColumn { old: String, new: String },
    AddColumn(ColumnDef),
    DropColumn(String),
}

// ---------------------------------------------------------------- expressions

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Literal(Literal),
    /// `[[schema.]table.]column`
    Column {
        schema: Option<String>,
        table: Option<String>,
        column: String,
        double_quoted: bool,
    },
    Param(Param),
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `expr [NOT] LIKE|GLOB|REGEXP|MATCH pattern [ESCAPE escape]`
    Like {
        op: LikeOp,
        not: bool,
        expr: Box<Expr>,
        pattern: Box<Expr>,
        escape: Option<Box<Expr>>,
    },
    Between {
        expr: Box<Expr>,
        not: bool,
        low: Box<Expr>,
        high: Box<Expr>,
    },
    In {
        expr: Box<Expr>,
        not: bool,
        rhs: InRhs,
    },
    /// `expr ISNULL` or `expr IS NULL` (SQLite folds `IS NULL` to ISNULL).
    IsNull(Box<Expr>),
    /// `expr NOTNULL`, `expr NOT NULL` or `expr IS NOT NULL`.
    NotNull(Box<Expr>),
    Exists(Box<Select>),
    /// `(SELECT ...)` as a scalar.
    Subquery(Box<Select>),
    Case {
        operand: Option<Box<Expr>>,
        when_then: Vec<(Expr, Expr)>,
        else_expr: Option<Box<Expr>>,
    },
    Cast {
        expr: Box<Expr>,
        type_name: TypeName,
    },
    Collate {
        expr: Box<Expr>,
        collation: String,
    },
    Function(Box<FunctionCall>),
    /// `RAISE(IGNORE)` / `RAISE(ROLLBACK|ABORT|FAIL, message)`
    Raise {
        action: RaiseAction,
        message: Option<Box<Expr>>,
    },
    /// Row value `(a, b, ...)` with at least two elements.
    Vector(Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Integer(i64),
    Real(f64),
    String(String),
    Blob(Vec<u8>),
    Null,
    CurrentTime,
    CurrentDate,
    CurrentTimestamp,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// `?`
    Anonymous,
    /// `?NNN`, 1 ..= 32766
    Numbered(u32),
    /// `:name`, `@name`, `$name` -- the full text including its prefix
    /// character, which is how SQLite names the parameter.
    Named(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-`
    Neg,
    /// `+`
    Plus,
    Not,
    /// `~`
    BitNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    /// `=` or `==`
    Eq,
    /// `!=` or `<>`
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Is,
    IsNot,
    BitAnd,
    BitOr,
    ShiftLeft,
    ShiftRight,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    /// `||`
    Concat,
    /// `->`
    Arrow,
    /// `->>`
    LongArrow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LikeOp {
    Like,
    Glob,
    Regexp,
    Match,
}

#[derive(Clone, Debug, PartialEq)]
pub enum InRhs {
    /// `IN (e1, e2, ...)`, possibly empty.
    List(Vec<Expr>),
    /// `IN (SELECT ...)`
    Select(Box<Select>),
    /// `IN [schema.]table` or `IN table_function(args)`.
    Table {
        name: QualifiedName,
        args: Vec<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionCall {
    pub name: String,
    pub distinct: bool,
    pub args: FunctionArgs,
    /// `f(x ORDER BY y)` (aggregate ORDER BY).
    pub order_by: Vec<OrderingTerm>,
    pub filter: Option<Box<Expr>>,
    pub over: Option<Over>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FunctionArgs {
    /// `f(*)`
    Star,
    /// `f(a, b)`; empty for `f()`.
    List(Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaiseAction {
    Ignore,
    Rollback,
    Abort,
    Fail,
}
