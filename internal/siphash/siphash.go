// Package siphash implements SipHash-2-4 (Aumasson and Bernstein, 2012),
// a keyed pseudorandom function on short inputs with a 64-bit output. The
// disclosure control of package scoring uses it to derive record keys and
// cell keys: fast enough to hash every response's ID, and, keyed with a
// secret, unpredictable to whoever does not hold the secret.
package siphash

import (
	"encoding/binary"
	"math/bits"
)

// Key is a 128-bit SipHash key as two little-endian words.
type Key struct{ K0, K1 uint64 }

// KeyFrom returns the key made of the first 16 bytes of b (zero-padded).
func KeyFrom(b []byte) Key {
	var buf [16]byte
	copy(buf[:], b)
	return Key{binary.LittleEndian.Uint64(buf[:8]), binary.LittleEndian.Uint64(buf[8:])}
}

// Sum64 returns the SipHash-2-4 of p under key k.
func Sum64[T string | []byte](k Key, p T) uint64 {
	v0 := k.K0 ^ 0x736f6d6570736575
	v1 := k.K1 ^ 0x646f72616e646f6d
	v2 := k.K0 ^ 0x6c7967656e657261
	v3 := k.K1 ^ 0x7465646279746573
	round := func() {
		v0 += v1
		v1 = bits.RotateLeft64(v1, 13)
		v1 ^= v0
		v0 = bits.RotateLeft64(v0, 32)
		v2 += v3
		v3 = bits.RotateLeft64(v3, 16)
		v3 ^= v2
		v0 += v3
		v3 = bits.RotateLeft64(v3, 21)
		v3 ^= v0
		v2 += v1
		v1 = bits.RotateLeft64(v1, 17)
		v1 ^= v2
		v2 = bits.RotateLeft64(v2, 32)
	}
	n := len(p)
	i := 0
	for ; i+8 <= n; i += 8 {
		m := uint64(p[i]) | uint64(p[i+1])<<8 | uint64(p[i+2])<<16 | uint64(p[i+3])<<24 |
			uint64(p[i+4])<<32 | uint64(p[i+5])<<40 | uint64(p[i+6])<<48 | uint64(p[i+7])<<56
		v3 ^= m
		round()
		round()
		v0 ^= m
	}
	last := uint64(n) << 56
	for j := 0; i+j < n; j++ {
		last |= uint64(p[i+j]) << (8 * j)
	}
	v3 ^= last
	round()
	round()
	v0 ^= last
	v2 ^= 0xff
	round()
	round()
	round()
	round()
	return v0 ^ v1 ^ v2 ^ v3
}
