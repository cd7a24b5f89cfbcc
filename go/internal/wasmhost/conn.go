package wasmhost

// Conn is one engine instance = one database connection. Every export call
// goes through call(), which installs the caller's context for the host
// imports (interrupted, sleep), runs the export with a reused stack, turns
// a trap into a broken connection, and reads the result code and message
// from the state block (docs/abi.md "The state block"):
//
//	0 rc i32 | 4 extended rc i32 | 8 changes i64 | 16 total_changes i64 |
//	24 last_insert_rowid i64 | 32 stmt i32 | 36 tail i32 | 40 out_ptr i32 |
//	44 out_len i32 | 48 err_ptr i32 | 52 err_len i32 | 56 autocommit i32
//
// A Conn is not safe for concurrent use (database/sql never shares one).

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/ferrolite/ferrolite/go/internal/vfs"
)

// Result codes the host itself produces.
const (
	codeOK        = 0
	codeError     = 1
	codeInternal  = 2
	codeNoMem     = 7
	codeInterrupt = 9
	codeTooBig    = 18
	codeMismatch  = 20
	codeMisuse    = 21
	codeRow       = 100
	codeDone      = 101
)

// State block offsets.
const (
	stRC         = 0
	stExtRC      = 4
	stChanges    = 8
	stTotal      = 16
	stLastRowid  = 24
	stStmt       = 32
	stTail       = 36
	stOutPtr     = 40
	stOutLen     = 44
	stErrPtr     = 48
	stErrLen     = 52
	stAutocommit = 56
	stateSize    = 64
)

var exportNames = []string{"fl_state", "fl_buffer", "fl_open", "fl_prepare", "fl_bind", "fl_step",
	"fl_run", "fl_reset", "fl_finalize", "fl_exec", "fl_busy_timeout", "fl_close"}

// Error is an engine or host error with SQLite's result codes.
type Error struct {
	Code         int32 // primary result code
	ExtendedCode int32 // extended result code (equals Code when there is none)
	Msg          string
	Broken       bool // the instance trapped or failed; the Conn is unusable
}

func (e *Error) Error() string { return e.Msg }

// callCtx carries the context of the export call in progress to the host
// imports; wazero passes the call's context to host functions unchanged.
type callCtx struct {
	context.Context
	conn *Conn
}

type connKey struct{}

func (c *callCtx) Value(key any) any {
	if key == (connKey{}) {
		return c.conn
	}
	return c.Context.Value(key)
}

// Conn is one module instance holding one database connection.
type Conn struct {
	mod    api.Module
	mem    memory
	fns    [12]api.Function // in exportNames order
	state  ptr
	stack  [4]uint64
	cc     callCtx
	files  vfs.Table
	lm     *instMem // the instance's linear memory (linmem.go)
	err    *Error   // set once the connection is broken
	closed bool
}

const (
	fnState = iota
	fnBuffer
	fnOpen
	fnPrepare
	fnBind
	fnStep
	fnRun
	fnReset
	fnFinalize
	fnExec
	fnBusyTimeout
	fnClose
)

var instanceSeq atomic.Uint64

// Open instantiates the engine and opens the database at path with
// SQLite's SQLITE_OPEN_* flags. On failure nothing stays open.
func Open(ctx context.Context, path string, flags int32) (*Conn, error) {
	if err := setup(); err != nil {
		return nil, &Error{Code: codeError, ExtendedCode: codeError, Msg: "ferrolite: loading engine: " + err.Error()}
	}
	name := fmt.Sprintf("ferrolite-%d", instanceSeq.Add(1))
	lm := &instMem{}
	ictx := experimental.WithMemoryAllocator(ctx, lm)
	mod, err := rt.InstantiateModule(ictx, compiled, wazero.NewModuleConfig().WithName(name).WithStartFunctions())
	if err != nil {
		lm.Free()
		return nil, &Error{Code: codeNoMem, ExtendedCode: codeNoMem, Msg: "ferrolite: instantiating engine: " + err.Error()}
	}
	c := &Conn{mod: mod, mem: memory{mod.Memory()}, lm: lm}
	c.cc.conn = c
	for i, n := range exportNames {
		c.fns[i] = mod.ExportedFunction(n)
	}
	if c.mem.m == nil {
		mod.Close(ctx)
		return nil, &Error{Code: codeError, ExtendedCode: codeError, Msg: "ferrolite: engine module exports no memory"}
	}
	st, err := c.callRaw(ctx, fnState, 0, 0, 0)
	if err != nil {
		c.shutdown(ctx)
		return nil, err
	}
	c.state = ptr(uint32(st))
	if _, err := c.mem.bytes(c.state, stateSize); err != nil {
		c.shutdown(ctx)
		return nil, err
	}
	p, n, err := c.writeInput(ctx, path)
	if err == nil {
		_, err = c.call(ctx, fnOpen, uint64(p), uint64(n), uint64(uint32(flags)))
	}
	if err != nil {
		if !c.broken() {
			c.call(ctx, fnClose, 0, 0, 0)
		}
		c.shutdown(ctx)
		return nil, err
	}
	return c, nil
}

