package vt

import "unicode"

// runeWidth returns the columns a rune takes on a terminal, as glibc's
// wcwidth gives them (so as the shell's line editor and tmux count): 0 for
// combining marks, enclosing marks and format characters (the standard
// library's Unicode categories Mn, Me, Cf) and Hangul medial vowels and final
// consonants; 2 for East Asian wide and fullwidth characters and emoji (a
// table of ranges, written as comparisons); 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case r < 0x300:
		return 1
	case zeroWidth(r):
		return 0
	case wide(r):
		return 2
	}
	return 1
}

// shown reports whether r (at least U+0300) is a character terminals draw:
// assigned and not a control or surrogate (glibc's wcwidth says -1 for the
// rest, and terminals then disagree on its width, which would shift the
// rest of the row in the UI's terminal). Private use characters (Nerd Font
// icons) are shown.
func shown(r rune) bool {
	if r < 0x10000 {
		return shownBMP.has(r)
	}
	return unicode.IsGraphic(r) || unicode.In(r, unicode.Cf, unicode.Co)
}

// bmpSet is a set of code points below U+10000, one bit each: one lookup
// instead of a binary search per Unicode table for every non-ASCII
// character printed.
type bmpSet [0x10000 / 64]uint64

// newBMPSet returns the code points below U+10000 in the tables; runs
// fill whole words, so building one costs microseconds.
func newBMPSet(tables ...*unicode.RangeTable) *bmpSet {
	var b bmpSet
	for _, t := range tables {
		for _, rg := range t.R16 {
			lo, hi, stride := uint32(rg.Lo), uint32(rg.Hi), uint32(rg.Stride)
			for r := lo; r <= hi; {
				if stride == 1 && r%64 == 0 && hi-r >= 63 {
					b[r/64] = ^uint64(0)
					r += 64
					continue
				}
				b[r/64] |= 1 << (r % 64)
				r += stride
			}
		}
	}
	return &b
}

func (b *bmpSet) has(r rune) bool { return b[r/64]&(1<<(r%64)) != 0 }

// The sets the width functions use, built when the package loads and
// never changed: what takes no column (Mn, Me, Cf), and what terminals
// draw (graphic characters, format and private use characters).
var (
	zeroBMP  = newBMPSet(unicode.Mn, unicode.Me, unicode.Cf)
	shownBMP = newBMPSet(append(append([]*unicode.RangeTable(nil), unicode.GraphicRanges...), unicode.Cf, unicode.Co)...)
)

func zeroWidth(r rune) bool {
	switch {
	case r >= 0x1160 && r <= 0x11ff, r >= 0xd7b0 && r <= 0xd7ff: // Hangul medial vowels and final consonants
		return true
	case r >= 0x600 && r <= 0x605, r == 0x6dd, r == 0x70f, r == 0x890, r == 0x891, r == 0x8e2,
		r == 0x110bd, r == 0x110cd: // prepended concatenation marks: format characters shown
		return false
	}
	if r < 0x10000 {
		return zeroBMP.has(r)
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf)
}

