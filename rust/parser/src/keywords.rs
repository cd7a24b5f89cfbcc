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

/// Every keyword with its spelling, in byte order.
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

/// Slots of the keyword hash table (open addressing, load about 0.3).
const HASH_SLOTS: usize = 512;
const EMPTY: u8 = u8::MAX;

const fn keyword_hash(b: &[u8]) -> usize {
    let n = b.len();
    (b[0] as usize * 31 + b[n - 1] as usize * 7 + b[n / 2] as usize * 3 + n) % HASH_SLOTS
}

/// Index into `ALL_KEYWORDS` per slot, built at compile time.
static KEYWORD_SLOTS: [u8; HASH_SLOTS] = {
    let mut t = [EMPTY; HASH_SLOTS];
    let mut i = 0;
    while i < ALL_KEYWORDS.len() {
        let mut h = keyword_hash(ALL_KEYWORDS[i].0.as_bytes());
        while t[h] != EMPTY {
            h = (h + 1) % HASH_SLOTS;
        }
        t[h] = i as u8;
        i += 1;
    }
    t
};

/// The keyword spelled by `upper` (ASCII upper case), if any.
pub fn lookup(upper: &[u8]) -> Option<Kw> {
    if upper.is_empty() {
        return None;
    }
    let mut h = keyword_hash(upper);
    loop {
        let slot = KEYWORD_SLOTS[h];
        if slot == EMPTY {
            return None;
        }
        let (text, kw) = ALL_KEYWORDS[slot as usize];
        if text.as_bytes() == upper {
            return Some(kw);
        }
        h = (h + 1) % HASH_SLOTS;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_lookup_finds_every_keyword() {
        assert_eq!(ALL_KEYWORDS.len(), 147);
        for w in ALL_KEYWORDS.windows(2) {
            assert!(
                w[0].0.as_bytes() < w[1].0.as_bytes(),
                "{} !< {}",
                w[0].0,
                w[1].0
            );
        }
        for (text, kw) in ALL_KEYWORDS {
            assert_eq!(lookup(text.as_bytes()), Some(*kw));
        }
        for word in [
            "", "A", "ABORTS", "TRUE", "FALSE", "ROWID", "STRICT", "CURRENT_", "ZZZ",
        ] {
            assert_eq!(lookup(word.as_bytes()), None, "{word}");
        }
    }
}
