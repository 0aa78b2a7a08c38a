package vectors

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Row is one vector of a file: a line "KIND FIELD… -> NUMBER… # note".
// Blank lines and lines starting with '#' are not rows.
type Row struct {
	Pos  string    // "file.txt:LINE", for messages
	Text string    // the line as written
	Kind string    // the first field
	In   []string  // the other fields before "->"
	Out  []float64 // the numbers after "->", without the note
}

// Read reads the rows of a vector file. A line without "->" or with a
// result that is not a number is an error naming the line.
func Read(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []Row
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		pos := fmt.Sprintf("%s:%d", filepath.Base(path), line)
		in, out, ok := strings.Cut(text, " -> ")
		if !ok {
			return nil, fmt.Errorf("%s: no ->", pos)
		}
		out, _, _ = strings.Cut(out, "#")
		want, err := ParseFloats(strings.Fields(out))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pos, err)
		}
		fields := strings.Fields(in)
		if len(fields) == 0 {
			return nil, fmt.Errorf("%s: no kind", pos)
		}
		rows = append(rows, Row{Pos: pos, Text: text, Kind: fields[0], In: fields[1:], Out: want})
	}
	return rows, sc.Err()
}
