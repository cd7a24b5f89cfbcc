//go:build !amd64 && !arm64

package vfs

import "sync/atomic"

var fence atomic.Uint64

// Barrier on architectures without an assembly fence here: a sequentially
// consistent atomic read-modify-write, which Go implements with the
// architecture's full-fence sequence.
func Barrier() { fence.Add(1) }
