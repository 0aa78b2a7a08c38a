//go:build !unix

package survey

// tableMemory returns size bytes of zeroed memory for the duplicate
// check's tables (on the Go heap where memory cannot be mapped).
func tableMemory(size int) (mem []byte, free func()) { return make([]byte, size), nil }
