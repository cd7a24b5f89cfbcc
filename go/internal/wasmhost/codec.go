package wasmhost

// The encodings of docs/abi.md ("Value encoding"): a value is a tag byte
// (0 NULL, 1 INTEGER i64, 2 REAL f64 bits, 3 TEXT u32 len + UTF-8,
// 4 BLOB u32 len + bytes), little-endian. A parameter list is u32 count then
// the values; a row is the values of the result columns; statement
// metadata is u32 ncols, per column (u32 len, name; u32 len, decltype),
// u32 nparams, per parameter (u32 len, name), u32 flags (bit 0 read-only).

import (
	"encoding/binary"
	"fmt"
	"math"
)

const (
	tagNull    = 0
	tagInteger = 1
	tagReal    = 2
	tagText    = 3
	tagBlob    = 4
)

// StmtInfo describes a statement fl_prepare compiled.
type StmtInfo struct {
	ID        uint32   // handle for Bind/Step/Run/Reset/Finalize; 0 = the SQL held no statement
	Tail      int      // byte offset in the SQL where the next statement begins
	Columns   []string // result column names
	DeclTypes []string // declared types ("" = none)
	Params    []string // parameter names with prefix (":a", "?3"); "" = plain "?"
	ReadOnly  bool     // the statement makes no direct changes
}

func decodeMeta(b []byte, info *StmtInfo) error {
	r := reader{b: b}
	ncols := r.u32()
	if uint64(ncols) > uint64(len(b))/8 {
		r.fail()
		return r.err
	}
	info.Columns = make([]string, ncols)
	info.DeclTypes = make([]string, ncols)
	for i := range info.Columns {
		info.Columns[i] = r.str()
		info.DeclTypes[i] = r.str()
	}
	nparams := r.u32()
	if uint64(nparams) > uint64(len(b))/4 {
		r.fail()
		return r.err
	}
	info.Params = make([]string, nparams)
	for i := range info.Params {
		info.Params[i] = r.str()
	}
	flags := r.u32()
	info.ReadOnly = flags&1 != 0
	if r.err == nil && !r.done() {
		r.fail()
	}
	return r.err
}

// encodedSize returns the bytes needed to encode args as a parameter list.
func encodedSize(args []any) (int, error) {
	n := 4
	for i, a := range args {
		switch v := a.(type) {
		case nil:
			n++
		case int64, float64:
			n += 9
		case string:
			if uint64(len(v)) > math.MaxInt32 {
				return 0, &Error{Code: codeTooBig, ExtendedCode: codeTooBig, Msg: "string or blob too big"}
			}
			n += 5 + len(v)
		case []byte:
			if uint64(len(v)) > math.MaxInt32 {
				return 0, &Error{Code: codeTooBig, ExtendedCode: codeTooBig, Msg: "string or blob too big"}
			}
			n += 5 + len(v)
		default:
			return 0, &Error{Code: codeMismatch, ExtendedCode: codeMismatch,
				Msg: fmt.Sprintf("ferrolite: parameter %d has unsupported type %T", i+1, a)}
		}
		if n > math.MaxInt32 {
			return 0, &Error{Code: codeTooBig, ExtendedCode: codeTooBig, Msg: "string or blob too big"}
		}
	}
	return n, nil
}

// encodeParams writes args into b, which has exactly encodedSize bytes.
func encodeParams(b []byte, args []any) {
	le := binary.LittleEndian
	le.PutUint32(b, uint32(len(args)))
	o := 4
	for _, a := range args {
		switch v := a.(type) {
		case nil:
			b[o] = tagNull
			o++
		case int64:
			b[o] = tagInteger
			le.PutUint64(b[o+1:], uint64(v))
			o += 9
		case float64:
			b[o] = tagReal
			le.PutUint64(b[o+1:], math.Float64bits(v))
			o += 9
		case string:
			b[o] = tagText
			le.PutUint32(b[o+1:], uint32(len(v)))
			o += 5 + copy(b[o+5:], v)
		case []byte:
			b[o] = tagBlob
			le.PutUint32(b[o+1:], uint32(len(v)))
			o += 5 + copy(b[o+5:], v)
		}
	}
}

// decodeRow fills dest with the values of a row: nil, int64, float64,
// string or []byte (strings and blobs are copies). The row must hold
// exactly len(dest) values.
func decodeRow(b []byte, dest []any) error {
	r := reader{b: b}
	for i := range dest {
		switch r.u8() {
		case tagNull:
			dest[i] = nil
		case tagInteger:
			dest[i] = int64(r.u64())
		case tagReal:
			dest[i] = r.f64()
		case tagText:
			dest[i] = r.str()
		case tagBlob:
			s := r.take(uint64(r.u32()))
			blob := make([]byte, len(s))
			copy(blob, s)
			dest[i] = blob
		default:
			if r.err == nil {
				r.off-- // point the message at the bad tag
				r.fail()
			}
		}
		if r.err != nil {
			return r.err
		}
	}
	if !r.done() {
		r.fail()
	}
	return r.err
}