func (c *Conn) broken() bool { return c.err != nil }

// shutdown releases the instance and every file it left open.
func (c *Conn) shutdown(ctx context.Context) {
	c.closed = true
	c.files.CloseAll()
	c.mod.Close(context.WithoutCancel(ctx))
}

// callRaw runs export fn with n arguments and returns its i32 result. A
// trap marks the connection broken and releases its files.
func (c *Conn) callRaw(ctx context.Context, fn int, a0, a1, a2 uint64) (uint32, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.closed {
		return 0, &Error{Code: codeMisuse, ExtendedCode: codeMisuse, Msg: "ferrolite: connection is closed"}
	}
	f := c.fns[fn]
	if f == nil {
		return 0, &Error{Code: codeError, ExtendedCode: codeError, Msg: "ferrolite: engine lacks " + exportNames[fn]}
	}
	c.stack[0], c.stack[1], c.stack[2] = a0, a1, a2
	c.cc.Context = ctx
	err := f.CallWithStack(&c.cc, c.stack[:])
	c.cc.Context = nil
	if err != nil {
		msg := "ferrolite: engine trapped in " + exportNames[fn] + ": " + err.Error()
		// The engine's panic hook leaves INTERNAL and the panic message in
		// the state block before the trap; prefer that message.
		if c.state != 0 {
			if rc, e := c.mem.i32(c.state + stRC); e == nil && rc == codeInternal {
				if m := c.lastError(rc).(*Error).Msg; m != "" {
					msg = m + " (in " + exportNames[fn] + "; the connection is unusable)"
				}
			}
		}
		c.err = &Error{Code: codeInternal, ExtendedCode: codeInternal, Broken: true, Msg: msg}
		c.files.CloseAll()
		return 0, c.err
	}
	return uint32(c.stack[0]), nil
}

// call runs an export returning a result code and converts an error code
// into an *Error carrying the state block's extended code and message.
func (c *Conn) call(ctx context.Context, fn int, a0, a1, a2 uint64) (int32, error) {
	r, err := c.callRaw(ctx, fn, a0, a1, a2)
	if err != nil {
		return 0, err
	}
	rc := int32(r)
	if rc == codeOK || rc == codeRow || rc == codeDone {
		return rc, nil
	}
	return rc, c.lastError(rc)
}

func (c *Conn) lastError(rc int32) error {
	e := &Error{Code: rc & 0xff, ExtendedCode: rc}
	if ext, err := c.mem.i32(c.state + stExtRC); err == nil && ext&0xff == rc&0xff {
		e.ExtendedCode = ext
	}
	p, err1 := c.mem.u32(c.state + stErrPtr)
	n, err2 := c.mem.u32(c.state + stErrLen)
	if err1 == nil && err2 == nil && n > 0 {
		if b, err := c.mem.bytes(ptr(p), n); err == nil {
			e.Msg = string(b)
		}
	}
	if e.Msg == "" {
		e.Msg = fmt.Sprintf("ferrolite: error code %d", rc)
	}
	return e
}

// writeInput copies s into the instance's input buffer.
func (c *Conn) writeInput(ctx context.Context, s string) (ptr, uint32, error) {
	b, p, err := c.inputBuffer(ctx, len(s))
	if err != nil {
		return 0, 0, err
	}
	copy(b, s)
	return p, uint32(len(s)), nil
}

// inputBuffer returns a view of an instance-owned buffer of n bytes.
func (c *Conn) inputBuffer(ctx context.Context, n int) ([]byte, ptr, error) {
	if n < 0 || n > 1<<31-1 {
		return nil, 0, &Error{Code: codeTooBig, ExtendedCode: codeTooBig, Msg: "string or blob too big"}
	}
	r, err := c.callRaw(ctx, fnBuffer, uint64(uint32(n)), 0, 0)
	if err != nil {
		return nil, 0, err
	}
	if r == 0 {
		return nil, 0, &Error{Code: codeNoMem, ExtendedCode: codeNoMem, Msg: "out of memory"}
	}
	b, err := c.mem.bytes(ptr(r), uint32(n))
	if err != nil {
		return nil, 0, err
	}
	return b, ptr(r), nil
}

// out returns a view of the output buffer of the last call.
func (c *Conn) out() ([]byte, error) {
	p, err := c.mem.u32(c.state + stOutPtr)
	if err != nil {
		return nil, err
	}
	n, err := c.mem.u32(c.state + stOutLen)
	if err != nil {
		return nil, err
	}
	return c.mem.bytes(ptr(p), n)
}

// Prepare compiles the first statement of sql.
func (c *Conn) Prepare(ctx context.Context, sql string) (*StmtInfo, error) {
	p, n, err := c.writeInput(ctx, sql)
	if err != nil {
		return nil, err
	}
	if _, err := c.call(ctx, fnPrepare, uint64(p), uint64(n), 0); err != nil {
		return nil, err
	}
	id, err := c.mem.u32(c.state + stStmt)
	if err != nil {
		return nil, err
	}
	tail, err := c.mem.i32(c.state + stTail)
	if err != nil {
		return nil, err
	}
	if tail < 0 || int(tail) > len(sql) {
		return nil, &Error{Code: codeInternal, ExtendedCode: codeInternal,
			Msg: fmt.Sprintf("ferrolite: engine returned tail %d outside the SQL (%d bytes)", tail, len(sql))}
	}
	info := &StmtInfo{ID: id, Tail: int(tail)}
	if id == 0 {
		return info, nil
	}
	b, err := c.out()
	if err == nil {
		err = decodeMeta(b, info)
	}
	if err != nil {
		c.call(ctx, fnFinalize, uint64(id), 0, 0)
		return nil, err
	}
	return info, nil
}

