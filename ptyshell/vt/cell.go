// Package vt is nstui's terminal emulator core: a parser of program output
// and a screen model built for bulk output. The screen is a ring of lines
// (a full-screen scroll rotates an index), cells are compact (rune, packed
// attributes and colours), scrolled-off lines go to a ring of rendered
// styled bytes that never shifts, and damage is tracked per row so a frame
// re-renders only the rows that changed.
//
// A Terminal is not safe for concurrent use. It never blocks: answers to
// the program's queries go to the reply function it was given.
package vt

// Color is a packed cell colour: the kind in the top byte (ColorDefault,
// ColorIndexed, ColorRGB), the palette index or 0xRRGGBB below.
type Color uint32

// Colour kinds (Color.Kind).
const (
	ColorDefault uint8 = iota
	ColorIndexed
	ColorRGB
)

// Indexed returns palette colour i.
func Indexed(i uint8) Color { return Color(uint32(ColorIndexed)<<24 | uint32(i)) }

// RGB returns a 24-bit colour.
func RGB(r, g, b uint8) Color {
	return Color(uint32(ColorRGB)<<24 | uint32(r)<<16 | uint32(g)<<8 | uint32(b))
}

// Kind returns how the colour is given.
func (c Color) Kind() uint8 { return uint8(c >> 24) }

// Index returns the palette index of an indexed colour.
func (c Color) Index() uint8 { return uint8(c) }

// RGB returns the components of an RGB colour.
func (c Color) RGB() (r, g, b uint8) { return uint8(c >> 16), uint8(c >> 8), uint8(c) }

// Attribute bits of Cell.A. The low eight match ptyshell.Attr.
const (
	AttrBold uint16 = 1 << iota
	AttrFaint
	AttrItalic
	AttrBlink
	AttrRapidBlink
	AttrReverse
	AttrConceal
	AttrStrikethrough

	// attrUlShift is where the underline style (0-5) sits in Cell.A.
	attrUlShift = 8
	attrUlMask  = 7 << attrUlShift

	// AttrWide marks the first column of a wide character.
	AttrWide uint16 = 1 << 14
	// AttrCont marks the second column of a wide character.
	AttrCont uint16 = 1 << 15

	attrWidthMask = AttrWide | AttrCont
	attrStyleMask = ^attrWidthMask
)

// Underline styles (Cell.Underline).
const (
	UnderlineNone uint8 = iota
	UnderlineSingle
	UnderlineDouble
	UnderlineCurly
	UnderlineDotted
	UnderlineDashed
)

// Cell is one screen cell. The zero Cell is an empty, unstyled cell.
type Cell struct {
	// R is the character: 0 for an empty cell, a negative value -(i+1)
	// for entry i of the terminal's grapheme table (a character with
	// combining marks); see Terminal.CellText.
	R rune
	// A holds the attributes, the underline style and the width flags.
	A uint16
	// Link is the OSC 8 hyperlink id (0: none); see Terminal.LinkURL.
	Link       uint16
	Fg, Bg, Ul Color
}

// Underline returns the cell's underline style.
func (c Cell) Underline() uint8 { return uint8(c.A & attrUlMask >> attrUlShift) }

// Attrs returns the text attribute bits (AttrBold...).
func (c Cell) Attrs() uint16 { return c.A & 0xff }

// Width returns the columns the cell's character takes: 2 for a wide
// character, 0 for the column after it, 1 otherwise.
func (c Cell) Width() int {
	switch {
	case c.A&AttrWide != 0:
		return 2
	case c.A&AttrCont != 0:
		return 0
	}
	return 1
}

// blank reports whether the cell shows nothing: empty or a space, no
// colours, attributes or link.
func (c *Cell) blank() bool {
	return (c.R == 0 || c.R == ' ') && c.A == 0 && c.Link == 0 && c.Fg == 0 && c.Bg == 0 && c.Ul == 0
}

// sameStyle reports whether two cells render with the same SGR and link.
func sameStyle(a, b *Cell) bool {
	return a.A&attrStyleMask == b.A&attrStyleMask && a.Fg == b.Fg && a.Bg == b.Bg && a.Ul == b.Ul && a.Link == b.Link
}
