//go:build !amd64 && !arm64

package survey

// prefetch does nothing where no prefetch instruction is wired up.
func prefetch(addr uintptr) {}
