package survey

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// Decoded responses own their strings and answers: nothing a decoder
// hands out points into a buffer it reuses. Low-cardinality fields (unit,
// provider, region, service, item IDs) are interned; IDs, comments and
// answer lists are copied into append-only chunks that are never written
// again, so they cost no allocation per record and stay valid (and
// unchanged) for as long as anyone keeps them.

// maxInterned bounds an interner: beyond it, values are copied instead
// of kept (hostile input with a million unit codes must not grow memory
// without bound).
const maxInterned = 1 << 16

// interner returns one shared string per distinct value: a
// direct-mapped cache in front of a map.
type interner struct {
	recent [1024]string
	all    map[string]string
}

// slotOf picks b's place in the cache from its length and its first and
// last eight bytes (codes differ at either end: u403, pohjanmaa-p-…).
// Only speed depends on it: a slot is always compared in full.
func slotOf(b []byte) uint64 {
	var x uint64
	if n := len(b); n >= 8 {
		x = binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[n-8:]), 31)
	} else {
		for i, c := range b {
			x |= uint64(c) << (8 * i)
		}
	}
	return ((x ^ uint64(len(b))) * 0x9e3779b97f4a7c15) >> (64 - 10)
}

// get returns the string with b's bytes, shared with earlier calls.
func (in *interner) get(b []byte, mem *arena) string {
	if len(b) == 0 {
		return ""
	}
	slot := &in.recent[slotOf(b)]
	if *slot == string(b) {
		return *slot
	}
	s, ok := in.all[string(b)] // no allocation for the lookup
	if !ok {
		if in.all == nil {
			in.all = map[string]string{}
		}
		s = mem.string(b)
		if len(in.all) < maxInterned {
			in.all[s] = s
		}
	}
	*slot = s
	return s
}

// chunk sizes of an arena.
const (
	arenaBytes   = 64 << 10
	arenaAnswers = 4 << 10
)

// arena copies bytes and answers into append-only chunks. A chunk is
// never written after its bytes have been handed out, so the strings and
// slices made from it are immutable; the garbage collector frees a chunk
// when nothing refers to it any more.
type arena struct {
	bytes   []byte
	answers []Answer
}

// string returns a string with b's bytes, backed by the arena.
func (a *arena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaBytes/8 {
		return string(b) // large values get their own allocation
	}
	if cap(a.bytes)-len(a.bytes) < len(b) {
		a.bytes = make([]byte, 0, arenaBytes)
	}
	start := len(a.bytes)
	a.bytes = append(a.bytes, b...)
	return unsafe.String(&a.bytes[start], len(b))
}

// answers returns a copy of as backed by the arena, with its capacity
// equal to its length, so that appending to it copies rather than writes
// into a neighbour's answers.
func (a *arena) answerList(as []Answer) Answers {
	if len(as) == 0 {
		return nil
	}
	if len(as) > arenaAnswers/8 {
		return Answers(append([]Answer(nil), as...))
	}
	if cap(a.answers)-len(a.answers) < len(as) {
		a.answers = make([]Answer, 0, arenaAnswers)
	}
	start := len(a.answers)
	a.answers = append(a.answers, as...)
	return Answers(a.answers[start:len(a.answers):len(a.answers)])
}
