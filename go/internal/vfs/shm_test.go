//go:build unix

package vfs

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Both ways of growing a -shm file keep its bytes and only ever extend.
func TestGrowShmFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		grow func(f *os.File, cur, size int64) error
	}{{"growFile", growFile}, {"writeZeroPages", writeZeroPages}} {
		path := filepath.Join(t.TempDir(), "g-shm")
		head := bytes.Repeat([]byte{7}, 5000)
		if err := os.WriteFile(path, head, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := tc.grow(f, 5000, 2*ShmRegion); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := tc.grow(f, 5000, ShmRegion); err != nil { // stale smaller request
			t.Fatalf("%s: %v", tc.name, err)
		}
		f.Close()
		data, _ := os.ReadFile(path)
		want := append(head, make([]byte, 2*ShmRegion-5000)...)
		if !bytes.Equal(data, want) {
			t.Fatalf("%s: file is %d bytes, contents kept: %v", tc.name, len(data), bytes.Equal(data[:5000], head))
		}
	}
}

func TestFixedMemGrowAndFree(t *testing.T) {
	m, err := ReserveFixed(1 << 32)
	if err != nil {
		t.Fatalf("a 4 GiB reservation must work on 64-bit unix: %v", err)
	}
	defer m.Free()
	b := m.Grow(65536)
	if len(b) != 65536 || cap(b) != 65536 {
		t.Fatalf("Grow gave len %d cap %d", len(b), cap(b))
	}
	b[65535] = 1
	b2 := m.Grow(10 * 65536)
	if &b2[0] != &b[0] || b2[65535] != 1 || len(b2) != 10*65536 {
		t.Fatal("growth moved or lost the memory")
	}
	b2[len(b2)-1] = 2
	if m.Grow(1<<32+1) != nil {
		t.Fatal("grew past the reservation")
	}
	if len(m.Grow(5)) != 10*65536 {
		t.Fatal("Grow shrank the memory")
	}
	m.Free()
	m.Free()
	if m.Grow(65536) != nil || m.MapFile(nil, 0, ShmRegion, 0) != IOERR_SHMMAP || m.Unmap(0, ShmRegion) != IOERR_SHMMAP {
		t.Fatal("a freed memory is still usable")
	}
	if _, err := ReserveFixed(1<<32 + 65536); err == nil {
		t.Fatal("a reservation above 4 GiB was accepted")
	}
}
