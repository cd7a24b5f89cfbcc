package ferrolite

import (
	"context"
	"errors"
	"strconv"

	"github.com/ferrolite/ferrolite/go/internal/wasmhost"
)

// Error is an error reported by the engine or by this package, with
// SQLite's primary and extended result codes.
//
//	errors.Is(err, ferrolite.BUSY)              // primary code
//	errors.Is(err, ferrolite.CONSTRAINT_UNIQUE) // extended code
//	errors.Is(err, context.Canceled)            // an interrupt caused by ctx
type Error struct {
	Code         ErrorCode
	ExtendedCode ExtendedErrorCode
	Msg          string
	cause        error // the context error behind an interrupt, if any
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return e.Code.Error()
}

// Is reports whether the target is this error's primary or extended code.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case ErrorCode:
		return e.Code == t
	case ExtendedErrorCode:
		return e.ExtendedCode == t
	}
	return false
}

// Unwrap returns the context error that interrupted the call, if any.
func (e *Error) Unwrap() error { return e.cause }

// Timeout reports whether the error is a busy timeout or a context
// deadline.
func (e *Error) Timeout() bool {
	return e.Code == BUSY || errors.Is(e.cause, context.DeadlineExceeded)
}

// convertErr turns a wasmhost error into an *Error. When the call's context
// is done, the context error becomes the cause (the engine reports the
// interrupt as SQLITE_INTERRUPT).
func convertErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var he *wasmhost.Error
	if !errors.As(err, &he) {
		return err
	}
	e := &Error{Code: ErrorCode(he.Code), ExtendedCode: ExtendedErrorCode(he.ExtendedCode), Msg: he.Msg}
	if ctx != nil && ctx.Err() != nil {
		e.cause = ctx.Err()
	}
	return e
}

// WrapContextError returns err (an *Error) with cause as the context
// error it wraps, so errors.Is(err, context.Canceled) holds.
func WrapContextError(err error, cause error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.cause = cause
	return &c
}

// NewError makes an *Error with the given extended code (an ErrorCode
// converted to ExtendedErrorCode works as well) and message.
func NewError(code ExtendedErrorCode, msg string) *Error { return newError(code, msg) }

func newError(code ExtendedErrorCode, msg string) *Error {
	return &Error{Code: code.Code(), ExtendedCode: code, Msg: msg}
}

// ErrorCode is a primary result code. It is an error so that
// errors.Is(err, ferrolite.BUSY) works.
type ErrorCode uint8

// ExtendedErrorCode is an extended result code (primary code in the low
// byte).
type ExtendedErrorCode uint16

// Code returns the primary code of an extended code.
func (e ExtendedErrorCode) Code() ErrorCode { return ErrorCode(e) }

func (e ErrorCode) Error() string {
	if s, ok := errorStrings[e]; ok {
		return s
	}
	return "unknown error (" + strconv.Itoa(int(e)) + ")"
}

func (e ExtendedErrorCode) Error() string { return e.Code().Error() }

// Primary result codes (SQLite's values).
const (
	ERROR      ErrorCode = 1
	INTERNAL   ErrorCode = 2
	PERM       ErrorCode = 3
	ABORT      ErrorCode = 4
	BUSY       ErrorCode = 5
	LOCKED     ErrorCode = 6
	NOMEM      ErrorCode = 7
	READONLY   ErrorCode = 8
	INTERRUPT  ErrorCode = 9
	IOERR      ErrorCode = 10
	CORRUPT    ErrorCode = 11
	NOTFOUND   ErrorCode = 12
	FULL       ErrorCode = 13
	CANTOPEN   ErrorCode = 14
	PROTOCOL   ErrorCode = 15
	EMPTY      ErrorCode = 16
	SCHEMA     ErrorCode = 17
	TOOBIG     ErrorCode = 18
	CONSTRAINT ErrorCode = 19
	MISMATCH   ErrorCode = 20
	MISUSE     ErrorCode = 21
	NOLFS      ErrorCode = 22
	AUTH       ErrorCode = 23
	FORMAT     ErrorCode = 24
	RANGE      ErrorCode = 25
	NOTADB     ErrorCode = 26
	NOTICE     ErrorCode = 27
	WARNING    ErrorCode = 28
)

