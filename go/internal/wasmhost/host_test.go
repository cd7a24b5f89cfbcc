package wasmhost

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/api"

	"github.com/ferrolite/ferrolite/go/internal/vfs"
)

// fakeMemory is a linear memory of fixed size with wazero's bounds rule.
type fakeMemory struct {
	api.Memory
	b []byte
}

func (m *fakeMemory) Read(off, n uint32) ([]byte, bool) {
	if uint64(off)+uint64(n) > uint64(len(m.b)) {
		return nil, false
	}
	return m.b[off : off+n : off+n], true
}

type fakeModule struct {
	api.Module
	mem *fakeMemory
}

func (m *fakeModule) Memory() api.Memory { return m.mem }

func newHostEnv(t *testing.T) (context.Context, *fakeModule, *Conn) {
	c := &Conn{}
	c.cc.conn = c
	c.cc.Context = context.Background()
	t.Cleanup(c.files.CloseAll)
	return &c.cc, &fakeModule{mem: &fakeMemory{b: make([]byte, 4096)}}, c
}

func callHost(ctx context.Context, m api.Module, f api.GoModuleFunc, args ...uint64) uint64 {
	stack := make([]uint64, max(len(args), 1))
	copy(stack, args)
	f(ctx, m, stack)
	return stack[0]
}

func TestHostFileImports(t *testing.T) {
	ctx, m, c := newHostEnv(t)
	path := filepath.Join(t.TempDir(), "h.db")
	copy(m.mem.b[100:], path)
	fd := api.DecodeI32(callHost(ctx, m, fsOpen, 100, uint64(len(path)), vfs.OpenCreate))
	if fd != 1 {
		t.Fatalf("fs_open = %d", fd)
	}
	copy(m.mem.b[1000:], "page data")
	if rc := api.DecodeI32(callHost(ctx, m, fsWrite, 1, 1000, 9, 4096)); rc != 0 {
		t.Fatalf("fs_write = %d", rc)
	}
	if n := int64(callHost(ctx, m, fsSize, 1)); n != 4105 {
		t.Fatalf("fs_size = %d", n)
	}
	if n := api.DecodeI32(callHost(ctx, m, fsRead, 1, 2000, 100, 4096)); n != 9 || string(m.mem.b[2000:2009]) != "page data" {
		t.Fatalf("fs_read = %d %q", n, m.mem.b[2000:2009])
	}
	if rc := api.DecodeI32(callHost(ctx, m, fsLock, 1, 0x40000002, 510, 1)); rc != 0 {
		t.Fatalf("fs_lock = %d", rc)
	}
	if rc := api.DecodeI32(callHost(ctx, m, fsSync, 1, 0)); rc != 0 {
		t.Fatalf("fs_sync = %d", rc)
	}
	if rc := api.DecodeI32(callHost(ctx, m, fsTruncate, 1, 0)); rc != 0 {
		t.Fatalf("fs_truncate = %d", rc)
	}
	if yes := api.DecodeI32(callHost(ctx, m, fsExists, 100, uint64(len(path)))); yes != 1 {
		t.Fatalf("fs_exists = %d", yes)
	}
	if rc := api.DecodeI32(callHost(ctx, m, fsClose, 1)); rc != 0 || c.files.OpenCount() != 0 {
		t.Fatalf("fs_close = %d", rc)
	}
	if rc := api.DecodeI32(callHost(ctx, m, fsDelete, 100, uint64(len(path)), 1)); rc != 0 {
		t.Fatalf("fs_delete = %d", rc)
	}
	if rc := api.DecodeI32(callHost(ctx, m, fsDelete, 100, uint64(len(path)), 0)); rc != vfs.IOERR_DELETE_NOENT {
		t.Fatalf("fs_delete of a missing file = %d", rc)
	}
}

// Bad handles and out-of-bounds buffers are error codes, never panics.
func TestHostImportsRejectBadInput(t *testing.T) {
	ctx, m, _ := newHostEnv(t)
	cases := []struct {
		name string
		f    api.GoModuleFunc
		args []uint64
		want int32
	}{
		{"open path out of bounds", fsOpen, []uint64{4000, 200, 0}, -vfs.CANTOPEN},
		{"open missing file", fsOpen, []uint64{0, 5, 0}, -vfs.CANTOPEN},
		{"read bad handle", fsRead, []uint64{7, 0, 10, 0}, -vfs.IOERR_READ},
		{"write bad handle", fsWrite, []uint64{7, 0, 10, 0}, vfs.IOERR_WRITE},
		{"sync bad handle", fsSync, []uint64{0, 0}, vfs.IOERR_FSYNC},
		{"truncate bad handle", fsTruncate, []uint64{99, 0}, vfs.IOERR_TRUNCATE},
		{"lock bad handle", fsLock, []uint64{3, 0, 1, 1}, vfs.IOERR_LOCK},
		{"close bad handle", fsClose, []uint64{0}, vfs.IOERR_CLOSE},
		{"delete path out of bounds", fsDelete, []uint64{0xffffff00, 0x1000, 0}, vfs.IOERR_DELETE},
		{"exists path out of bounds", fsExists, []uint64{4095, 2}, -vfs.IOERR_ACCESS},
	}
	for _, c := range cases {
		if got := api.DecodeI32(callHost(ctx, m, c.f, c.args...)); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	if got := int64(callHost(ctx, m, fsSize, 42)); got != -vfs.IOERR_FSTAT {
		t.Errorf("size of a bad handle: %d", got)
	}
	// An open file with a buffer past the end of memory.
	path := filepath.Join(t.TempDir(), "b.db")
	copy(m.mem.b[0:], path)
	fd := callHost(ctx, m, fsOpen, 0, uint64(len(path)), vfs.OpenCreate)
	if got := api.DecodeI32(callHost(ctx, m, fsRead, fd, 4000, 200, 0)); got != -vfs.IOERR_READ {
		t.Errorf("read into out-of-bounds buffer: %d", got)
	}
	if got := api.DecodeI32(callHost(ctx, m, fsWrite, fd, 4000, 200, 0)); got != vfs.IOERR_WRITE {
		t.Errorf("write from out-of-bounds buffer: %d", got)
	}
	callHost(ctx, m, random, 4090, 100) // out of bounds: ignored, no panic
}

func TestHostInterruptAndSleep(t *testing.T) {
	ctx, m, c := newHostEnv(t)
	if callHost(ctx, m, interrupted) != 0 {
		t.Fatal("interrupted with a live context")
	}
	cctx, cancel := context.WithCancel(context.Background())
	c.cc.Context = cctx
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	callHost(ctx, m, sleep, uint64(10*time.Second/time.Microsecond))
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("sleep ignored the cancelled context: %v", d)
	}
	if callHost(ctx, m, interrupted) != 1 {
		t.Fatal("not interrupted after cancel")
	}
	now := int64(callHost(ctx, m, timeMs))
	if d := time.Now().UnixMilli() - now; d < 0 || d > 1000 {
		t.Fatalf("time_ms off by %d ms", d)
	}
	callHost(ctx, m, random, 0, 64)
	zero := true
	for _, b := range m.mem.b[:64] {
		zero = zero && b == 0
	}
	if zero {
		t.Fatal("random left the buffer zero")
	}
}
