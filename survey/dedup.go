package survey

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

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
// Entries sit in buckets of ten, one 64-byte cache line each (6.4 bytes
// an entry; 8 more bits an entry for files over 4 GiB, kept apart): a
// lookup reads the bucket its hash picks and, only if that one is full,
// the next. The table is sized for the expected number of IDs at 9/10
// load, about 7 bytes an ID; if more come, a level twice the size is
// added (nothing is rehashed: the kept bits do not allow it). The tables
// are pointer-free and, on Unix, kept off the Go heap (see
// tables_unix.go), so that the collector neither scans them nor doubles
// them. A worker checks the IDs of a piece as one batch (seenBatch).
type idSet struct {
	key      siphash.Key
	shards   [idShards]idShard
	ids      idSource
	wide     bool         // references need more than 32 bits
	lateOnes atomic.Int64 // records marked late and not yet picked up
	frees    []func()     // of the first levels' memory
}

const idShards = 64

type idShard struct {
	mu     sync.Mutex
	levels []*idLevel
	late   map[int64]bool // offsets of records found to repeat an earlier one
	frees  []func()       // of the memory of the levels added as the shard grew
}

type idLevel struct {
	// words holds the buckets, 16 words (64 bytes, a cache line) each:
	// the bucket's fingerprints as 16-bit halves of words 0-4 (0 empty;
	// else with the low bit set) and its references in words 5-14.
	words   []uint32
	fps     []uint16 // the same memory as 16-bit halves
	hi      []uint16 // the references' high bits, when wide, by slot
	buckets uint64
	used    int
}

// bucketSlots is the number of entries in a bucket.
const bucketSlots = 10

// fp returns the fingerprint in slot k of bucket b.
func (lv *idLevel) fp(b uint64, k int) uint16 { return lv.fps[b*32+uint64(k)] }

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
	first, free := s.newLevels(idShards, uint64(per*10/9/bucketSlots+1))
	if free != nil {
		s.frees = append(s.frees, free)
	}
	for i := range s.shards {
		s.shards[i].levels = []*idLevel{first[i]}
	}
	return s
}

// newLevels returns count levels of the given number of buckets, in one
// block of memory (so that a large table can sit in huge pages), and the
// function that frees it (nil if the collector does). It only reads s,
// so that shards may grow at once.
func (s *idSet) newLevels(count int, buckets uint64) ([]*idLevel, func()) {
	table := buckets * 64
	size := table
	if s.wide {
		size += buckets * bucketSlots * 2
	}
	mem, free := tableMemory(int(size) * count)
	levels := make([]*idLevel, count)
	for i := range levels {
		m := mem[uint64(i)*size : uint64(i+1)*size]
		lv := &idLevel{buckets: buckets, words: uint32s(m[:table]), fps: uint16s(m[:table])}
		if s.wide {
			lv.hi = uint16s(m[table:])
		}
		levels[i] = lv
	}
	return levels, free
}

// release frees the tables; the set must not be used afterwards.
func (s *idSet) release() {
	for _, free := range s.frees {
		free()
	}
	s.frees = nil
	for i := range s.shards {
		for _, free := range s.shards[i].frees {
			free()
		}
		s.shards[i].frees = nil
		s.shards[i].levels = nil
	}
}

// hash returns the hash of an ID that seen takes.
func (s *idSet) hash(id string) uint64 { return siphash.Sum64(s.key, id) }

// ref returns the reference in slot k of bucket b.
func (lv *idLevel) ref(b uint64, k int) int64 {
	r := int64(lv.words[b*16+5+uint64(k)])
	if lv.hi != nil {
		r |= int64(lv.hi[b*bucketSlots+uint64(k)]) << 32
	}
	return r
}

// set fills slot k of bucket b.
func (lv *idLevel) set(b uint64, k int, fp uint16, ref int64) {
	lv.fps[b*32+uint64(k)], lv.words[b*16+5+uint64(k)] = fp, uint32(ref)
	if lv.hi != nil {
		lv.hi[b*bucketSlots+uint64(k)] = uint16(ref >> 32)
	}
}

// seen reports whether the record with id (whose hash is h) at reference
// ref repeats an earlier record's ID, and keeps it if it is the first.
func (s *idSet) seen(h uint64, id string, ref int64) (bool, error) {
	q := []idQuery{{h: h, id: id, ref: ref}}
	if _, err := s.seenBatch(q, nil); err != nil {
		return false, err
	}
	return q[0].dupe, nil
}

// idQuery is one ID of a batch for seenBatch; dupe is its answer.
type idQuery struct {
	h    uint64
	id   string
	ref  int64
	dupe bool
}

// idsRead holds the IDs read back from their references for one batch
// of seenBatch (outside the shard locks), by reference.
type idsRead map[int64][]byte

