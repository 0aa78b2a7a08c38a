//go:build amd64 || arm64

package survey

// prefetch asks the processor to bring the cache line at addr closer,
// without waiting for it (PREFETCHT0 on amd64, PRFM on arm64). It reads
// nothing the program sees and never faults, whatever addr is.
//
//go:noescape
func prefetch(addr uintptr)
