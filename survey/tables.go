package survey

import "unsafe"

// uint16s and uint32s view pointer-free table memory as the integers the
// duplicate check keeps. The memory is the check's own (tableMemory) and
// never leaves the package.
func uint16s(b []byte) []uint16 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*uint16)(unsafe.Pointer(&b[0])), len(b)/2)
}

func uint32s(b []byte) []uint32 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), len(b)/4)
}
