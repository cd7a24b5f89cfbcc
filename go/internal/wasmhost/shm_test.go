package wasmhost

// Tests of the wal-index mapping (fs_map, fs_unmap, shm_barrier) with real
// wazero instances of a small hand-assembled module whose code loads and
// stores in its own linear memory, so what is proven is what the engine's
// compiled code sees: two instances mapping one -shm file see each other's
// stores at once, memory growth never moves the base, fs_unmap restores
// private zero memory, bad arguments are error codes.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/ferrolite/ferrolite/go/internal/vfs"
)

// leb appends x as unsigned LEB128.
func leb(b []byte, x uint32) []byte {
	for {
		c := byte(x & 0x7f)
		x >>= 7
		if x == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func wasmName(b []byte, s string) []byte { return append(leb(b, uint32(len(s))), s...) }

func wasmSection(b []byte, id byte, body []byte) []byte {
	return append(leb(append(b, id), uint32(len(body))), body...)
}

// shmTestModule imports fs_map, fs_unmap and shm_barrier and exports its
// memory (1 page, no maximum) and map/unmap/barrier wrappers, load/store of
// an i32 and memory.grow.
func shmTestModule() []byte {
	const i32, i64 = 0x7f, 0x7e
	types := [][2][]byte{
		{{i32, i64, i32, i32}, {i32}}, // 0 fs_map
		{{i32, i32}, {i32}},           // 1 fs_unmap
		{{}, {}},                      // 2 shm_barrier
		{{i32}, {i32}},                // 3 load, grow
		{{i32, i32}, {}},              // 4 store
	}
	var sec []byte
	sec = leb(sec, uint32(len(types)))
	for _, t := range types {
		sec = append(sec, 0x60)
		sec = append(leb(sec, uint32(len(t[0]))), t[0]...)
		sec = append(leb(sec, uint32(len(t[1]))), t[1]...)
	}
	m := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	m = wasmSection(m, 1, sec)
	imports := []struct {
		name string
		typ  byte
	}{{"fs_map", 0}, {"fs_unmap", 1}, {"shm_barrier", 2}}
	sec = leb(nil, uint32(len(imports)))
	for _, im := range imports {
		sec = wasmName(wasmName(sec, hostModule), im.name)
		sec = append(sec, 0, im.typ)
	}
	m = wasmSection(m, 2, sec)
	funcs := []struct {
		name string
		typ  byte
		code []byte
	}{
		{"map", 0, []byte{0x20, 0, 0x20, 1, 0x20, 2, 0x20, 3, 0x10, 0}},
		{"unmap", 1, []byte{0x20, 0, 0x20, 1, 0x10, 1}},
		{"barrier", 2, []byte{0x10, 2}},
		{"load", 3, []byte{0x20, 0, 0x28, 2, 0}},
		{"store", 4, []byte{0x20, 0, 0x20, 1, 0x36, 2, 0}},
		{"grow", 3, []byte{0x20, 0, 0x40, 0}},
	}
	sec = leb(nil, uint32(len(funcs)))
	for _, f := range funcs {
		sec = append(sec, f.typ)
	}
	m = wasmSection(m, 3, sec)
	m = wasmSection(m, 5, []byte{1, 0, 1}) // one memory, min 1 page, no max
	sec = leb(nil, uint32(len(funcs)+1))
	sec = append(wasmName(sec, "memory"), 2, 0)
	for i, f := range funcs {
		sec = append(wasmName(sec, f.name), 0)
		sec = leb(sec, uint32(len(imports)+i))
	}
	m = wasmSection(m, 7, sec)
	sec = leb(nil, uint32(len(funcs)))
	for _, f := range funcs {
		body := append([]byte{0}, f.code...) // no locals
		body = append(body, 0x0b)
		sec = append(leb(sec, uint32(len(body))), body...)
	}
	return wasmSection(m, 10, sec)
}

// shmInst is one instance of the test module with its own Conn (file
// table, linear memory) so the host functions find it as for the engine.
type shmInst struct {
	t   *testing.T
	c   *Conn
	mod api.Module
	ctx context.Context
}

func newShmRuntime(t *testing.T) (wazero.Runtime, wazero.CompiledModule) {
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig())
	t.Cleanup(func() { r.Close(ctx) })
	if err := instantiateHostModule(ctx, r); err != nil {
		t.Fatal(err)
	}
	cm, err := r.CompileModule(ctx, shmTestModule())
	if err != nil {
		t.Fatalf("compiling the test module: %v", err)
	}
	return r, cm
}

func newShmInst(t *testing.T, r wazero.Runtime, cm wazero.CompiledModule, lm *instMem) *shmInst {
	c := &Conn{lm: lm}
	c.cc.conn = c
	c.cc.Context = context.Background()
	ictx := experimental.WithMemoryAllocator(context.Background(), lm)
	mod, err := r.InstantiateModule(ictx, cm, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.files.CloseAll()
		mod.Close(context.Background())
	})
	return &shmInst{t: t, c: c, mod: mod, ctx: &c.cc}
}

