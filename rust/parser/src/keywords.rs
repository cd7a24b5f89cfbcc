//! SQLite's keywords and how they may be used.
//!
//! Owns: the `Kw` enum (every word SQLite 3.45's tokenizer treats as a
//! keyword; TRUE, FALSE, STRICT, STORED, ROWID are NOT keywords), the
//! case-insensitive lookup used by the lexer, and the `%fallback ID` set of
//! parse.y: keywords that act as plain identifiers wherever the keyword
//! meaning does not parse.
//!
//! Invariant: `lookup` is given an ASCII-uppercased word; it never allocates.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kw {
    Abort,
    Action,
    Add,
    After,
    All,
    Alter,
    Always,
    Analyze,
    And,
    As,
    Asc,
    Attach,
    Autoincrement,
    Before,
    Begin,
    Between,
    By,
    Cascade,
    Case,
    Cast,
    Check,
    Collate,
    Column,
    Commit,
    Conflict,
    Constraint,
    Create,
    Cross,
    Current,
    CurrentDate,
    CurrentTime,
    CurrentTimestamp,
    Database,
    Default,
    Deferrable,
    Deferred,
    Delete,
    Desc,
    Detach,
    Distinct,
    Do,
    Drop,
    Each,
    Else,
    End,
    Escape,
    Except,
    Exclude,
    Exclusive,
    Exists,
    Explain,
    Fail,
    Filter,
    First,
    Following,
    For,
    Foreign,
    From,
    Full,
    Generated,
    Glob,
    Group,
    Groups,
    Having,
    If,
    Ignore,
    Immediate,
    In,
    Index,
    Indexed,
    Initially,
    Inner,
    Insert,
    Instead,
    Intersect,
    Into,
    Is,
    Isnull,
    Join,
    Key,
    Last,
    Left,
    Like,
    Limit,
    Match,
    Materialized,
    Natural,
    No,
    Not,
    Nothing,
    Notnull,
    Null,
    Nulls,
    Of,
    Offset,
    On,
    Or,
    Order,
    Others,
    Outer,
    Over,
    Partition,
    Plan,
    Pragma,
    Preceding,
    Primary,
    Query,
    Raise,
    Range,
    Recursive,
    References,
    Regexp,
    Reindex,
    Release,
    Rename,
    Replace,
    Restrict,
    Returning,
    Right,
    Rollback,
    Row,
    Rows,
    Savepoint,
    Select,
    Set,
    Table,
    Temp,
    Temporary,
    Then,
    Ties,
    To,
    Transaction,
    Trigger,
    Unbounded,
    Union,
    Unique,
    Update,
    Using,
    Vacuum,
    Values,
    View,
    Virtual,
    When,
    Where,
    Window,
    With,
    Without,
}

