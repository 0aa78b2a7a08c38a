package csvscan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
)

// ErrIrregular marks input whose quoting or size SplitRecord does not
// handle (a bare or unterminated quote, text after a closing quote, a
// limit exceeded); Scanner reads such input, with its recovery.
var ErrIrregular = errors.New("irregular CSV structure")

// LastBoundary returns the position after the last newline of b that is
// outside quoted fields, assuming b starts outside them, or 0.
func LastBoundary(b []byte) int {
	quotes := bytes.Count(b, []byte{'"'})
	end := len(b)
	for {
		i := bytes.LastIndexByte(b[:end], '\n')
		if i < 0 {
			return 0
		}
		quotes -= bytes.Count(b[i:end], []byte{'"'})
		if quotes%2 == 0 {
			return i + 1
		}
		end = i
	}
}

// SplitRecord splits the record starting at b[pos] into fields, the way
// Scanner does for regular input: it returns the fields (views into b or
// unescaped copies), the position after the record, the newlines it
// contains (its terminator included), whether the first field was quoted,
// and ErrIrregular for anything irregular (bare or unterminated quotes,
// text after a closing quote, limits exceeded).
func SplitRecord(b []byte, pos int, comma byte, lim Limits) (fields [][]byte, next, lines int, firstQuoted bool, err error) {
	var scratch []byte
	return SplitRecordInto(nil, &scratch, b, pos, comma, lim)
}

// SplitRecordInto is SplitRecord appending to fields[:0], and unescaping
// quoted fields with "" into *scratch, so that a worker reuses one slice
// and one buffer for all its records. (If the buffer grows, fields
// already cut from it keep the old array, whose bytes do not change.)
func SplitRecordInto(fields [][]byte, scratch *[]byte, b []byte, pos int, comma byte, lim Limits) (_ [][]byte, next, lines int, firstQuoted bool, err error) {
	fields = fields[:0]
	*scratch = (*scratch)[:0]
	i := pos
	// Most records have no quotes: find the end of the line, and if it
	// has none, split on the separator alone. If it has, split the part
	// before the first quote that way (quotes are mostly in the comment
	// at the end) and read the rest byte by byte below.
	nl := bytes.IndexByte(b[pos:], '\n')
	q := -1
	if nl >= 0 {
		q = bytes.IndexByte(b[pos:pos+nl], '"')
	}
	if q > 0 && b[pos+q-1] == comma && lim.FieldFits(q) {
		fields = SplitFields(fields, b[pos:pos+q-1], comma)
		if len(fields) >= lim.Fields {
			return nil, 0, 0, false, ErrIrregular
		}
		i = pos + q
	}
	if nl >= 0 && q < 0 {
		line := b[pos : pos+nl]
		if checkSize(len(line), lim) != nil {
			return nil, 0, 0, false, ErrIrregular
		}
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		fields = SplitFields(fields, line, comma)
		if len(fields) > lim.Fields {
			return nil, 0, 0, false, ErrIrregular
		}
		if !lim.FieldFits(len(line)) {
			for _, f := range fields {
				if !lim.FieldFits(len(f)) {
					return nil, 0, 0, false, ErrIrregular
				}
			}
		}
		return fields, pos + nl + 1, 1, false, nil
	}
	for {
		if len(fields) >= lim.Fields {
			return nil, 0, 0, false, ErrIrregular
		}
		if i >= len(b) { // after a separator at the end of the input
			fields = append(fields, b[i:i])
			return fields, i, lines, firstQuoted, checkSize(i-pos, lim)
		}
		if b[i] == '"' {
			if len(fields) == 0 {
				firstQuoted = true
			}
			i++
			var f []byte
			segStart, escStart, escaped := i, len(*scratch), false
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					return nil, 0, 0, false, ErrIrregular
				}
				lines += bytes.Count(b[i:i+j], []byte{'\n'})
				if i+j+1 < len(b) && b[i+j+1] == '"' { // "" inside quotes
					*scratch = append(*scratch, b[i:i+j+1]...)
					escaped = true
					i += j + 2
					continue
				}
				if !escaped {
					f = b[segStart : i+j]
				} else {
					*scratch = append(*scratch, b[i:i+j]...)
					f = (*scratch)[escStart:len(*scratch):len(*scratch)]
				}
				i += j + 1
				break
			}
			if !lim.FieldFits(len(f)) {
				return nil, 0, 0, false, ErrIrregular
			}
			fields = append(fields, f)
			switch {
			case i == len(b):
				return fields, i, lines, firstQuoted, checkSize(i-pos, lim)
			case b[i] == comma:
				i++
				continue
			case b[i] == '\n':
				return fields, i + 1, lines + 1, firstQuoted, checkSize(i-pos, lim)
			case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
				return fields, i + 2, lines + 1, firstQuoted, checkSize(i-pos, lim)
			}
			return nil, 0, 0, false, ErrIrregular
		}
		j := i
		for j < len(b) && b[j] != comma && b[j] != '\n' {
			if b[j] == '"' {
				return nil, 0, 0, false, ErrIrregular
			}
			j++
		}
		f := b[i:j]
		if j < len(b) && b[j] == '\n' && len(f) > 0 && f[len(f)-1] == '\r' {
			f = f[:len(f)-1] // \r\n ends the record
		}
		if !lim.FieldFits(len(f)) {
			return nil, 0, 0, false, ErrIrregular
		}
		fields = append(fields, f)
		switch {
		case j == len(b):
			return fields, j, lines, firstQuoted, checkSize(j-pos, lim)
		case b[j] == comma:
			i = j + 1
		default:
			return fields, j + 1, lines + 1, firstQuoted, checkSize(j-pos, lim)
		}
	}
}

// SplitFields appends the fields of a line without quotes, looking at
// eight bytes at a time: a byte equal to the separator becomes zero after
// an XOR, and zero bytes are flagged exactly by the carry-free test
// ^((x & 0x7f…) + 0x7f… | x | 0x7f…).
func SplitFields(fields [][]byte, line []byte, comma byte) [][]byte {
	const low7 = 0x7f7f7f7f7f7f7f7f
	pattern := uint64(comma) * 0x0101010101010101
	start, i := 0, 0
	for ; i+8 <= len(line); i += 8 {
		x := binary.LittleEndian.Uint64(line[i:]) ^ pattern
		m := ^((x&low7 + low7) | x | low7)
		for m != 0 {
			j := i + bits.TrailingZeros64(m)/8
			fields = append(fields, line[start:j])
			start = j + 1
			m &= m - 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == comma {
			fields = append(fields, line[start:i])
			start = i + 1
		}
	}
	return append(fields, line[start:])
}

// checkSize is stricter than Scanner's limit on the raw record (which
// counts the terminator too): records near the limit go to the general
// scanner.
func checkSize(n int, lim Limits) error {
	if !lim.RecordFits(n) {
		return ErrIrregular
	}
	return nil
}
