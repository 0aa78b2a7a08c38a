package survey

import (
	"crypto/rand"
	"encoding/binary"
	"errors"

	"github.com/palaute/palaute/internal/siphash"
)

// idSet finds response IDs read before, exactly and in little memory: it
// keeps, per ID, 8 bytes (a 24-bit fingerprint of the ID and a 40-bit
// reference to where the ID can be read again), not the ID. A new ID
// whose fingerprint matches a kept one is compared byte for byte with the
// ID read again from its reference, so a repeat is never reported
// wrongly and never missed. The fingerprints come from SipHash under a
// key drawn at random for each read, so input cannot be crafted to
// collide.
//
// Entries sit in buckets of eight (one cache line): a lookup reads the
// bucket its hash picks and, only if that one is full, the next ones. The
// table grows by adding a level twice the size of the last when the last
// is 7/8 full; nothing is rehashed (the kept bits do not allow it), so
// lookups probe every level, few in practice.
type idSet struct {
	key    siphash.Key
	levels []idLevel
	ids    idSource
	buf    []byte
}

type idLevel struct {
	slots []uint64 // 0 empty; else fingerprint<<40 | (reference+1)
	used  int
}

// idSource reads an ID back from its reference.
type idSource interface {
	idAt(ref int64, buf []byte) ([]byte, error)
}

const (
	refBits = 40
	refMask = 1<<refBits - 1
)

// newIDSet returns a set expecting about n IDs (0 if unknown), reading
// IDs back from src.
func newIDSet(n int, src idSource) *idSet {
	var k [16]byte
	rand.Read(k[:])
	size := 1 << 10
	for size*7/8 < n {
		size <<= 1
	}
	return &idSet{key: siphash.KeyFrom(k[:]), levels: []idLevel{{slots: make([]uint64, size)}}, ids: src}
}

// hash returns the hash of an ID that seen takes.
func (s *idSet) hash(id string) uint64 { return siphash.Sum64(s.key, id) }

// seen reports whether id (whose hash is h) was added before, and adds it
// with reference ref if not.
func (s *idSet) seen(h uint64, id string, ref int64) (bool, error) {
	fp := h >> (64 - 24)
	for i := range s.levels {
		lv := &s.levels[i]
		mask := uint64(len(lv.slots)/8 - 1)
		for b := h & mask; ; b = (b + 1) & mask {
			bucket := lv.slots[b*8 : b*8+8]
			full := true
			for _, e := range bucket {
				if e == 0 {
					full = false
					break
				}
				if e>>refBits != fp {
					continue
				}
				other, err := s.ids.idAt(int64(e&refMask)-1, s.buf[:0])
				if err != nil {
					return false, err
				}
				s.buf = other
				if string(other) == id {
					return true, nil
				}
			}
			if !full {
				break
			}
		}
	}
	if ref+1 > refMask {
		return false, errors.New("input too large for the duplicate-ID check (over 1 TiB)")
	}
	last := &s.levels[len(s.levels)-1]
	if last.used+1 > len(last.slots)*7/8 {
		s.levels = append(s.levels, idLevel{slots: make([]uint64, 2*len(last.slots))})
		last = &s.levels[len(s.levels)-1]
	}
	mask := uint64(len(last.slots)/8 - 1)
	for b := h & mask; ; b = (b + 1) & mask {
		bucket := last.slots[b*8 : b*8+8]
		for j, e := range bucket {
			if e == 0 {
				bucket[j] = fp<<refBits | uint64(ref+1)
				last.used++
				return false, nil
			}
		}
	}
}

// idLog keeps the IDs of a stream, which cannot be read again: an
// append-only log of length-prefixed IDs; a reference is a position in
// it.
type idLog struct{ b []byte }

// add appends id and returns its reference.
func (l *idLog) add(id []byte) int64 {
	ref := int64(len(l.b))
	l.b = binary.AppendUvarint(l.b, uint64(len(id)))
	l.b = append(l.b, id...)
	return ref
}

func (l *idLog) idAt(ref int64, buf []byte) ([]byte, error) {
	n, k := binary.Uvarint(l.b[ref:])
	return append(buf, l.b[ref+int64(k):ref+int64(k)+int64(n)]...), nil
}
