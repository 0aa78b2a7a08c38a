//go:build unix

package survey

import "syscall"

// tableMemory returns size bytes of zeroed memory for the duplicate
// check's tables, mapped outside the Go heap: the collector neither scans
// it (it holds no pointers) nor counts it when deciding how far the heap
// may grow, so a large table does not double the process's memory. free
// unmaps it; the memory must not be used afterwards.
func tableMemory(size int) (mem []byte, free func()) {
	if size < 1<<20 {
		return make([]byte, size), nil
	}
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]byte, size), nil
	}
	return b, func() { syscall.Munmap(b) }
}
