package vt

// sbBlockSize is the size of the byte blocks the scrollback stores rendered
// lines in. A line longer than a block gets a block of its own.
const sbBlockSize = 64 << 10

// sbRec locates one scrollback line in the blocks.
type sbRec struct {
	blk     int32
	off     uint32
	n       uint32
	wrapped bool
}

// sbBlock is a chunk of rendered lines; refs counts the lines in it.
type sbBlock struct {
	buf  []byte
	refs int
}

// scrollback keeps the newest max lines that scrolled off the main screen,
// each as its styled string (SGR and OSC 8, trailing blanks trimmed: about
// one byte a cell), packed into byte blocks. Adding a line never shifts the
// others and, once running, allocates nothing: records live in a ring and
// blocks whose lines were all dropped are reused.
type scrollback struct {
	max    int
	recs   []sbRec // ring: the oldest at head once full
	head   int
	blocks []*sbBlock
	free   []int32 // indexes of empty blocks
	cur    int32   // the block being filled, -1 none
}

func newScrollback(max int) scrollback {
	return scrollback{max: max, cur: -1}
}

func (s *scrollback) len() int { return len(s.recs) }

// rec returns the record of line i (0 = oldest).
func (s *scrollback) rec(i int) *sbRec {
	i += s.head
	if i >= len(s.recs) {
		i -= len(s.recs)
	}
	return &s.recs[i]
}

// line returns line i's bytes; they stay valid until the next push.
func (s *scrollback) line(i int) ([]byte, bool) {
	if i < 0 || i >= len(s.recs) {
		return nil, false
	}
	r := s.rec(i)
	return s.blocks[r.blk].buf[r.off : r.off+r.n], true
}

// push adds a rendered line as the newest, dropping the oldest when full.
func (s *scrollback) push(b []byte, wrapped bool) {
	if s.max <= 0 {
		return
	}
	copy(s.reserve(len(b)), b)
	s.commit(len(b), wrapped)
}

// reserve returns room for the next line's n bytes, to be filled and then
// committed. The oldest line is dropped first when the ring is full.
func (s *scrollback) reserve(n int) []byte {
	if len(s.recs) == s.max {
		s.release(s.recs[s.head].blk)
		s.head++
		if s.head == len(s.recs) {
			s.head = 0
		}
		// The slot just freed (the previous head) is reused by commit.
	}
	bl := s.blocks[s.place(n)]
	off := len(bl.buf)
	return bl.buf[off : off+n]
}

// commit adds the n bytes written into reserve's slice as the newest line.
func (s *scrollback) commit(n int, wrapped bool) {
	blk := s.cur
	bl := s.blocks[blk]
	off := len(bl.buf)
	bl.buf = bl.buf[:off+n]
	bl.refs++
	r := sbRec{blk: blk, off: uint32(off), n: uint32(n), wrapped: wrapped}
	if len(s.recs) < s.max {
		s.recs = append(s.recs, r)
		return
	}
	i := s.head - 1
	if i < 0 {
		i = len(s.recs) - 1
	}
	s.recs[i] = r
}

// place returns a block with room for n more bytes.
func (s *scrollback) place(n int) int32 {
	if s.cur >= 0 {
		if b := s.blocks[s.cur]; len(b.buf)+n <= cap(b.buf) {
			return s.cur
		}
		// The full block stays until its lines are dropped.
		if s.blocks[s.cur].refs == 0 {
			s.freeBlock(s.cur)
		}
	}
	size := max(n, sbBlockSize)
	for k, id := range s.free {
		if b := s.blocks[id]; cap(b.buf) >= size {
			s.free = append(s.free[:k], s.free[k+1:]...)
			b.buf = b.buf[:0]
			s.cur = id
			return id
		}
	}
	b := &sbBlock{buf: make([]byte, 0, size)}
	if size > sbBlockSize && len(s.free) > 0 {
		// Oversized line: drop a free block so blocks do not pile up.
		id := s.free[len(s.free)-1]
		s.free = s.free[:len(s.free)-1]
		s.blocks[id] = b
		s.cur = id
		return id
	}
	s.blocks = append(s.blocks, b)
	s.cur = int32(len(s.blocks) - 1)
	return s.cur
}

func (s *scrollback) release(id int32) {
	b := s.blocks[id]
	b.refs--
	if b.refs == 0 && id != s.cur {
		s.freeBlock(id)
	}
}

func (s *scrollback) freeBlock(id int32) {
	b := s.blocks[id]
	b.buf = b.buf[:0]
	if cap(b.buf) > sbBlockSize {
		b.buf = make([]byte, 0, sbBlockSize) // do not keep an oversized line's block
	}
	s.free = append(s.free, id)
	if s.cur == id {
		s.cur = -1
	}
}

// newestWrapped reports whether the newest line continues on the next
// one (it was soft-wrapped).
func (s *scrollback) newestWrapped() bool {
	n := len(s.recs)
	return n > 0 && s.rec(n-1).wrapped
}

// pop removes the newest line and returns a copy of it.
func (s *scrollback) pop() (b []byte, wrapped, ok bool) {
	n := len(s.recs)
	if n == 0 {
		return nil, false, false
	}
	if s.head != 0 {
		// Put the ring in order so the newest is last (a resize: rare).
		lin := make([]sbRec, 0, cap(s.recs))
		lin = append(lin, s.recs[s.head:]...)
		lin = append(lin, s.recs[:s.head]...)
		s.recs = lin
		s.head = 0
	}
	r := s.recs[n-1]
	s.recs = s.recs[:n-1]
	bl := s.blocks[r.blk]
	b = append([]byte(nil), bl.buf[r.off:r.off+r.n]...)
	if r.blk == s.cur && int(r.off+r.n) == len(bl.buf) {
		bl.buf = bl.buf[:r.off]
	}
	s.release(r.blk)
	return b, r.wrapped, true
}

// clear drops every line and block.
func (s *scrollback) clear() {
	s.recs = s.recs[:0]
	s.head = 0
	s.blocks = s.blocks[:0]
	s.free = s.free[:0]
	s.cur = -1
}

// bytes returns the memory the scrollback's blocks and records hold.
func (s *scrollback) bytes() int {
	n := cap(s.recs) * 16
	for _, b := range s.blocks {
		n += cap(b.buf)
	}
	return n
}

// stripEscapes appends b without its escape sequences (CSI, OSC and other
// strings) to dst: the plain text of a rendered line.
func stripEscapes(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != 0x1b {
			dst = append(dst, c)
			continue
		}
		if i+1 >= len(b) {
			break
		}
		switch b[i+1] {
		case '[':
			i += 2
			for i < len(b) && (b[i] < 0x40 || b[i] > 0x7e) {
				i++
			}
		case ']', 'P', '_', '^', 'X':
			i += 2
			for i < len(b) {
				if b[i] == 0x07 {
					break
				}
				if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '\\' {
					i++
					break
				}
				i++
			}
		default:
			i++
		}
	}
	return dst
}