/// Every keyword, for tests and tooling.
pub const ALL_KEYWORDS: &[(&str, Kw)] = &[
    ("ABORT", Kw::Abort),
    ("ACTION", Kw::Action),
    ("ADD", Kw::Add),
    ("AFTER", Kw::After),
    ("ALL", Kw::All),
    ("ALTER", Kw::Alter),
    ("ALWAYS", Kw::Always),
    ("ANALYZE", Kw::Analyze),
    ("AND", Kw::And),
    ("AS", Kw::As),
    ("ASC", Kw::Asc),
    ("ATTACH", Kw::Attach),
    ("AUTOINCREMENT", Kw::Autoincrement),
    ("BEFORE", Kw::Before),
    ("BEGIN", Kw::Begin),
    ("BETWEEN", Kw::Between),
    ("BY", Kw::By),
    ("CASCADE", Kw::Cascade),
    ("CASE", Kw::Case),
    ("CAST", Kw::Cast),
    ("CHECK", Kw::Check),
    ("COLLATE", Kw::Collate),
    ("COLUMN", Kw::Column),
    ("COMMIT", Kw::Commit),
    ("CONFLICT", Kw::Conflict),
    ("CONSTRAINT", Kw::Constraint),
    ("CREATE", Kw::Create),
    ("CROSS", Kw::Cross),
    ("CURRENT", Kw::Current),
    ("CURRENT_DATE", Kw::CurrentDate),
    ("CURRENT_TIME", Kw::CurrentTime),
    ("CURRENT_TIMESTAMP", Kw::CurrentTimestamp),
    ("DATABASE", Kw::Database),
    ("DEFAULT", Kw::Default),
    ("DEFERRABLE", Kw::Deferrable),
    ("DEFERRED", Kw::Deferred),
    ("DELETE", Kw::Delete),
    ("DESC", Kw::Desc),
    ("DETACH", Kw::Detach),
    ("DISTINCT", Kw::Distinct),
    ("DO", Kw::Do),
    ("DROP", Kw::Drop),
    ("EACH", Kw::Each),
    ("ELSE", Kw::Else),
    ("END", Kw::End),
    ("ESCAPE", Kw::Escape),
    ("EXCEPT", Kw::Except),
    ("EXCLUDE", Kw::Exclude),
    ("EXCLUSIVE", Kw::Exclusive),
    ("EXISTS", Kw::Exists),
    ("EXPLAIN", Kw::Explain),
    ("FAIL", Kw::Fail),
    ("FILTER", Kw::Filter),
    ("FIRST", Kw::First),
    ("FOLLOWING", Kw::Following),
    ("FOR", Kw::For),
    ("FOREIGN", Kw::Foreign),
    ("FROM", Kw::From),
    ("FULL", Kw::Full),
    ("GENERATED", Kw::Generated),
    ("GLOB", Kw::Glob),
    ("GROUP", Kw::Group),
    ("GROUPS", Kw::Groups),
    ("HAVING", Kw::Having),
    ("IF", Kw::If),
    ("IGNORE", Kw::Ignore),
    ("IMMEDIATE", Kw::Immediate),
    ("IN", Kw::In),
    ("INDEX", Kw::Index),
    ("INDEXED", Kw::Indexed),
    ("INITIALLY", Kw::Initially),
    ("INNER", Kw::Inner),
    ("INSERT", Kw::Insert),
    ("INSTEAD", Kw::Instead),
    ("INTERSECT", Kw::Intersect),
    ("INTO", Kw::Into),
    ("IS", Kw::Is),
    ("ISNULL", Kw::Isnull),
    ("JOIN", Kw::Join),
    ("KEY", Kw::Key),
    ("LAST", Kw::Last),
    ("LEFT", Kw::Left),
    ("LIKE", Kw::Like),
    ("LIMIT", Kw::Limit),
    ("MATCH", Kw::Match),
    ("MATERIALIZED", Kw::Materialized),
    ("NATURAL", Kw::Natural),
    ("NO", Kw::No),
    ("NOT", Kw::Not),
    ("NOTHING", Kw::Nothing),
    ("NOTNULL", Kw::Notnull),
    ("NULL", Kw::Null),
    ("NULLS", Kw::Nulls),
    ("OF", Kw::Of),
    ("OFFSET", Kw::Offset),
    ("ON", Kw::On),
    ("OR", Kw::Or),
    ("ORDER", Kw::Order),
    ("OTHERS", Kw::Others),
    ("OUTER", Kw::Outer),
    ("OVER", Kw::Over),
    ("PARTITION", Kw::Partition),
    ("PLAN", Kw::Plan),
    ("PRAGMA", Kw::Pragma),
    ("PRECEDING", Kw::Preceding),
    ("PRIMARY", Kw::Primary),
    ("QUERY", Kw::Query),
    ("RAISE", Kw::Raise),
    ("RANGE", Kw::Range),
    ("RECURSIVE", Kw::Recursive),
    ("REFERENCES", Kw::References),
    ("REGEXP", Kw::Regexp),
    ("REINDEX", Kw::Reindex),
    ("RELEASE", Kw::Release),
    ("RENAME", Kw::Rename),
    ("REPLACE", Kw::Replace),
    ("RESTRICT", Kw::Restrict),
    ("RETURNING", Kw::Returning),
    ("RIGHT", Kw::Right),
    ("ROLLBACK", Kw::Rollback),
    ("ROW", Kw::Row),
    ("ROWS", Kw::Rows),
    ("SAVEPOINT", Kw::Savepoint),
    ("SELECT", Kw::Select),
    ("SET", Kw::Set),
    ("TABLE", Kw::Table),
    ("TEMP", Kw::Temp),
    ("TEMPORARY", Kw::Temporary),
    ("THEN", Kw::Then),
    ("TIES", Kw::Ties),
    ("TO", Kw::To),
    ("TRANSACTION", Kw::Transaction),
    ("TRIGGER", Kw::Trigger),
    ("UNBOUNDED", Kw::Unbounded),
    ("UNION", Kw::Union),
    ("UNIQUE", Kw::Unique),
    ("UPDATE", Kw::Update),
    ("USING", Kw::Using),
    ("VACUUM", Kw::Vacuum),
    ("VALUES", Kw::Values),
    ("VIEW", Kw::View),
    ("VIRTUAL", Kw::Virtual),
    ("WHEN", Kw::When),
    ("WHERE", Kw::Where),
    ("WINDOW", Kw::Window),
    ("WITH", Kw::With),
    ("WITHOUT", Kw::Without),
];

