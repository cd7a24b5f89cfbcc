package driver

// stmtCache keeps recently used prepared statements of one connection,
// keyed by their SQL, least recently used evicted first. A statement is
// checked out (removed) while in use and checked back in when its user is
// done, so a cached statement is never used twice at once. Only
// statements whose SQL holds exactly one statement are cached.

import (
	"container/list"
	"context"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

type stmtCache struct {
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
// off, already holds that SQL, or the reset fails.
func (c *stmtCache) put(query string, s *ferrolite.Stmt) {
	if c.max == 0 {
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

// clear finalizes every cached statement.
func (c *stmtCache) clear() {
	for e := c.order.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedStmt).stmt.Close()
	}
	c.order.Init()
	c.byKey = map[string]*list.Element{}
}
