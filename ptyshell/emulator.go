package ptyshell

// Emulator is the terminal emulator behind a Session: it turns the program's
// output bytes into a screen and encodes the user's input the way the program
// asked for (cursor key mode, bracketed paste, mouse tracking).
//
// It is deliberately small and row oriented, so implementations swap without
// touching callers: NewNativeEmulator (our own core, package ptyshell/vt)
// is the default, NewVTEmulator (x/vt) the test oracle. A renderer
// asks for whole rows as styled strings, which an implementation caches per
// row, and for the rows that changed since its last frame, instead of making
// one interface call per cell.
//
// An Emulator is not safe for concurrent use; Session serialises every call
// with its own mutex. Implementations must never block in Write: answers to
// the program's queries (DA, DSR, mode reports) go to the reply function the
// constructor was given, which must not block either.
type Emulator interface {
	// Write feeds program output to the emulator. It never fails on odd
	// input; an error means the emulator is closed.
	Write(p []byte) (int, error)
	// Resize changes the screen size; rows and cols are at least 1.
	Resize(rows, cols int)
	// Size returns the screen size.
	Size() (rows, cols int)

	// Rows returns the visible rows as strings with SGR/OSC 8 sequences,
	// trailing blanks trimmed, reusing dst. Rows that did not change since
	// the previous call come from a per-row cache.
	Rows(dst []string) []string
	// ChangedRows appends to dst the indexes of the rows that changed since
	// the previous ChangedRows call, and forgets them.
	ChangedRows(dst []int) []int
	// Text returns the visible screen as plain text, one line per row,
	// trailing blanks trimmed.
	Text() string
	// Cell returns the cell at row, col (0-based); ok is false outside the
	// screen.
	Cell(row, col int) (c Cell, ok bool)

	// Cursor returns the cursor position, shape and visibility.
	Cursor() Cursor
	// AltScreen reports whether the alternate screen is active.
	AltScreen() bool
	// Title returns the window title the program set (OSC 0/2).
	Title() string
	// Bells returns how many BEL characters the program printed so far.
	Bells() uint64
	// Modes returns the input-related modes the program set.
	Modes() Modes

	// EncodeKey returns the bytes a key press sends to the program.
	EncodeKey(k Key) []byte
	// EncodePaste returns the bytes a paste sends (bracketed when asked).
	EncodePaste(text string) []byte
	// EncodeMouse returns the bytes a mouse event sends, or nil when the
	// program did not ask for that kind of event.
	EncodeMouse(m Mouse) []byte
	// EncodeFocus returns the focus-in/out report, or nil when the program
	// did not ask for focus events.
	EncodeFocus(focused bool) []byte

	// ScrollbackLen returns the number of lines that scrolled off the top
	// of the main screen and are kept.
	ScrollbackLen() int
	// ScrollbackLine returns scrollback line i (0 = oldest) with styles.
	ScrollbackLine(i int) string
	// ScrollbackText returns scrollback line i (0 = oldest) as plain text.
	ScrollbackText(i int) string

	// Close releases the emulator; later Writes fail.
	Close() error
}

// EmulatorFactory builds an Emulator of rows x cols keeping scrollback lines
// of history; reply receives the emulator's answers to the program and must
// not block. logf may be nil.
type EmulatorFactory func(rows, cols, scrollback int, reply func([]byte), logf func(format string, args ...any)) Emulator

// Cursor is the cursor as the program left it.
type Cursor struct {
	Row, Col int
	Visible  bool
	Shape    CursorShape
	Blink    bool
}

// CursorShape is the cursor's shape (DECSCUSR).
type CursorShape uint8

// Cursor shapes.
const (
	CursorBlock CursorShape = iota
	CursorUnderline
	CursorBar
)

// Modes are the input-related terminal modes a program can set.
type Modes struct {
	AppCursor      bool      // DECCKM (?1): cursor keys send SS3 sequences
	AppKeypad      bool      // DECNKM (?66) / DECKPAM: keypad sends SS3 sequences
	BracketedPaste bool      // ?2004
	FocusEvents    bool      // ?1004
	Mouse          MouseMode // ?9, ?1000, ?1002, ?1003
	MouseSGR       bool      // ?1006: SGR mouse encoding
	LineFeedNL     bool      // LNM (20): Enter sends CR LF
	// ModifyOtherKeys is xterm's modifyOtherKeys level (CSI > 4 ; n m):
	// at 1 or 2, modified Enter, Tab and Backspace, which have no legacy
	// encoding of their own, are sent as CSI 27 ; mod ; code ~.
	ModifyOtherKeys uint8
}

// MouseMode is the mouse tracking a program asked for.
type MouseMode uint8

// Mouse tracking modes, from none to every motion.
const (
	MouseOff    MouseMode = iota
	MouseX10              // ?9: presses only
	MouseNormal           // ?1000: presses and releases
	MouseButton           // ?1002: plus motion while a button is held
	MouseAny              // ?1003: plus all motion
)

// Cell is one screen cell.
type Cell struct {
	// Text is the grapheme cluster shown; "" for the second column of a
	// wide character.
	Text string
	// Width is the number of columns Text takes (0 for the continuation
	// column of a wide character).
	Width     int
	Fg, Bg    Color
	UlColor   Color
	Attrs     Attr
	Underline UnderlineStyle
	// Link is the OSC 8 hyperlink URL, if any.
	Link string
}

// Attr is a set of text attributes.
type Attr uint16

// Text attributes.
const (
	AttrBold Attr = 1 << iota
	AttrFaint
	AttrItalic
	AttrBlink
	AttrRapidBlink
	AttrReverse
	AttrConceal
	AttrStrikethrough
)

// UnderlineStyle is the underline style of a cell (SGR 4:n).
type UnderlineStyle uint8

// Underline styles.
const (
	UnderlineNone UnderlineStyle = iota
	UnderlineSingle
	UnderlineDouble
	UnderlineCurly
	UnderlineDotted
	UnderlineDashed
)

// ColorKind says how a Color is given.
type ColorKind uint8

// Colour kinds.
const (
	ColorDefault ColorKind = iota // the terminal's default colour
	ColorIndexed                  // palette index 0-255 (0-15 are the basic ANSI colours)
	ColorRGB                      // 24-bit colour
)

// Color is a cell colour.
type Color struct {
	Kind    ColorKind
	Index   uint8 // for ColorIndexed
	R, G, B uint8 // for ColorRGB
}