// writeParams encodes args into the input buffer.
func (c *Conn) writeParams(ctx context.Context, args []any) (ptr, uint32, error) {
	size, err := encodedSize(args)
	if err != nil {
		return 0, 0, err
	}
	b, p, err := c.inputBuffer(ctx, size)
	if err != nil {
		return 0, 0, err
	}
	encodeParams(b, args)
	return p, uint32(size), nil
}

// Bind clears the statement's bindings and binds args to parameters 1..n.
// Values must be nil, int64, float64, string or []byte.
func (c *Conn) Bind(ctx context.Context, stmt uint32, args []any) error {
	p, n, err := c.writeParams(ctx, args)
	if err != nil {
		return err
	}
	_, err = c.call(ctx, fnBind, uint64(stmt), uint64(p), uint64(n))
	return err
}

// Step advances the statement. On a row it decodes the values into dest,
// which must have one slot per result column, and returns true.
func (c *Conn) Step(ctx context.Context, stmt uint32, dest []any) (bool, error) {
	rc, err := c.call(ctx, fnStep, uint64(stmt), 0, 0)
	if err != nil {
		return false, err
	}
	if rc != codeRow {
		return false, nil
	}
	b, err := c.out()
	if err == nil {
		err = decodeRow(b, dest)
	}
	return err == nil, err
}

// Run binds args (unless there are none), steps to the end and resets.
func (c *Conn) Run(ctx context.Context, stmt uint32, args []any) error {
	var p ptr
	var n uint32
	if len(args) > 0 {
		var err error
		if p, n, err = c.writeParams(ctx, args); err != nil {
			return err
		}
	}
	_, err := c.call(ctx, fnRun, uint64(stmt), uint64(p), uint64(n))
	return err
}

// Reset rewinds the statement, keeping its bindings.
func (c *Conn) Reset(ctx context.Context, stmt uint32) error {
	_, err := c.call(ctx, fnReset, uint64(stmt), 0, 0)
	return err
}

// Finalize destroys the statement.
func (c *Conn) Finalize(ctx context.Context, stmt uint32) error {
	if c.closed || c.err != nil {
		return nil // the instance and its statements are gone already
	}
	_, err := c.call(ctx, fnFinalize, uint64(stmt), 0, 0)
	return err
}

// Exec runs every statement of sql, discarding rows.
func (c *Conn) Exec(ctx context.Context, sql string) error {
	p, n, err := c.writeInput(ctx, sql)
	if err != nil {
		return err
	}
	_, err = c.call(ctx, fnExec, uint64(p), uint64(n), 0)
	return err
}

// BusyTimeout sets how long a locked database is retried.
func (c *Conn) BusyTimeout(ctx context.Context, ms int32) error {
	_, err := c.call(ctx, fnBusyTimeout, uint64(uint32(ms)), 0, 0)
	return err
}

func (c *Conn) stateI64(off ptr) int64 {
	if c.closed {
		return 0
	}
	v, _ := c.mem.i64(c.state + off)
	return v
}

// Changes is the number of rows the last INSERT/UPDATE/DELETE changed.
func (c *Conn) Changes() int64 { return c.stateI64(stChanges) }

// TotalChanges counts rows changed since the connection opened.
func (c *Conn) TotalChanges() int64 { return c.stateI64(stTotal) }

// LastInsertRowid is the rowid of the most recent successful INSERT.
func (c *Conn) LastInsertRowid() int64 { return c.stateI64(stLastRowid) }

// Autocommit reports whether no transaction is open.
func (c *Conn) Autocommit() bool {
	if c.closed {
		return true
	}
	v, err := c.mem.i32(c.state + stAutocommit)
	return err == nil && v != 0
}

// Broken returns the error that made the connection unusable, or nil.
func (c *Conn) Broken() error {
	if c.err == nil {
		return nil
	}
	return c.err
}

// MemoryPages reports the size of the instance's linear memory in 64 KiB
// pages (for measuring the cost of an idle connection).
func (c *Conn) MemoryPages() uint32 {
	if c.closed {
		return 0
	}
	return c.mem.m.Size() / 65536
}

// OpenFiles reports how many file handles the instance holds.
func (c *Conn) OpenFiles() int { return c.files.OpenCount() }

// Close closes the database (finalizing statements, rolling back) and
// releases the instance. It is safe to call more than once.
func (c *Conn) Close(ctx context.Context) error {
	if c.closed {
		return nil
	}
	var err error
	if c.err == nil {
		_, err = c.call(ctx, fnClose, 0, 0, 0)
	}
	c.shutdown(ctx)
	return err
}