/// The keyword spelled by `upper` (ASCII upper case), if any.
pub fn lookup(upper: &[u8]) -> Option<Kw> {
    Some(match upper {
        b"ABORT" => Kw::Abort,
        b"ACTION" => Kw::Action,
        b"ADD" => Kw::Add,
        b"AFTER" => Kw::After,
        b"ALL" => Kw::All,
        b"ALTER" => Kw::Alter,
        b"ALWAYS" => Kw::Always,
        b"ANALYZE" => Kw::Analyze,
        b"AND" => Kw::And,
        b"AS" => Kw::As,
        b"ASC" => Kw::Asc,
        b"ATTACH" => Kw::Attach,
        b"AUTOINCREMENT" => Kw::Autoincrement,
        b"BEFORE" => Kw::Before,
        b"BEGIN" => Kw::Begin,
        b"BETWEEN" => Kw::Between,
        b"BY" => Kw::By,
        b"CASCADE" => Kw::Cascade,
        b"CASE" => Kw::Case,
        b"CAST" => Kw::Cast,
        b"CHECK" => Kw::Check,
        b"COLLATE" => Kw::Collate,
        b"COLUMN" => Kw::Column,
        b"COMMIT" => Kw::Commit,
        b"CONFLICT" => Kw::Conflict,
        b"CONSTRAINT" => Kw::Constraint,
        b"CREATE" => Kw::Create,
        b"CROSS" => Kw::Cross,
        b"CURRENT" => Kw::Current,
        b"CURRENT_DATE" => Kw::CurrentDate,
        b"CURRENT_TIME" => Kw::CurrentTime,
        b"CURRENT_TIMESTAMP" => Kw::CurrentTimestamp,
        b"DATABASE" => Kw::Database,
        b"DEFAULT" => Kw::Default,
        b"DEFERRABLE" => Kw::Deferrable,
        b"DEFERRED" => Kw::Deferred,
        b"DELETE" => Kw::Delete,
        b"DESC" => Kw::Desc,
        b"DETACH" => Kw::Detach,
        b"DISTINCT" => Kw::Distinct,
        b"DO" => Kw::Do,
        b"DROP" => Kw::Drop,
        b"EACH" => Kw::Each,
        b"ELSE" => Kw::Else,
        b"END" => Kw::End,
        b"ESCAPE" => Kw::Escape,
        b"EXCEPT" => Kw::Except,
        b"EXCLUDE" => Kw::Exclude,
        b"EXCLUSIVE" => Kw::Exclusive,
        b"EXISTS" => Kw::Exists,
        b"EXPLAIN" => Kw::Explain,
        b"FAIL" => Kw::Fail,
        b"FILTER" => Kw::Filter,
        b"FIRST" => Kw::First,
        b"FOLLOWING" => Kw::Following,
        b"FOR" => Kw::For,
        b"FOREIGN" => Kw::Foreign,
        b"FROM" => Kw::From,
        b"FULL" => Kw::Full,
        b"GENERATED" => Kw::Generated,
        b"GLOB" => Kw::Glob,
        b"GROUP" => Kw::Group,
        b"GROUPS" => Kw::Groups,
        b"HAVING" => Kw::Having,
        b"IF" => Kw::If,
        b"IGNORE" => Kw::Ignore,
        b"IMMEDIATE" => Kw::Immediate,
        b"IN" => Kw::In,
        b"INDEX" => Kw::Index,
        b"INDEXED" => Kw::Indexed,
        b"INITIALLY" => Kw::Initially,
        b"INNER" => Kw::Inner,
        b"INSERT" => Kw::Insert,
        b"INSTEAD" => Kw::Instead,
        b"INTERSECT" => Kw::Intersect,
        b"INTO" => Kw::Into,
        b"IS" => Kw::Is,
        b"ISNULL" => Kw::Isnull,
        b"JOIN" => Kw::Join,
        b"KEY" => Kw::Key,
        b"LAST" => Kw::Last,
        b"LEFT" => Kw::Left,
        b"LIKE" => Kw::Like,
        b"LIMIT" => Kw::Limit,
        b"MATCH" => Kw::Match,
        b"MATERIALIZED" => Kw::Materialized,
        b"NATURAL" => Kw::Natural,
        b"NO" => Kw::No,
        b"NOT" => Kw::Not,
        b"NOTHING" => Kw::Nothing,
        b"NOTNULL" => Kw::Notnull,
        b"NULL" => Kw::Null,
        b"NULLS" => Kw::Nulls,
        b"OF" => Kw::Of,
        b"OFFSET" => Kw::Offset,
        b"ON" => Kw::On,
        b"OR" => Kw::Or,
        b"ORDER" => Kw::Order,
        b"OTHERS" => Kw::Others,
        b"OUTER" => Kw::Outer,
        b"OVER" => Kw::Over,
        b"PARTITION" => Kw::Partition,
        b"PLAN" => Kw::Plan,
        b"PRAGMA" => Kw::Pragma,
        b"PRECEDING" => Kw::Preceding,
        b"PRIMARY" => Kw::Primary,
        b"QUERY" => Kw::Query,
        b"RAISE" => Kw::Raise,
        b"RANGE" => Kw::Range,
        b"RECURSIVE" => Kw::Recursive,
        b"REFERENCES" => Kw::References,
        b"REGEXP" => Kw::Regexp,
        b"REINDEX" => Kw::Reindex,
        b"RELEASE" => Kw::Release,
        b"RENAME" => Kw::Rename,
        b"REPLACE" => Kw::Replace,
        b"RESTRICT" => Kw::Restrict,
        b"RETURNING" => Kw::Returning,
        b"RIGHT" => Kw::Right,
        b"ROLLBACK" => Kw::Rollback,
        b"ROW" => Kw::Row,
        b"ROWS" => Kw::Rows,
        b"SAVEPOINT" => Kw::Savepoint,
        b"SELECT" => Kw::Select,
        b"SET" => Kw::Set,
        b"TABLE" => Kw::Table,
        b"TEMP" => Kw::Temp,
        b"TEMPORARY" => Kw::Temporary,
        b"THEN" => Kw::Then,
        b"TIES" => Kw::Ties,
        b"TO" => Kw::To,
        b"TRANSACTION" => Kw::Transaction,
        b"TRIGGER" => Kw::Trigger,
        b"UNBOUNDED" => Kw::Unbounded,
        b"UNION" => Kw::Union,
        b"UNIQUE" => Kw::Unique,
        b"UPDATE" => Kw::Update,
        b"USING" => Kw::Using,
        b"VACUUM" => Kw::Vacuum,
        b"VALUES" => Kw::Values,
        b"VIEW" => Kw::View,
        b"VIRTUAL" => Kw::Virtual,
        b"WHEN" => Kw::When,
        b"WHERE" => Kw::Where,
        b"WINDOW" => Kw::Window,
        b"WITH" => Kw::With,
        b"WITHOUT" => Kw::Without,
        _ => return None,
    })
}

