package wasmhost

// Bounds-checked access to an instance's linear memory. A ptr is an
// address inside it; nothing here panics on a bad address or length, it
// reports an error (or false) instead. Views returned by bytes() alias the
// memory and are valid only until the next call into the instance (memory
// may grow and move during any call).

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/tetratelabs/wazero/api"
)

// ptr is an address in the module's linear memory.
type ptr uint32

type memory struct{ m api.Memory }

func errBounds(p ptr, n uint64) error {
	return &Error{Code: codeInternal, ExtendedCode: codeInternal,
		Msg: fmt.Sprintf("ferrolite: engine returned an out-of-bounds buffer (addr %d, len %d)", p, n)}
}

// bytes returns a view of n bytes at p.
func (m memory) bytes(p ptr, n uint32) ([]byte, error) {
	b, ok := m.m.Read(uint32(p), n)
	if !ok {
		return nil, errBounds(p, uint64(n))
	}
	return b, nil
}

func (m memory) u32(p ptr) (uint32, error) {
	v, ok := m.m.ReadUint32Le(uint32(p))
	if !ok {
		return 0, errBounds(p, 4)
	}
	return v, nil
}

func (m memory) i32(p ptr) (int32, error) {
	v, err := m.u32(p)
	return int32(v), err
}

func (m memory) i64(p ptr) (int64, error) {
	v, ok := m.m.ReadUint64Le(uint32(p))
	if !ok {
		return 0, errBounds(p, 8)
	}
	return int64(v), nil
}

// reader decodes a buffer the engine produced, checking every length
// against what is left.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = &Error{Code: codeInternal, ExtendedCode: codeInternal,
			Msg: fmt.Sprintf("ferrolite: malformed buffer from engine at byte %d of %d", r.off, len(r.b))}
	}
}

func (r *reader) take(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)-r.off) {
		r.fail()
		return nil
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

func (r *reader) u8() byte {
	s := r.take(1)
	if s == nil {
		return 0
	}
	return s[0]
}

func (r *reader) u32() uint32 {
	s := r.take(4)
	if s == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(s)
}

func (r *reader) u64() uint64 {
	s := r.take(8)
	if s == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(s)
}

func (r *reader) f64() float64 { return math.Float64frombits(r.u64()) }

// str reads a u32 length and that many bytes as a string (copied).
func (r *reader) str() string { return string(r.take(uint64(r.u32()))) }

func (r *reader) done() bool { return r.err == nil && r.off == len(r.b) }
