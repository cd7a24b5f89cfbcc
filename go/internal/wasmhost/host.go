package wasmhost

// The host module "ferrolite_host" (docs/abi.md "Imports"), implemented
// over go/internal/vfs. Host functions never panic and never trap on bad
// input: a bad handle or an out-of-bounds buffer is an error code. The
// connection is found through the call's context (callCtx), and
// `interrupted` / `sleep` use that context, which is how cancelling a
// context interrupts a running statement or a busy wait.

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/ferrolite/ferrolite/go/internal/vfs"
)

const hostModule = "ferrolite_host"

func connOf(ctx context.Context) *Conn {
	if cc, ok := ctx.(*callCtx); ok {
		return cc.conn
	}
	c, _ := ctx.Value(connKey{}).(*Conn)
	return c
}

// hostFile resolves a file handle of the calling connection.
func hostFile(ctx context.Context, fd int32) *vfs.File {
	c := connOf(ctx)
	if c == nil {
		return nil
	}
	return c.files.Get(fd)
}

// hostString copies a (ptr, len) string out of the caller's memory.
func hostString(m api.Module, p, n uint64) (string, bool) {
	b, ok := m.Memory().Read(uint32(p), uint32(n))
	if !ok {
		return "", false
	}
	return string(b), true
}

func i32(x uint64) int32 { return api.DecodeI32(x) }

const (
	i32t = api.ValueTypeI32
	i64t = api.ValueTypeI64
)

type hostFn struct {
	name    string
	params  []api.ValueType
	results []api.ValueType
	fn      api.GoModuleFunc
}

var hostFns = []hostFn{
	{"fs_open", []api.ValueType{i32t, i32t, i32t}, []api.ValueType{i32t}, fsOpen},
	{"fs_close", []api.ValueType{i32t}, []api.ValueType{i32t}, fsClose},
	{"fs_read", []api.ValueType{i32t, i32t, i32t, i64t}, []api.ValueType{i32t}, fsRead},
	{"fs_write", []api.ValueType{i32t, i32t, i32t, i64t}, []api.ValueType{i32t}, fsWrite},
	{"fs_sync", []api.ValueType{i32t, i32t}, []api.ValueType{i32t}, fsSync},
	{"fs_size", []api.ValueType{i32t}, []api.ValueType{i64t}, fsSize},
	{"fs_truncate", []api.ValueType{i32t, i64t}, []api.ValueType{i32t}, fsTruncate},
	{"fs_lock", []api.ValueType{i32t, i64t, i64t, i32t}, []api.ValueType{i32t}, fsLock},
	{"fs_delete", []api.ValueType{i32t, i32t, i32t}, []api.ValueType{i32t}, fsDelete},
	{"fs_exists", []api.ValueType{i32t, i32t}, []api.ValueType{i32t}, fsExists},
	{"time_ms", nil, []api.ValueType{i64t}, timeMs},
	{"random", []api.ValueType{i32t, i32t}, nil, random},
	{"sleep", []api.ValueType{i64t}, nil, sleep},
	{"interrupted", nil, []api.ValueType{i32t}, interrupted},
	{"fs_map", []api.ValueType{i32t, i64t, i32t, i32t}, []api.ValueType{i32t}, fsMap},
	{"fs_unmap", []api.ValueType{i32t, i32t}, []api.ValueType{i32t}, fsUnmap},
	{"shm_barrier", nil, nil, shmBarrier},
}

func instantiateHostModule(ctx context.Context, r wazero.Runtime) error {
	b := r.NewHostModuleBuilder(hostModule)
	for _, f := range hostFns {
		b = b.NewFunctionBuilder().WithGoModuleFunction(f.fn, f.params, f.results).Export(f.name)
	}
	_, err := b.Instantiate(ctx)
	return err
}

func fsOpen(ctx context.Context, m api.Module, s []uint64) {
	c := connOf(ctx)
	path, ok := hostString(m, s[0], s[1])
	if c == nil || !ok {
		s[0] = api.EncodeI32(-vfs.CANTOPEN)
		return
	}
	h, code := c.files.Open(path, i32(s[2]))
	if code != vfs.OK {
		s[0] = api.EncodeI32(-code)
		return
	}
	s[0] = api.EncodeI32(h)
}

func fsClose(ctx context.Context, _ api.Module, s []uint64) {
	c := connOf(ctx)
	if c == nil {
		s[0] = api.EncodeI32(vfs.IOERR_CLOSE)
		return
	}
	s[0] = api.EncodeI32(c.files.Close(i32(s[0])))
}

func fsRead(ctx context.Context, m api.Module, s []uint64) {
	f := hostFile(ctx, i32(s[0]))
	buf, ok := m.Memory().Read(uint32(s[1]), uint32(s[2]))
	if f == nil || !ok || i32(s[2]) < 0 {
		s[0] = api.EncodeI32(-vfs.IOERR_READ)
		return
	}
	n, code := f.ReadAt(buf, int64(s[3]))
	if code != vfs.OK {
		s[0] = api.EncodeI32(-code)
		return
	}
	s[0] = api.EncodeI32(int32(n))
}