impl Kw {
    /// True if SQLite's grammar lets this keyword fall back to an
    /// identifier where the keyword does not parse (parse.y `%fallback ID`).
    /// WINDOW, OVER and FILTER are not here: the parser's token cursor turns
    /// them into plain identifiers unless their context makes them keywords,
    /// as tokenize.c does.
    pub fn is_fallback_id(self) -> bool {
        matches!(
            self,
            Kw::Abort
                | Kw::Action
                | Kw::After
                | Kw::Always
                | Kw::Analyze
                | Kw::Asc
                | Kw::Attach
                | Kw::Before
                | Kw::Begin
                | Kw::By
                | Kw::Cascade
                | Kw::Cast
                | Kw::Column
                | Kw::Conflict
                | Kw::Current
                | Kw::CurrentDate
                | Kw::CurrentTime
                | Kw::CurrentTimestamp
                | Kw::Database
                | Kw::Deferred
                | Kw::Desc
                | Kw::Detach
                | Kw::Do
                | Kw::Each
                | Kw::End
                | Kw::Exclude
                | Kw::Exclusive
                | Kw::Explain
                | Kw::Fail
                | Kw::First
                | Kw::Following
                | Kw::For
                | Kw::Generated
                | Kw::Glob
                | Kw::Groups
                | Kw::If
                | Kw::Ignore
                | Kw::Immediate
                | Kw::Initially
                | Kw::Instead
                | Kw::Key
                | Kw::Last
                | Kw::Like
                | Kw::Match
                | Kw::Materialized
                | Kw::No
                | Kw::Nulls
                | Kw::Of
                | Kw::Offset
                | Kw::Others
                | Kw::Partition
                | Kw::Plan
                | Kw::Pragma
                | Kw::Preceding
                | Kw::Query
                | Kw::Raise
                | Kw::Range
                | Kw::Recursive
                | Kw::Regexp
                | Kw::Reindex
                | Kw::Release
                | Kw::Rename
                | Kw::Replace
                | Kw::Restrict
                | Kw::Rollback
                | Kw::Row
                | Kw::Rows
                | Kw::Savepoint
                | Kw::Temp
                | Kw::Temporary
                | Kw::Ties
                | Kw::Trigger
                | Kw::Unbounded
                | Kw::Vacuum
                | Kw::View
                | Kw::Virtual
                | Kw::With
                | Kw::Without
        )
    }
}
