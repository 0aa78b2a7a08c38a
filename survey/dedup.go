package survey

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/palaute/palaute/internal/siphash"
)

// idSet finds response IDs read before, exactly and in little memory: it
// keeps, per ID, 6 bytes (a 16-bit fingerprint of the ID and a 32-bit
// reference to where the ID can be read again: its record's offset in a
// file, or its place in an in-memory log), not the ID. A new ID whose
// fingerprint matches a kept one is compared byte for byte with the ID
// read again from its reference, so a repeat is never reported wrongly
// and never missed. Fingerprints come from SipHash under a key drawn at
// random for each read, so input cannot be crafted to collide.
//
// Workers check IDs in parallel, in any order: the set is split into
// shards by hash, each with its lock. "The later of two is the repeat" is
// kept by offset: when an ID arrives whose kept twin lies after it, the
// set keeps the earlier one and remembers the later as a repeat (late),
// which the ordered stage picks up when it reaches that record, always
// after every earlier piece has been checked.
//
// Entries sit in buckets of eight: a lookup compares the 16-byte bucket
// of fingerprints its hash picks and, only if that one is full, the next.
// The table is sized for the expected number of IDs at 9/10 load; if more
// come, a level twice the size is added (nothing is rehashed: the kept
// bits do not allow it). The tables are pointer-free and, on Unix, kept
// off the Go heap (see tables_unix.go), so that the collector neither
// scans them nor doubles them.
type idSet struct {
	key      siphash.Key
	shards   [idShards]idShard
	ids      idSource
	wide     bool         // references need more than 32 bits
	lateOnes atomic.Int64 // records marked late and not yet picked up
}

const idShards = 64

type idShard struct {
	mu     sync.Mutex
	levels []*idLevel
	late   map[int64]bool // offsets of records found to repeat an earlier one
}

type idLevel struct {
	fps     []uint16 // 0 empty; else a fingerprint with its low bit set
	refs    []uint32
	hi      []uint16 // the references' high bits, when wide
	buckets uint64
	used    int
	free    func()
}

// idSource reads an ID back from its reference.
type idSource interface {
	idAt(ref int64) ([]byte, error)
}

// newIDSet returns a set expecting about n IDs (0 if unknown), reading
// IDs back from src; wide references (over 4 GiB) when maxRef needs them.
func newIDSet(n int, maxRef int64, src idSource) *idSet {
	var k [16]byte
	rand.Read(k[:])
	s := &idSet{key: siphash.KeyFrom(k[:]), ids: src, wide: maxRef >= 1<<32}
	per := max(n/idShards, 64)
	for i := range s.shards {
		s.shards[i].levels = []*idLevel{s.newLevel(uint64(per*10/9/8 + 1))}
	}
	return s
}

func (s *idSet) newLevel(buckets uint64) *idLevel {
	lv := &idLevel{buckets: buckets}
	var mem []byte
	size := buckets * 8 * 6
	if s.wide {
		size += buckets * 8 * 2
	}
	mem, lv.free = tableMemory(int(size))
	lv.fps = uint16s(mem[:buckets*8*2])
	lv.refs = uint32s(mem[buckets*8*2 : buckets*8*6])
	if s.wide {
		lv.hi = uint16s(mem[buckets*8*6:])
	}
	return lv
}

// release frees the tables.
func (s *idSet) release() {
	for i := range s.shards {
		for _, lv := range s.shards[i].levels {
			if lv.free != nil {
				lv.free()
			}
		}
		s.shards[i].levels = nil
	}
}

// hash returns the hash of an ID that seen takes.
func (s *idSet) hash(id string) uint64 { return siphash.Sum64(s.key, id) }

func (lv *idLevel) ref(i uint64) int64 {
	r := int64(lv.refs[i])
	if lv.hi != nil {
		r |= int64(lv.hi[i]) << 32
	}
	return r
}

func (lv *idLevel) set(i uint64, fp uint16, ref int64) {
	lv.fps[i], lv.refs[i] = fp, uint32(ref)
	if lv.hi != nil {
		lv.hi[i] = uint16(ref >> 32)
	}
}

// seen reports whether the record with id (whose hash is h) at reference
// ref repeats an earlier record's ID, and keeps it if it is the first.
func (s *idSet) seen(h uint64, id string, ref int64) (bool, error) {
	sh := &s.shards[h>>(64-6)]
	fp := uint16(h>>32) | 1
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for _, lv := range sh.levels {
		b, _ := bits.Mul64(h<<6, lv.buckets) // the bits below the shard's
		for {
			full := true
			for i := b * 8; i < b*8+8; i++ {
				f := lv.fps[i]
				if f == 0 {
					full = false
					break
				}
				if f != fp {
					continue
				}
				other := lv.ref(i)
				if other == ref {
					return false, nil // this very record, read again
				}
				got, err := s.ids.idAt(other)
				if err != nil {
					return false, err
				}
				if string(got) != id {
					continue
				}
				if other < ref {
					return true, nil
				}
				// The kept twin comes later: it is the repeat.
				lv.set(i, fp, ref)
				if sh.late == nil {
					sh.late = map[int64]bool{}
				}
				sh.late[other] = true
				s.lateOnes.Add(1)
				return false, nil
			}
			if !full {
				break
			}
			if b++; b == lv.buckets {
				b = 0
			}
		}
	}
	if ref >= 1<<48 {
		return false, errors.New("input too large for the duplicate-ID check")
	}
	lv := sh.levels[len(sh.levels)-1]
	if lv.used+1 > int(lv.buckets*8*9/10) {
		lv = s.newLevel(lv.buckets * 2)
		sh.levels = append(sh.levels, lv)
	}
	b, _ := bits.Mul64(h<<6, lv.buckets)
	for {
		for i := b * 8; i < b*8+8; i++ {
			if lv.fps[i] == 0 {
				lv.set(i, fp, ref)
				lv.used++
				return false, nil
			}
		}
		if b++; b == lv.buckets {
			b = 0
		}
	}
}

// late reports whether the record with hash h at ref was found to repeat
// an earlier record after it was checked.
func (s *idSet) late(h uint64, ref int64) bool {
	if s.lateOnes.Load() == 0 {
		return false
	}
	sh := &s.shards[h>>(64-6)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.late[ref] {
		delete(sh.late, ref)
		s.lateOnes.Add(-1)
		return true
	}
	return false
}

// idLog keeps the IDs of a stream, which cannot be read again: an
// append-only log of length-prefixed IDs; a reference is a position in
// it. Only the ordered stage uses it.
type idLog struct{ b []byte }

// add appends id and returns its reference.
func (l *idLog) add(id []byte) int64 {
	ref := int64(len(l.b))
	l.b = binary.AppendUvarint(l.b, uint64(len(id)))
	l.b = append(l.b, id...)
	return ref
}

func (l *idLog) idAt(ref int64) ([]byte, error) {
	n, k := binary.Uvarint(l.b[ref:])
	return l.b[ref+int64(k) : ref+int64(k)+int64(n)], nil
}