// sqlite3_errstr texts.
var errorStrings = map[ErrorCode]string{
	ERROR: "SQL logic error", INTERNAL: "internal logic error", PERM: "access permission denied",
	ABORT: "query aborted", BUSY: "database is locked", LOCKED: "database table is locked",
	NOMEM: "out of memory", READONLY: "attempt to write a readonly database", INTERRUPT: "interrupted",
	IOERR: "disk I/O error", CORRUPT: "database disk image is malformed", NOTFOUND: "unknown operation",
	FULL: "database or disk is full", CANTOPEN: "unable to open database file", PROTOCOL: "locking protocol",
	SCHEMA: "database schema has changed", TOOBIG: "string or blob too big", CONSTRAINT: "constraint failed",
	MISMATCH: "datatype mismatch", MISUSE: "bad parameter or other API misuse", NOLFS: "large file support is disabled",
	AUTH: "authorization denied", RANGE: "column index out of range", NOTADB: "file is not a database",
	NOTICE: "notification message", WARNING: "warning message",
}

// Extended result codes (SQLite's values).
const (
	ERROR_MISSING_COLLSEQ   ExtendedErrorCode = ExtendedErrorCode(ERROR) | 1<<8
	ERROR_RETRY             ExtendedErrorCode = ExtendedErrorCode(ERROR) | 2<<8
	ERROR_SNAPSHOT          ExtendedErrorCode = ExtendedErrorCode(ERROR) | 3<<8
	IOERR_READ              ExtendedErrorCode = ExtendedErrorCode(IOERR) | 1<<8
	IOERR_SHORT_READ        ExtendedErrorCode = ExtendedErrorCode(IOERR) | 2<<8
	IOERR_WRITE             ExtendedErrorCode = ExtendedErrorCode(IOERR) | 3<<8
	IOERR_FSYNC             ExtendedErrorCode = ExtendedErrorCode(IOERR) | 4<<8
	IOERR_DIR_FSYNC         ExtendedErrorCode = ExtendedErrorCode(IOERR) | 5<<8
	IOERR_TRUNCATE          ExtendedErrorCode = ExtendedErrorCode(IOERR) | 6<<8
	IOERR_FSTAT             ExtendedErrorCode = ExtendedErrorCode(IOERR) | 7<<8
	IOERR_UNLOCK            ExtendedErrorCode = ExtendedErrorCode(IOERR) | 8<<8
	IOERR_RDLOCK            ExtendedErrorCode = ExtendedErrorCode(IOERR) | 9<<8
	IOERR_DELETE            ExtendedErrorCode = ExtendedErrorCode(IOERR) | 10<<8
	IOERR_BLOCKED           ExtendedErrorCode = ExtendedErrorCode(IOERR) | 11<<8
	IOERR_NOMEM             ExtendedErrorCode = ExtendedErrorCode(IOERR) | 12<<8
	IOERR_ACCESS            ExtendedErrorCode = ExtendedErrorCode(IOERR) | 13<<8
	IOERR_CHECKRESERVEDLOCK ExtendedErrorCode = ExtendedErrorCode(IOERR) | 14<<8
	IOERR_LOCK              ExtendedErrorCode = ExtendedErrorCode(IOERR) | 15<<8
	IOERR_CLOSE             ExtendedErrorCode = ExtendedErrorCode(IOERR) | 16<<8
	IOERR_DIR_CLOSE         ExtendedErrorCode = ExtendedErrorCode(IOERR) | 17<<8
	IOERR_SHMOPEN           ExtendedErrorCode = ExtendedErrorCode(IOERR) | 18<<8
	IOERR_SHMSIZE           ExtendedErrorCode = ExtendedErrorCode(IOERR) | 19<<8
	IOERR_SHMLOCK           ExtendedErrorCode = ExtendedErrorCode(IOERR) | 20<<8
	IOERR_SHMMAP            ExtendedErrorCode = ExtendedErrorCode(IOERR) | 21<<8
	IOERR_SEEK              ExtendedErrorCode = ExtendedErrorCode(IOERR) | 22<<8
	IOERR_DELETE_NOENT      ExtendedErrorCode = ExtendedErrorCode(IOERR) | 23<<8
	IOERR_MMAP              ExtendedErrorCode = ExtendedErrorCode(IOERR) | 24<<8
	IOERR_GETTEMPPATH       ExtendedErrorCode = ExtendedErrorCode(IOERR) | 25<<8
	IOERR_CONVPATH          ExtendedErrorCode = ExtendedErrorCode(IOERR) | 26<<8
	IOERR_VNODE             ExtendedErrorCode = ExtendedErrorCode(IOERR) | 27<<8
	IOERR_AUTH              ExtendedErrorCode = ExtendedErrorCode(IOERR) | 28<<8
	IOERR_BEGIN_ATOMIC      ExtendedErrorCode = ExtendedErrorCode(IOERR) | 29<<8
	IOERR_COMMIT_ATOMIC     ExtendedErrorCode = ExtendedErrorCode(IOERR) | 30<<8
	IOERR_ROLLBACK_ATOMIC   ExtendedErrorCode = ExtendedErrorCode(IOERR) | 31<<8
	IOERR_DATA              ExtendedErrorCode = ExtendedErrorCode(IOERR) | 32<<8
	IOERR_CORRUPTFS         ExtendedErrorCode = ExtendedErrorCode(IOERR) | 33<<8
	LOCKED_SHAREDCACHE      ExtendedErrorCode = ExtendedErrorCode(LOCKED) | 1<<8
	LOCKED_VTAB             ExtendedErrorCode = ExtendedErrorCode(LOCKED) | 2<<8
	BUSY_RECOVERY           ExtendedErrorCode = ExtendedErrorCode(BUSY) | 1<<8
	BUSY_SNAPSHOT           ExtendedErrorCode = ExtendedErrorCode(BUSY) | 2<<8
	BUSY_TIMEOUT            ExtendedErrorCode = ExtendedErrorCode(BUSY) | 3<<8
	CANTOPEN_NOTEMPDIR      ExtendedErrorCode = ExtendedErrorCode(CANTOPEN) | 1<<8
	CANTOPEN_ISDIR          ExtendedErrorCode = ExtendedErrorCode(CANTOPEN) | 2<<8
	CANTOPEN_FULLPATH       ExtendedErrorCode = ExtendedErrorCode(CANTOPEN) | 3<<8
	CANTOPEN_CONVPATH       ExtendedErrorCode = ExtendedErrorCode(CANTOPEN) | 4<<8
	CANTOPEN_DIRTYWAL       ExtendedErrorCode = ExtendedErrorCode(CANTOPEN) | 5<<8
	CANTOPEN_SYMLINK        ExtendedErrorCode = ExtendedErrorCode(CANTOPEN) | 6<<8
	CORRUPT_VTAB            ExtendedErrorCode = ExtendedErrorCode(CORRUPT) | 1<<8
	CORRUPT_SEQUENCE        ExtendedErrorCode = ExtendedErrorCode(CORRUPT) | 2<<8
	CORRUPT_INDEX           ExtendedErrorCode = ExtendedErrorCode(CORRUPT) | 3<<8
	READONLY_RECOVERY       ExtendedErrorCode = ExtendedErrorCode(READONLY) | 1<<8
	READONLY_CANTLOCK       ExtendedErrorCode = ExtendedErrorCode(READONLY) | 2<<8
	READONLY_ROLLBACK       ExtendedErrorCode = ExtendedErrorCode(READONLY) | 3<<8
	READONLY_DBMOVED        ExtendedErrorCode = ExtendedErrorCode(READONLY) | 4<<8
	READONLY_CANTINIT       ExtendedErrorCode = ExtendedErrorCode(READONLY) | 5<<8
	READONLY_DIRECTORY      ExtendedErrorCode = ExtendedErrorCode(READONLY) | 6<<8
	ABORT_ROLLBACK          ExtendedErrorCode = ExtendedErrorCode(ABORT) | 2<<8
	CONSTRAINT_CHECK        ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 1<<8
	CONSTRAINT_COMMITHOOK   ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 2<<8
	CONSTRAINT_FOREIGNKEY   ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 3<<8
	CONSTRAINT_FUNCTION     ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 4<<8
	CONSTRAINT_NOTNULL      ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 5<<8
	CONSTRAINT_PRIMARYKEY   ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 6<<8
	CONSTRAINT_TRIGGER      ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 7<<8
	CONSTRAINT_UNIQUE       ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 8<<8
	CONSTRAINT_VTAB         ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 9<<8
	CONSTRAINT_ROWID        ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 10<<8
	CONSTRAINT_PINNED       ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 11<<8
	CONSTRAINT_DATATYPE     ExtendedErrorCode = ExtendedErrorCode(CONSTRAINT) | 12<<8
	NOTICE_RECOVER_WAL      ExtendedErrorCode = ExtendedErrorCode(NOTICE) | 1<<8
	NOTICE_RECOVER_ROLLBACK ExtendedErrorCode = ExtendedErrorCode(NOTICE) | 2<<8
	WARNING_AUTOINDEX       ExtendedErrorCode = ExtendedErrorCode(WARNING) | 1<<8
	AUTH_USER               ExtendedErrorCode = ExtendedErrorCode(AUTH) | 1<<8
)
