package siphash

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestVectors checks the reference vectors of the SipHash authors,
// kept as a plain table in testdata/vectors.txt.
func TestVectors(t *testing.T) {
	f, err := os.Open("testdata/vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var key [16]byte
	for i := range key {
		key[i] = byte(i)
	}
	k := KeyFrom(key[:])
	seen := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fields := strings.Fields(line)
		n, err := strconv.Atoi(fields[0])
		if err != nil || len(fields) != 9 {
			t.Fatalf("bad line %q", line)
		}
		out, err := hex.DecodeString(strings.Join(fields[1:], ""))
		if err != nil {
			t.Fatal(err)
		}
		want := binary.LittleEndian.Uint64(out)
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(i)
		}
		if got := Sum64(k, msg); got != want {
			t.Errorf("len %d: got %#016x, want %#016x", n, got, want)
		}
		if got := Sum64(k, string(msg)); got != want {
			t.Errorf("len %d as string: got %#016x, want %#016x", n, got, want)
		}
		seen++
	}
	if seen != 64 {
		t.Fatalf("read %d vectors, want 64", seen)
	}
}

func BenchmarkSum64ID(b *testing.B) {
	k := KeyFrom([]byte("0123456789abcdef"))
	id := "r000000012345"
	var sink uint64
	for b.Loop() {
		sink += Sum64(k, id)
	}
	_ = sink
}