func wide(r rune) bool {
	if r < 0x1100 {
		return false
	}
	switch {
	case r <= 0x115f, // Hangul Jamo
		r == 0x231a, r == 0x231b, r == 0x2329, r == 0x232a,
		r >= 0x23e9 && r <= 0x23ec, r == 0x23f0, r == 0x23f3,
		r == 0x25fd, r == 0x25fe, r == 0x2614, r == 0x2615,
		r >= 0x2648 && r <= 0x2653, r == 0x267f, r == 0x2693, r == 0x26a1,
		r == 0x26aa, r == 0x26ab, r == 0x26bd, r == 0x26be, r == 0x26c4, r == 0x26c5,
		r == 0x26ce, r == 0x26d4, r == 0x26ea, r == 0x26f2, r == 0x26f3, r == 0x26f5,
		r == 0x26fa, r == 0x26fd, r == 0x2705, r == 0x270a, r == 0x270b, r == 0x2728,
		r == 0x274c, r == 0x274e, r >= 0x2753 && r <= 0x2755, r == 0x2757,
		r >= 0x2795 && r <= 0x2797, r == 0x27b0, r == 0x27bf, r == 0x2b1b, r == 0x2b1c,
		r == 0x2b50, r == 0x2b55,
		r >= 0x2e80 && r <= 0x303e, // CJK radicals .. CJK symbols
		r >= 0x3041 && r <= 0x33ff, // Hiragana .. CJK compatibility
		r >= 0x3400 && r <= 0x4dbf, // CJK extension A
		r >= 0x4dc0 && r <= 0x4dff, // Yijing hexagrams
		r >= 0x4e00 && r <= 0x9fff, // CJK unified ideographs
		r >= 0xa000 && r <= 0xa4cf, // Yi
		r >= 0xa960 && r <= 0xa97f,
		r >= 0xac00 && r <= 0xd7a3, // Hangul syllables
		r >= 0xf900 && r <= 0xfaff, // CJK compatibility ideographs
		r >= 0xfe10 && r <= 0xfe19,
		r >= 0xfe30 && r <= 0xfe6f,
		r >= 0xff00 && r <= 0xff60, // fullwidth forms
		r >= 0xffe0 && r <= 0xffe6,
		r >= 0x16fe0 && r <= 0x16fe4, r >= 0x16ff0 && r <= 0x16ff1, r >= 0x17000 && r <= 0x18d08,
		r >= 0x1aff0 && r <= 0x1affe, r >= 0x1b000 && r <= 0x1b2ff,
		r == 0x1f004, r == 0x1f0cf, r == 0x1f18e, r >= 0x1f191 && r <= 0x1f19a,
		r >= 0x1f200 && r <= 0x1f251, r >= 0x1f260 && r <= 0x1f265,
		r >= 0x1f300 && r <= 0x1f320, r >= 0x1f32d && r <= 0x1f335, r >= 0x1f337 && r <= 0x1f37c,
		r >= 0x1f37e && r <= 0x1f393, r >= 0x1f3a0 && r <= 0x1f3ca, r >= 0x1f3cf && r <= 0x1f3d3,
		r >= 0x1f3e0 && r <= 0x1f3f0, r == 0x1f3f4, r >= 0x1f3f8 && r <= 0x1f3ff, // with the skin tone modifiers: wide on their own, as in wcwidth and tmux
		r >= 0x1f400 && r <= 0x1f43e, r == 0x1f440, r >= 0x1f442 && r <= 0x1f4fc,
		r >= 0x1f4ff && r <= 0x1f53d, r >= 0x1f54b && r <= 0x1f54e, r >= 0x1f550 && r <= 0x1f567,
		r == 0x1f57a, r == 0x1f595, r == 0x1f596, r == 0x1f5a4, r >= 0x1f5fb && r <= 0x1f64f,
		r >= 0x1f680 && r <= 0x1f6c5, r == 0x1f6cc, r >= 0x1f6d0 && r <= 0x1f6d2,
		r >= 0x1f6d5 && r <= 0x1f6d7, r >= 0x1f6dc && r <= 0x1f6df, r == 0x1f6eb, r == 0x1f6ec,
		r >= 0x1f6f4 && r <= 0x1f6fc, r >= 0x1f7e0 && r <= 0x1f7eb, r == 0x1f7f0,
		r >= 0x1f90c && r <= 0x1f93a, r >= 0x1f93c && r <= 0x1f945, r >= 0x1f947 && r <= 0x1f9ff,
		r >= 0x1fa70 && r <= 0x1faff,
		r >= 0x20000 && r <= 0x2fffd, // CJK extensions B..
		r >= 0x30000 && r <= 0x3fffd:
		return true
	}
	return false
}

// decSpecial maps a byte printed while the DEC special graphics set is
// active to its line-drawing character.
func decSpecial(b byte) rune {
	switch b {
	case '_':
		return ' '
	case '`':
		return '◆'
	case 'a':
		return '▒'
	case 'b':
		return '␉'
	case 'c':
		return '␌'
	case 'd':
		return '␍'
	case 'e':
		return '␊'
	case 'f':
		return '°'
	case 'g':
		return '±'
	case 'h':
		return '␤'
	case 'i':
		return '␋'
	case 'j':
		return '┘'
	case 'k':
		return '┐'
	case 'l':
		return '┌'
	case 'm':
		return '└'
	case 'n':
		return '┼'
	case 'o':
		return '⎺'
	case 'p':
		return '⎻'
	case 'q':
		return '─'
	case 'r':
		return '⎼'
	case 's':
		return '⎽'
	case 't':
		return '├'
	case 'u':
		return '┤'
	case 'v':
		return '┴'
	case 'w':
		return '┬'
	case 'x':
		return '│'
	case 'y':
		return '≤'
	case 'z':
		return '≥'
	case '{':
		return 'π'
	case '|':
		return '≠'
	case '}':
		return '£'
	case '~':
		return '·'
	}
	return rune(b)
}

// paletteRGB returns xterm's default colour for palette index i.
func paletteRGB(i uint8) (r, g, b uint8) {
	switch {
	case i < 16:
		// xterm's default 16 colours.
		const basic = "\x00\x00\x00\xcd\x00\x00\x00\xcd\x00\xcd\xcd\x00\x00\x00\xee\xcd\x00\xcd\x00\xcd\xcd\xe5\xe5\xe5" +
			"\x7f\x7f\x7f\xff\x00\x00\x00\xff\x00\xff\xff\x00\x5c\x5c\xff\xff\x00\xff\x00\xff\xff\xff\xff\xff"
		return basic[3*i], basic[3*i+1], basic[3*i+2]
	case i < 232:
		n := i - 16
		step := func(v uint8) uint8 {
			if v == 0 {
				return 0
			}
			return 55 + 40*v
		}
		return step(n / 36), step(n / 6 % 6), step(n % 6)
	}
	v := 8 + 10*(i-232)
	return v, v, v
}