func fsWrite(ctx context.Context, m api.Module, s []uint64) {
	f := hostFile(ctx, i32(s[0]))
	buf, ok := m.Memory().Read(uint32(s[1]), uint32(s[2]))
	if f == nil || !ok {
		s[0] = api.EncodeI32(vfs.IOERR_WRITE)
		return
	}
	s[0] = api.EncodeI32(f.WriteAt(buf, int64(s[3])))
}

func fsSync(ctx context.Context, _ api.Module, s []uint64) {
	f := hostFile(ctx, i32(s[0]))
	if f == nil {
		s[0] = api.EncodeI32(vfs.IOERR_FSYNC)
		return
	}
	s[0] = api.EncodeI32(f.Sync(i32(s[1])))
}

func fsSize(ctx context.Context, _ api.Module, s []uint64) {
	f := hostFile(ctx, i32(s[0]))
	if f == nil {
		s[0] = api.EncodeI64(-vfs.IOERR_FSTAT)
		return
	}
	n, code := f.Size()
	if code != vfs.OK {
		s[0] = api.EncodeI64(int64(-code))
		return
	}
	s[0] = uint64(n)
}

func fsTruncate(ctx context.Context, _ api.Module, s []uint64) {
	f := hostFile(ctx, i32(s[0]))
	if f == nil {
		s[0] = api.EncodeI32(vfs.IOERR_TRUNCATE)
		return
	}
	s[0] = api.EncodeI32(f.Truncate(int64(s[1])))
}

func fsLock(ctx context.Context, _ api.Module, s []uint64) {
	f := hostFile(ctx, i32(s[0]))
	if f == nil {
		s[0] = api.EncodeI32(vfs.IOERR_LOCK)
		return
	}
	s[0] = api.EncodeI32(f.Lock(int64(s[1]), int64(s[2]), i32(s[3])))
}

func fsDelete(ctx context.Context, m api.Module, s []uint64) {
	path, ok := hostString(m, s[0], s[1])
	if !ok {
		s[0] = api.EncodeI32(vfs.IOERR_DELETE)
		return
	}
	s[0] = api.EncodeI32(vfs.Delete(path, i32(s[2]) != 0))
}

func fsExists(ctx context.Context, m api.Module, s []uint64) {
	path, ok := hostString(m, s[0], s[1])
	if !ok {
		s[0] = api.EncodeI32(-vfs.IOERR_ACCESS)
		return
	}
	yes, code := vfs.Exists(path)
	if code != vfs.OK {
		s[0] = api.EncodeI32(-code)
		return
	}
	s[0] = api.EncodeI32(yes)
}

func timeMs(_ context.Context, _ api.Module, s []uint64) {
	s[0] = uint64(time.Now().UnixMilli())
}

func random(_ context.Context, m api.Module, s []uint64) {
	buf, ok := m.Memory().Read(uint32(s[0]), uint32(s[1]))
	if !ok {
		return
	}
	if _, err := rand.Read(buf); err != nil {
		// crypto/rand does not fail on supported systems; never leave
		// the buffer predictable if it somehow does.
		seed := uint64(time.Now().UnixNano())
		for i := range buf {
			seed = seed*6364136223846793005 + 1442695040888963407
			buf[i] = byte(seed >> 56)
		}
	}
}

// sleep waits, returning early when the call's context is done so that a
// busy wait ends promptly on cancellation.
func sleep(ctx context.Context, _ api.Module, s []uint64) {
	d := time.Duration(int64(s[0])) * time.Microsecond
	if d <= 0 {
		return
	}
	if d > time.Hour {
		d = time.Hour
	}
	var done <-chan struct{}
	if c := connOf(ctx); c != nil && c.cc.Context != nil {
		done = c.cc.Context.Done()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-done:
	}
}

func interrupted(ctx context.Context, _ api.Module, s []uint64) {
	if c := connOf(ctx); c != nil && c.cc.Context != nil && c.cc.Context.Err() != nil {
		s[0] = 1
		return
	}
	s[0] = 0
}

// fsMap maps a block of a wal-index file into the caller's memory.
func fsMap(ctx context.Context, _ api.Module, s []uint64) {
	c := connOf(ctx)
	if c == nil {
		s[0] = api.EncodeI32(vfs.IOERR_SHMMAP)
		return
	}
	f := c.files.Get(i32(s[0]))
	if f == nil {
		s[0] = api.EncodeI32(vfs.IOERR_SHMMAP)
		return
	}
	s[0] = api.EncodeI32(c.lm.mapFile(f, int64(s[1]), uint32(s[2]), uint32(s[3])))
}

// fsUnmap puts private zero memory back over a mapped block.
func fsUnmap(ctx context.Context, _ api.Module, s []uint64) {
	c := connOf(ctx)
	if c == nil {
		s[0] = api.EncodeI32(vfs.IOERR_SHMMAP)
		return
	}
	s[0] = api.EncodeI32(c.lm.unmap(uint32(s[0]), uint32(s[1])))
}

func shmBarrier(context.Context, api.Module, []uint64) { vfs.Barrier() }
