// Package wasmhost runs the ferrolite engine (ferrolite.wasm, built from
// rust/wasm by scripts/build-wasm.sh) on wazero. It is the only package of
// the module that imports wazero; nothing of wazero appears in its API.
//
// One wazero Runtime and one CompiledModule exist per process, made on the
// first Open (sync.Once). Compilation results are cached on disk under
// os.UserCacheDir()/ferrolite/wazero-<version> unless the environment sets
// FERROLITE_NO_COMPILE_CACHE=1 or Configure says otherwise. Each Conn is its
// own module instance, so connections share nothing but the compiled code.
//
// The boundary is docs/abi.md: exports fl_*, imports of the host module
// "ferrolite_host" (host.go), the 64-byte state block read in place
// (conn.go), and the value/metadata encodings (codec.go). Every access to
// linear memory goes through mem.go's bounds-checked helpers, and a trap
// inside the instance turns into an *Error and marks the Conn broken.
package wasmhost

import (
	"context"
	_ "embed"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"github.com/tetratelabs/wazero"
)

//go:embed ferrolite.wasm
var engineWasm []byte

// wazeroVersion names the cache directory, so an upgrade of wazero never
// reads another version's artifacts (wazero also keys its cache by version).
const wazeroVersion = "v1.12.0"

// Options configure the process-wide runtime. They apply only if given
// before the first Open.
type Options struct {
	// NoCompileCache disables the on-disk compilation cache.
	NoCompileCache bool
	// CacheDir overrides the cache directory.
	CacheDir string
}

var (
	setupOnce sync.Once
	setupOpts Options
	setupDone bool
	setupMu   sync.Mutex
	rt        wazero.Runtime
	compiled  wazero.CompiledModule
	setupErr  error
)

// Configure sets the runtime options. It fails once the runtime exists.
func Configure(o Options) error {
	setupMu.Lock()
	defer setupMu.Unlock()
	if setupDone {
		return errors.New("ferrolite: runtime options must be set before the first connection opens")
	}
	setupOpts = o
	return nil
}

// DefaultCacheDir is where compiled code is cached unless configured.
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "ferrolite", "wazero-"+wazeroVersion), nil
}

func setup() error {
	setupOnce.Do(func() {
		setupMu.Lock()
		setupDone = true
		opts := setupOpts
		setupMu.Unlock()
		ctx := context.Background()
		cfg := wazero.NewRuntimeConfig()
		if !opts.NoCompileCache && os.Getenv("FERROLITE_NO_COMPILE_CACHE") != "1" {
			dir := opts.CacheDir
			if dir == "" {
				dir, _ = DefaultCacheDir()
			}
			if dir != "" {
				// A cache that cannot be created only costs speed.
				if cache, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
					cfg = cfg.WithCompilationCache(cache)
				}
			}
		}
		r := wazero.NewRuntimeWithConfig(ctx, cfg)
		if err := instantiateHostModule(ctx, r); err != nil {
			r.Close(ctx)
			setupErr = err
			return
		}
		cm, err := r.CompileModule(ctx, engineWasm)
		if err != nil {
			r.Close(ctx)
			setupErr = err
			return
		}
		if err := checkExports(cm); err != nil {
			r.Close(ctx)
			setupErr = err
			return
		}
		rt, compiled = r, cm
	})
	return setupErr
}

func checkExports(cm wazero.CompiledModule) error {
	have := cm.ExportedFunctions()
	for _, name := range exportNames {
		if _, ok := have[name]; !ok {
			return errors.New("ferrolite: engine module lacks export " + name + " (stale or foreign ferrolite.wasm)")
		}
	}
	return nil
}
