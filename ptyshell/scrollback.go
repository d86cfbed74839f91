package ptyshell

// lineRing keeps the newest max lines in a ring, so adding a line to a full
// history is O(1) instead of shifting the whole buffer (x/vt's own
// scrollback deletes element 0 for every new line once full).
type lineRing[T any] struct {
	lines []T
	head  int // index of the oldest line once the ring is full
	max   int
}

func newLineRing[T any](max int) *lineRing[T] {
	if max < 0 {
		max = 0
	}
	return &lineRing[T]{max: max}
}

// push adds l as the newest line, dropping the oldest when full.
func (r *lineRing[T]) push(l T) {
	if r.max == 0 {
		return
	}
	if len(r.lines) < r.max {
		r.lines = append(r.lines, l)
		return
	}
	r.lines[r.head] = l
	r.head++
	if r.head == r.max {
		r.head = 0
	}
}

// len returns the number of lines held.
func (r *lineRing[T]) len() int { return len(r.lines) }

// at returns line i, 0 being the oldest.
func (r *lineRing[T]) at(i int) (T, bool) {
	var zero T
	if i < 0 || i >= len(r.lines) {
		return zero, false
	}
	i += r.head
	if i >= len(r.lines) {
		i -= len(r.lines)
	}
	return r.lines[i], true
}

// clear forgets every line.
func (r *lineRing[T]) clear() {
	clear(r.lines)
	r.lines = r.lines[:0]
	r.head = 0
}
