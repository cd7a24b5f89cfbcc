package wasmhost

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestEncodeParams(t *testing.T) {
	args := []any{nil, int64(-2), 1.5, "hé", []byte{0, 1}, []byte{}}
	n, err := encodedSize(args)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, n)
	encodeParams(b, args)
	want := []byte{6, 0, 0, 0, 0}
	want = append(want, 1)
	want = binary.LittleEndian.AppendUint64(want, uint64(0xfffffffffffffffe))
	want = append(want, 2)
	want = binary.LittleEndian.AppendUint64(want, math.Float64bits(1.5))
	want = append(want, 3, 3, 0, 0, 0, 'h', 0xc3, 0xa9)
	want = append(want, 4, 2, 0, 0, 0, 0, 1)
	want = append(want, 4, 0, 0, 0, 0)
	if !bytes.Equal(b, want) {
		t.Fatalf("encoded\n%v\nwant\n%v", b, want)
	}
	// The row format is the same value encoding without the count.
	dest := make([]any, len(args))
	if err := decodeRow(b[4:], dest); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(dest, args) {
		t.Fatalf("decoded %#v, want %#v", dest, args)
	}
	if _, err := encodedSize([]any{struct{}{}}); err == nil {
		t.Fatal("unsupported type accepted")
	}
}

func TestDecodeRowRejectsMalformed(t *testing.T) {
	cases := map[string][]byte{
		"bad tag":         {9},
		"short integer":   {1, 0, 0},
		"text too long":   {3, 10, 0, 0, 0, 'a'},
		"huge length":     {4, 0xff, 0xff, 0xff, 0xff},
		"trailing bytes":  {0, 0},
		"missing columns": {},
	}
	for name, b := range cases {
		dest := make([]any, 1)
		err := decodeRow(b, dest)
		var e *Error
		if !errors.As(err, &e) || e.Code != codeInternal {
			t.Errorf("%s: err = %v, want an INTERNAL *Error", name, err)
		}
	}
}

func TestDecodeMeta(t *testing.T) {
	le := binary.LittleEndian
	var b []byte
	b = le.AppendUint32(b, 2)
	for _, s := range []string{"id", "INTEGER", "n", ""} {
		b = le.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	b = le.AppendUint32(b, 3)
	for _, s := range []string{":a", "", "?3"} {
		b = le.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	b = le.AppendUint32(b, 1)
	var info StmtInfo
	if err := decodeMeta(b, &info); err != nil {
		t.Fatal(err)
	}
	want := StmtInfo{Columns: []string{"id", "n"}, DeclTypes: []string{"INTEGER", ""},
		Params: []string{":a", "", "?3"}, ReadOnly: true}
	if !reflect.DeepEqual(info, want) {
		t.Fatalf("got %#v want %#v", info, want)
	}
	for cut := 0; cut < len(b); cut++ {
		var i StmtInfo
		if err := decodeMeta(b[:cut], &i); err == nil {
			t.Fatalf("truncated metadata (%d of %d bytes) accepted", cut, len(b))
		}
	}
	// A column count far beyond the buffer must not allocate for it.
	huge := le.AppendUint32(nil, 0xffffffff)
	var i StmtInfo
	if err := decodeMeta(huge, &i); err == nil {
		t.Fatal("huge column count accepted")
	}
}