func (s *shmInst) call(name string, args ...uint64) uint64 {
	s.t.Helper()
	res, err := s.mod.ExportedFunction(name).Call(s.ctx, args...)
	if err != nil {
		s.t.Fatalf("%s%v: %v", name, args, err)
	}
	if len(res) == 0 {
		return 0
	}
	return res[0]
}

func (s *shmInst) open(path string, flags int32) int32 {
	s.t.Helper()
	h, code := s.c.files.Open(path, flags)
	if code != vfs.OK {
		s.t.Fatalf("open %s: %d", path, code)
	}
	return h
}

func (s *shmInst) mapBlock(fd int32, off int64, length, at uint32) int32 {
	return api.DecodeI32(s.call("map", api.EncodeI32(fd), api.EncodeI64(off), uint64(length), uint64(at)))
}

func (s *shmInst) unmap(at, length uint32) int32 {
	return api.DecodeI32(s.call("unmap", uint64(at), uint64(length)))
}

func (s *shmInst) load(addr uint32) uint32 { return uint32(s.call("load", uint64(addr))) }

func (s *shmInst) store(addr, v uint32) { s.call("store", uint64(addr), uint64(v)) }

func (s *shmInst) grow(pages uint32) int32 { return api.DecodeI32(s.call("grow", uint64(pages))) }

func (s *shmInst) base() uintptr {
	b, ok := s.mod.Memory().Read(0, 1)
	if !ok {
		s.t.Fatal("memory is empty")
	}
	return uintptr(unsafe.Pointer(&b[0]))
}

func needFixed(t *testing.T) {
	t.Helper()
	f, err := vfs.ReserveFixed(1 << 20)
	if err != nil {
		t.Fatalf("this test system must support fixed memories (unix, 64-bit): %v", err)
	}
	f.Free()
}

const blk = vfs.ShmRegion

func TestShmMapSharedBetweenInstances(t *testing.T) {
	needFixed(t)
	r, cm := newShmRuntime(t)
	a := newShmInst(t, r, cm, &instMem{})
	b := newShmInst(t, r, cm, &instMem{})
	path := filepath.Join(t.TempDir(), "x.db-shm")
	fa := a.open(path, vfs.OpenCreate|vfs.OpenShm)
	fb := b.open(path, vfs.OpenCreate|vfs.OpenShm)
	for _, s := range []*shmInst{a, b} {
		if old := s.grow(2); old != 1 {
			t.Fatalf("grow: old size %d pages", old)
		}
	}
	// a maps regions 0 and 1 at 64 KiB; b maps them in the other order at
	// other addresses, so sharing cannot be an accident of placement.
	for i, at := range []uint32{65536, 65536 + blk} {
		if rc := a.mapBlock(fa, int64(i)*blk, blk, at); rc != 0 {
			t.Fatalf("a fs_map region %d: %d", i, rc)
		}
	}
	if rc := b.mapBlock(fb, blk, blk, 131072); rc != 0 {
		t.Fatalf("b fs_map region 1: %d", rc)
	}
	if rc := b.mapBlock(fb, 0, blk, 131072+blk); rc != 0 {
		t.Fatalf("b fs_map region 0: %d", rc)
	}
	if st, err := os.Stat(path); err != nil || st.Size() != 2*blk {
		t.Fatalf("fs_map grew the file to %v (%v), want %d", st.Size(), err, 2*blk)
	}
	a.store(65536+120, 0xdeadbeef) // region 0, byte 120
	a.call("barrier")
	if v := b.load(131072 + blk + 120); v != 0xdeadbeef {
		t.Fatalf("b sees %#x in region 0, want a's store", v)
	}
	b.store(131072+4, 0x01020304) // region 1, byte 4
	b.call("barrier")
	if v := a.load(65536 + blk + 4); v != 0x01020304 {
		t.Fatalf("a sees %#x in region 1, want b's store", v)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if binary.LittleEndian.Uint32(data[120:]) != 0xdeadbeef || binary.LittleEndian.Uint32(data[blk+4:]) != 0x01020304 {
		t.Fatalf("the file does not hold the stores: %x / %x", data[120:124], data[blk+4:blk+8])
	}
	// A write through the file (as another process's pwrite) shows in both.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte{9, 8, 7, 6}, 200); err != nil {
		t.Fatal(err)
	}
	if a.load(65536+200) != 0x06070809 || b.load(131072+blk+200) != 0x06070809 {
		t.Fatalf("a file write is not visible in the mappings: %#x %#x", a.load(65536+200), b.load(131072+blk+200))
	}
}