// seenBatch answers seen for every query of qs, in any order. It takes
// each shard's lock once and asks for the buckets of the next queries
// before it needs them (prefetch), so that the processor fetches them
// from memory in parallel instead of one miss after another. order is
// scratch space, returned for reuse.
//
// A shard's lock is held only while its buckets are read and written:
// an ID to be read back from its reference (file I/O) is read after the
// lock is released, and the query is answered again under the lock with
// it; meanwhile other workers may have added IDs, whose own IDs are then
// read in turn. Nothing else is locked or called under a shard's lock,
// so the shard locks are leaves of the reader's lock order (read.go).
func (s *idSet) seenBatch(qs []idQuery, order []int32) ([]int32, error) {
	var count [idShards + 1]int32
	for i := range qs {
		count[qs[i].h>>(64-6)+1]++
	}
	for i := 1; i <= idShards; i++ {
		count[i] += count[i-1]
	}
	order = slices.Grow(order[:0], len(qs))[:len(qs)]
	next := count
	for i := range qs {
		sh := qs[i].h >> (64 - 6)
		order[next[sh]] = int32(i)
		next[sh]++
	}
	var read idsRead // allocated only when a fingerprint matches
	var needs []int64
	const ahead = 8
	for k := 0; k < idShards; k++ {
		group := order[count[k]:count[k+1]]
		sh := &s.shards[k]
		for len(group) > 0 {
			pending := 0 // the queries waiting for IDs read back, at the front of group
			needs = needs[:0]
			sh.mu.Lock()
			lv := sh.levels[len(sh.levels)-1]
			for j := 0; j < min(ahead, len(group)); j++ {
				lv.prefetch(qs[group[j]].h)
			}
			for j, qi := range group {
				if j+ahead < len(group) {
					lv.prefetch(qs[group[j+ahead]].h)
				}
				q := &qs[qi]
				dupe, need, err := s.seenLocked(sh, q.h, q.id, q.ref, read, needs)
				if err != nil {
					sh.mu.Unlock()
					return order, err
				}
				if len(need) > len(needs) {
					needs = need
					group[pending] = qi
					pending++
					continue
				}
				q.dupe = dupe
				lv = sh.levels[len(sh.levels)-1]
			}
			sh.mu.Unlock()
			group = group[:pending]
			if pending == 0 {
				break
			}
			if read == nil {
				read = idsRead{}
			}
			for _, ref := range needs {
				if _, ok := read[ref]; ok {
					continue
				}
				got, err := s.ids.idAt(ref)
				if err != nil {
					return order, err
				}
				read[ref] = got
			}
		}
	}
	return order, nil
}

// bucket returns the first bucket a hash looks in: the bits of h below
// the shard's, scaled to the number of buckets.
func (lv *idLevel) bucket(h uint64) uint64 {
	b, _ := bits.Mul64(h<<6, lv.buckets)
	return b
}

// prefetch starts fetching the bucket a hash looks in first.
func (lv *idLevel) prefetch(h uint64) {
	prefetch(uintptr(unsafe.Pointer(&lv.words[lv.bucket(h)*16])))
}

// seenLocked is seen with the shard's lock held, and without reading
// any ID back: an ID kept under a matching fingerprint is taken from
// read. If one is not there, seenLocked changes nothing and returns needs
// with the references to read back appended; the caller reads them
// (after releasing the lock) and asks again.
func (s *idSet) seenLocked(sh *idShard, h uint64, id string, ref int64, read idsRead, needs []int64) (dupe bool, _ []int64, _ error) {
	fp := uint16(h>>32) | 1
	missing := len(needs)
	for _, lv := range sh.levels {
		b := lv.bucket(h)
		for {
			full := true
			for k := range bucketSlots {
				f := lv.fp(b, k)
				if f == 0 {
					full = false
					break
				}
				if f != fp {
					continue
				}
				other := lv.ref(b, k)
				if other == ref {
					return false, needs, nil // this very record, read again
				}
				got, ok := read[other]
				if !ok {
					// A kept ID is never kept twice, so an equal one
					// found further on decides without this one.
					needs = append(needs, other)
					continue
				}
				if string(got) != id {
					continue
				}
				if other < ref {
					return true, needs[:missing], nil
				}
				// The kept twin comes later: it is the repeat.
				lv.set(b, k, fp, ref)
				if sh.late == nil {
					sh.late = map[int64]bool{}
				}
				sh.late[other] = true
				s.lateOnes.Add(1)
				return false, needs[:missing], nil
			}
			if !full {
				break
			}
			if b++; b == lv.buckets {
				b = 0
			}
		}
	}
	if len(needs) > missing {
		return false, needs, nil
	}
	if ref >= 1<<48 {
		return false, needs, errors.New("input too large for the duplicate-ID check")
	}
	lv := sh.levels[len(sh.levels)-1]
	if lv.used+1 > int(lv.buckets*bucketSlots*9/10) {
		levels, free := s.newLevels(1, lv.buckets*2)
		if free != nil {
			sh.frees = append(sh.frees, free)
		}
		lv = levels[0]
		sh.levels = append(sh.levels, lv)
	}
	b := lv.bucket(h)
	for {
		for k := range bucketSlots {
			if lv.fp(b, k) == 0 {
				lv.set(b, k, fp, ref)
				lv.used++
				return false, needs, nil
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
