package driver

// stmtCache keeps recently used prepared statements of one connection,
// keyed by their SQL, least recently used evicted first. Statements
// compiled before a schema change may be stale (the engine does not
// re-prepare them), so the cache is cleared after any statement that may
// change the schema (schemaChanging) and statements checked out before
// that are not taken back. A statement is
// checked out (removed) while in use and checked back in when its user is
// done, so a cached statement is never used twice at once. Only
// statements whose SQL holds exactly one statement are cached.

import (
	"container/list"
	"context"
	"strings"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

type stmtCache struct {
	gen   uint64 // bumped by clear; statements from an older generation are not kept
	max   int
	order *list.List               // front = most recently returned
	byKey map[string]*list.Element // value: *cachedStmt
}

type cachedStmt struct {
	query string
	stmt  *ferrolite.Stmt
}

func newStmtCache(max int) *stmtCache {
	if max < 0 {
		max = 0
	}
	return &stmtCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// take removes and returns the cached statement for query, or nil.
func (c *stmtCache) take(query string) *ferrolite.Stmt {
	e, ok := c.byKey[query]
	if !ok {
		return nil
	}
	delete(c.byKey, query)
	c.order.Remove(e)
	return e.Value.(*cachedStmt).stmt
}

// put resets a statement and keeps it, or finalizes it when the cache is
// off, already holds that SQL, the reset fails, or the statement was
// prepared before the last clear (generation gen).
func (c *stmtCache) put(query string, s *ferrolite.Stmt, gen uint64) {
	if c.max == 0 || gen != c.gen {
		s.Close()
		return
	}
	if _, dup := c.byKey[query]; dup {
		s.Close()
		return
	}
	if err := s.Reset(context.Background()); err != nil {
		s.Close()
		return
	}
	c.byKey[query] = c.order.PushFront(&cachedStmt{query, s})
	for c.order.Len() > c.max {
		e := c.order.Back()
		cs := e.Value.(*cachedStmt)
		c.order.Remove(e)
		delete(c.byKey, cs.query)
		cs.stmt.Close()
	}
}

// len is the number of cached statements.
func (c *stmtCache) len() int { return c.order.Len() }

// clear finalizes every cached statement and starts a new generation.
func (c *stmtCache) clear() {
	c.gen++
	for e := c.order.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedStmt).stmt.Close()
	}
	c.order.Init()
	c.byKey = map[string]*list.Element{}
}

// schemaChanging reports whether a statement may change the schema (or
// undo a change): its first keyword is CREATE, DROP, ALTER, ROLLBACK,
// RELEASE, VACUUM, REINDEX, ANALYZE, ATTACH, DETACH or PRAGMA.
func schemaChanging(sql string) bool {
	i := 0
	for i < len(sql) {
		switch {
		case sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r' || sql[i] == '\f' || sql[i] == ';':
			i++
		case strings.HasPrefix(sql[i:], "--"):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				return false
			}
			i += j + 1
		case strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return false
			}
			i += j + 4
		default:
			j := i
			for j < len(sql) && (sql[j] >= 'a' && sql[j] <= 'z' || sql[j] >= 'A' && sql[j] <= 'Z') {
				j++
			}
			switch strings.ToUpper(sql[i:j]) {
			case "CREATE", "DROP", "ALTER", "ROLLBACK", "RELEASE", "VACUUM", "REINDEX", "ANALYZE", "ATTACH", "DETACH", "PRAGMA":
				return true
			}
			return false
		}
	}
	return false
}