func TestShmGrowthNeverMovesMemory(t *testing.T) {
	needFixed(t)
	r, cm := newShmRuntime(t)
	a := newShmInst(t, r, cm, &instMem{})
	b := newShmInst(t, r, cm, &instMem{})
	path := filepath.Join(t.TempDir(), "g.db-shm")
	fa := a.open(path, vfs.OpenCreate)
	fb := b.open(path, vfs.OpenCreate)
	a.grow(1)
	b.grow(1)
	if a.mapBlock(fa, 0, blk, 65536) != 0 || b.mapBlock(fb, 0, blk, 65536+blk) != 0 {
		t.Fatal("fs_map failed")
	}
	base := a.base()
	a.store(65536+8, 77)
	for i := 0; i < 40; i++ {
		if old := a.grow(50); old < 0 {
			t.Fatalf("grow %d failed", i)
		}
		if a.base() != base {
			t.Fatalf("memory moved after growing to %d pages", a.mod.Memory().Size()/65536)
		}
		a.store(uint32(a.mod.Memory().Size())-4, uint32(i)) // new pages are usable
		a.store(65536+8, uint32(1000+i))
		if v := b.load(65536 + blk + 8); v != uint32(1000+i) {
			t.Fatalf("after growth %d the mapped block is no longer shared: b sees %d", i, v)
		}
	}
	if got := a.mod.Memory().Size() / 65536; got != 2+40*50 {
		t.Fatalf("memory is %d pages", got)
	}
}

func TestShmUnmapRestoresPrivateZeroMemory(t *testing.T) {
	needFixed(t)
	r, cm := newShmRuntime(t)
	a := newShmInst(t, r, cm, &instMem{})
	path := filepath.Join(t.TempDir(), "u.db-shm")
	if err := os.WriteFile(path, bytes.Repeat([]byte{0xab}, blk), 0o644); err != nil {
		t.Fatal(err)
	}
	fd := a.open(path, 0)
	a.grow(1)
	if rc := a.mapBlock(fd, 0, blk, 65536); rc != 0 {
		t.Fatalf("fs_map: %d", rc)
	}
	if v := a.load(65536 + 40); v != 0xabababab {
		t.Fatalf("mapped block reads %#x, want the file's bytes", v)
	}
	if rc := a.unmap(65536, blk); rc != 0 {
		t.Fatalf("fs_unmap: %d", rc)
	}
	for _, off := range []uint32{0, 40, blk - 4} {
		if v := a.load(65536 + off); v != 0 {
			t.Fatalf("after fs_unmap byte %d reads %#x, want 0", off, v)
		}
	}
	a.store(65536+40, 5)
	if v := a.load(65536 + 40); v != 5 {
		t.Fatalf("unmapped memory is not writable: %d", v)
	}
	data, _ := os.ReadFile(path)
	if !bytes.Equal(data, bytes.Repeat([]byte{0xab}, blk)) {
		t.Fatal("a store after fs_unmap reached the file")
	}
	// The block can be mapped again.
	if rc := a.mapBlock(fd, 0, blk, 65536); rc != 0 || a.load(65536+40) != 0xabababab {
		t.Fatalf("re-map: rc %d, reads %#x", rc, a.load(65536+40))
	}
}

