package survey

import (
	"fmt"
	"io"
	"sync"
)

// DefaultProblemLogMax is how many problems a [ProblemLog] writes when
// its Max is zero.
const DefaultProblemLogMax = 100

// ProblemLog writes the first problems of a read, one a line, and counts
// the others, so that a broken export or a hostile file (a quoted field
// of millions of lines, each read as a bad record) cannot flood a
// terminal or a log: the [Summary] counts every problem by kind anyway.
// Pass its Add method as the onError function of [Read] (or call it for
// each *RowError of [Decoder.All]), then Close it. The zero value is
// unusable; set W. Safe for concurrent use.
type ProblemLog struct {
	W   io.Writer
	Max int // problems written; zero means DefaultProblemLogMax, negative none

	mu      sync.Mutex
	written int
	omitted int
}

// Add writes the problem, or counts it once Max have been written.
func (p *ProblemLog) Add(re *RowError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	max := p.Max
	if max == 0 {
		max = DefaultProblemLogMax
	}
	if p.written >= max {
		p.omitted++
		return
	}
	p.written++
	fmt.Fprintln(p.W, re)
}

// Omitted returns how many problems were counted but not written.
func (p *ProblemLog) Omitted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.omitted
}

// Close writes how many problems were not written, if any.
func (p *ProblemLog) Close() error {
	if n := p.Omitted(); n > 0 {
		_, err := fmt.Fprintf(p.W, "survey: %d more problems not shown (counted in the summary)\n", n)
		return err
	}
	return nil
}
