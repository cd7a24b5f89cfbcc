//go:build amd64 || arm64

package vfs

// Barrier is a full hardware memory fence (loads and stores before it are
// globally visible before any load or store after it): MFENCE on amd64,
// DMB ISH on arm64 (barrier_*.s). Being an assembly function it is also a
// compiler barrier. Other architectures: barrier_other.go.
func Barrier()