func TestShmMapBadArguments(t *testing.T) {
	needFixed(t)
	r, cm := newShmRuntime(t)
	a := newShmInst(t, r, cm, &instMem{})
	dir := t.TempDir()
	fd := a.open(filepath.Join(dir, "b.db-shm"), vfs.OpenCreate)
	a.grow(1) // memory: 2 pages = 131072 bytes
	cases := []struct {
		name    string
		fd      int32
		off     int64
		len, at uint32
	}{
		{"unaligned address", fd, 0, blk, 65536 + 4096},
		{"unaligned offset", fd, 4096, blk, 65536},
		{"negative offset", fd, -blk, blk, 65536},
		{"length not a block multiple", fd, 0, 4096, 65536},
		{"zero length", fd, 0, 0, 65536},
		{"negative length", fd, 0, 0xffff8000, 65536},
		{"past the end of memory", fd, 0, blk, 131072},
		{"straddling the end", fd, 0, 2 * blk, 65536 + blk},
		{"address near 4 GiB", fd, 0, blk, 0xffff8000},
		{"unknown handle", 99, 0, blk, 65536},
		{"handle 0", 0, 0, blk, 65536},
	}
	for _, c := range cases {
		if rc := a.mapBlock(c.fd, c.off, c.len, c.at); rc != vfs.IOERR_SHMMAP {
			t.Errorf("%s: fs_map = %d, want IOERR_SHMMAP %d", c.name, rc, vfs.IOERR_SHMMAP)
		}
	}
	for _, c := range cases[:8] {
		if c.fd == fd && c.off == 0 {
			if rc := a.unmap(c.at, c.len); rc != vfs.IOERR_SHMMAP && c.name != "unaligned offset" {
				t.Errorf("%s: fs_unmap = %d, want IOERR_SHMMAP", c.name, rc)
			}
		}
	}
	if st, _ := os.Stat(filepath.Join(dir, "b.db-shm")); st.Size() != 0 {
		t.Fatalf("a refused fs_map changed the file size to %d", st.Size())
	}

	// A read-only handle: a short file is IOERR_SHMSIZE, never grown; a
	// long enough one maps privately, so stores never reach the file.
	ro := filepath.Join(dir, "ro.db-shm")
	if err := os.WriteFile(ro, make([]byte, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	rfd := a.open(ro, vfs.OpenReadOnly|vfs.OpenShm)
	if rc := a.mapBlock(rfd, 0, blk, 65536); rc != vfs.IOERR_SHMSIZE {
		t.Fatalf("read-only short file: fs_map = %d, want IOERR_SHMSIZE", rc)
	}
	if err := os.WriteFile(ro, bytes.Repeat([]byte{1}, blk), 0o644); err != nil {
		t.Fatal(err)
	}
	if rc := a.mapBlock(rfd, 0, blk, 65536); rc != 0 {
		t.Fatalf("read-only file: fs_map = %d", rc)
	}
	if v := a.load(65536); v != 0x01010101 {
		t.Fatalf("read-only mapping reads %#x", v)
	}
	a.store(65536, 0)
	if data, _ := os.ReadFile(ro); data[0] != 1 {
		t.Fatal("a store into a read-only mapping reached the file")
	}
}

func TestShmMovableMemoryRefusesMapping(t *testing.T) {
	r, cm := newShmRuntime(t)
	lm := &instMem{}
	a := newShmInst(t, r, cm, lm)
	if lm.fixed == nil {
		t.Fatal("the allocator did not make a fixed memory")
	}
	// The movable fallback (what Windows gets): fs_map is IOERR_SHMMAP.
	mv := &instMem{max: 1 << 20}
	if mv.Reallocate(65536) == nil || len(mv.Reallocate(3*65536)) != 3*65536 {
		t.Fatal("fallback memory does not grow")
	}
	if mv.Reallocate(2<<20) != nil {
		t.Fatal("fallback memory grew past its maximum")
	}
	fd := a.open(filepath.Join(t.TempDir(), "m.db-shm"), vfs.OpenCreate)
	f := a.c.files.Get(fd)
	if rc := mv.mapFile(f, 0, blk, 0); rc != vfs.IOERR_SHMMAP {
		t.Fatalf("fs_map on a movable memory = %d", rc)
	}
	if rc := mv.unmap(0, blk); rc != vfs.IOERR_SHMMAP {
		t.Fatalf("fs_unmap on a movable memory = %d", rc)
	}
	mv.Free()
	a.call("barrier") // shm_barrier is callable and returns nothing
}

// TestShmMapSharedWithAnotherProcess: a python3 process maps the same file
// with mmap(MAP_SHARED) and exchanges values with the instance.
func TestShmMapSharedWithAnotherProcess(t *testing.T) {
	needFixed(t)
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is required for this test")
	}
	r, cm := newShmRuntime(t)
	a := newShmInst(t, r, cm, &instMem{})
	path := filepath.Join(t.TempDir(), "p.db-shm")
	fd := a.open(path, vfs.OpenCreate)
	a.grow(1)
	if rc := a.mapBlock(fd, 0, blk, 65536); rc != 0 {
		t.Fatalf("fs_map: %d", rc)
	}
	a.store(65536+16, 4242)
	script := `
import mmap, struct, sys, time
f = open(sys.argv[1], "r+b")
m = mmap.mmap(f.fileno(), 32768, mmap.MAP_SHARED)
print(struct.unpack_from("<I", m, 16)[0], flush=True)
struct.pack_into("<I", m, 20, 777)
sys.stdin.readline()
print(struct.unpack_from("<I", m, 24)[0], flush=True)
`
	cmd := exec.Command(py, "-c", script, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, _ := cmd.StdinPipe()
	outPipe, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	out := bufio.NewReader(outPipe)
	line, err := out.ReadString('\n')
	if got := strings.TrimSpace(line); got != "4242" {
		t.Fatalf("python sees %q (%v), want 4242; stderr: %s", got, err, stderr.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.load(65536+20) != 777 {
		if time.Now().After(deadline) {
			t.Fatal("the python store never showed in the instance")
		}
	}
	a.store(65536+24, 31337)
	a.call("barrier")
	in.Write([]byte("\n"))
	line, err = out.ReadString('\n')
	if got := strings.TrimSpace(line); got != "31337" {
		t.Fatalf("python sees %q (%v) after the second store, want 31337; stderr: %s", got, err, stderr.String())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// The real engine on a memory that can move (what Windows gets): WAL mode
// is refused with the host's IOERR_SHMMAP and a clear message, and the
// database stays usable in rollback mode.
func TestEngineRefusesWALWithoutSharedMemory(t *testing.T) {
	ctx := context.Background()
	movableOnly = true
	defer func() { movableOnly = false }()
	path := filepath.Join(t.TempDir(), "nowal.db")
	c, err := Open(ctx, path, 2|4)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if c.lm == nil || c.lm.fixed != nil {
		t.Fatal("the instance did not get the movable memory")
	}
	if err := c.Exec(ctx, "CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	werr := c.Exec(ctx, "PRAGMA journal_mode=WAL")
	var e *Error
	if !errors.As(werr, &e) || e.ExtendedCode != vfs.IOERR_SHMMAP || !strings.Contains(e.Msg, "shared memory") {
		t.Fatalf("PRAGMA journal_mode=WAL without shared memory: %v, want IOERR_SHMMAP with a clear message", werr)
	}
	if exists := func(p string) bool { _, err := os.Stat(p); return err == nil }; exists(path+"-shm") {
		// The -shm may have been created before the refusal; it must not be
		// left behind by a connection that is not in WAL mode.
		t.Errorf("a refused WAL left %s-shm behind", path)
	}
	info, err := c.Prepare(ctx, "SELECT count(*) FROM t")
	if err != nil {
		t.Fatal(err)
	}
	dest := make([]any, 1)
	if ok, err := c.Step(ctx, info.ID, dest); !ok || err != nil || dest[0] != int64(1) {
		t.Fatalf("database after the refusal: %v %v %v", ok, err, dest)
	}
	c.Finalize(ctx, info.ID)
	if err := c.Exec(ctx, "INSERT INTO t VALUES (2)"); err != nil {
		t.Fatalf("write after the refusal: %v", err)
	}
}
