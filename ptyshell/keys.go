package ptyshell

import (
	"strconv"
	"strings"
	"unicode"

	uv "github.com/charmbracelet/ultraviolet"
)

// Key is one key press as the user typed it. Its fields and constants have
// the same values as Bubble Tea v2's (which come from ultraviolet), so a
// tea.KeyPressMsg maps one to one:
//
//	ptyshell.Key{Code: k.Code, Mod: ptyshell.KeyMod(k.Mod), Text: k.Text}
type Key struct {
	// Code is the key: a special key constant (KeyUp, KeyF1...) or the
	// unshifted character of a printable key ('a' for shift+a).
	Code rune
	// Mod holds the modifiers held down.
	Mod KeyMod
	// Text is what the key types ("A" for shift+a); empty for special keys
	// and usually for ctrl combinations.
	Text string
}

// KeyMod is a set of key modifiers (same bits as Bubble Tea v2).
type KeyMod int

// Key modifiers.
const (
	ModShift KeyMod = KeyMod(uv.ModShift)
	ModAlt   KeyMod = KeyMod(uv.ModAlt)
	ModCtrl  KeyMod = KeyMod(uv.ModCtrl)
	ModMeta  KeyMod = KeyMod(uv.ModMeta)
)

// Special key codes (same values as Bubble Tea v2).
const (
	KeyUp        = uv.KeyUp
	KeyDown      = uv.KeyDown
	KeyRight     = uv.KeyRight
	KeyLeft      = uv.KeyLeft
	KeyBegin     = uv.KeyBegin
	KeyInsert    = uv.KeyInsert
	KeyDelete    = uv.KeyDelete
	KeyPgUp      = uv.KeyPgUp
	KeyPgDown    = uv.KeyPgDown
	KeyHome      = uv.KeyHome
	KeyEnd       = uv.KeyEnd
	KeyKpEnter   = uv.KeyKpEnter
	KeyKpEqual   = uv.KeyKpEqual
	KeyKpMul     = uv.KeyKpMultiply
	KeyKpPlus    = uv.KeyKpPlus
	KeyKpComma   = uv.KeyKpComma
	KeyKpMinus   = uv.KeyKpMinus
	KeyKpDecimal = uv.KeyKpDecimal
	KeyKpDivide  = uv.KeyKpDivide
	KeyKp0       = uv.KeyKp0
	KeyKp9       = uv.KeyKp9
	KeyF1        = uv.KeyF1
	KeyF12       = uv.KeyF12
	KeyF20       = uv.KeyF20
	KeyBackspace = uv.KeyBackspace
	KeyTab       = uv.KeyTab
	KeyEnter     = uv.KeyEnter
	KeyEscape    = uv.KeyEscape
	KeySpace     = uv.KeySpace
)

// xtermMod is the modifier parameter of xterm's "CSI 1 ; m X" encoding:
// 1 + shift + 2*alt + 4*ctrl + 8*meta.
func xtermMod(m KeyMod) int {
	n := 1
	if m&ModShift != 0 {
		n++
	}
	if m&ModAlt != 0 {
		n += 2
	}
	if m&ModCtrl != 0 {
		n += 4
	}
	if m&ModMeta != 0 {
		n += 8
	}
	return n
}

// EncodeKey returns the bytes xterm would send for k given the program's
// modes. Modified special keys use xterm's "CSI 1;m X" / "CSI n;m ~" forms
// (x/vt's SendKey drops them); ctrl+letter sends the C0 control, alt
// prefixes ESC. A key with no legacy encoding returns nil.
func EncodeKey(k Key, m Modes) []byte {
	mods := k.Mod & (ModShift | ModAlt | ModCtrl | ModMeta)
	if s, ok := specialKey(k.Code, mods, m); ok {
		return []byte(s)
	}
	// Keypad keys, when the program did not ask for application keypad,
	// type their character.
	if k.Code >= KeyKpEnter && k.Code <= KeyKp9 && !m.AppKeypad {
		if c := kpChar(k.Code); c != 0 {
			k = Key{Code: c, Mod: k.Mod, Text: string(c)}
			if c == '\r' {
				k.Text = ""
			}
		}
	}
	if k.Code >= KeyKpEnter && k.Code <= KeyKp9 && m.AppKeypad {
		if c := kpSS3(k.Code); c != 0 {
			return []byte{0x1b, 'O', c}
		}
	}

	// With modifyOtherKeys on, modified keys whose legacy bytes are those
	// of another key get xterm's CSI 27 form.
	if m.ModifyOtherKeys > 0 && mods&(ModShift|ModCtrl) != 0 {
		switch k.Code {
		case KeyEnter, KeyTab, KeyBackspace:
			if !(k.Code == KeyTab && mods == ModShift) { // shift+tab is CSI Z
				return []byte("\x1b[27;" + strconv.Itoa(xtermMod(mods)) + ";" + strconv.Itoa(int(k.Code)) + "~")
			}
		}
	}

	alt := mods&(ModAlt|ModMeta) != 0
	prefix := ""
	if alt {
		prefix = "\x1b"
	}

	switch k.Code {
	case KeyEnter, KeyKpEnter:
		// ctrl+enter and shift+enter have no legacy encoding of their own;
		// xterm (modifyOtherKeys off) sends CR, which is what shells expect.
		if m.LineFeedNL {
			return []byte(prefix + "\r\n")
		}
		return []byte(prefix + "\r")
	case KeyTab:
		if mods&ModShift != 0 {
			return []byte(prefix + "\x1b[Z")
		}
		return []byte(prefix + "\t")
	case KeyBackspace:
		// ctrl+backspace sends BS (^H) like xterm, gnome-terminal and
		// kitty; plain backspace sends DEL.
		if mods&ModCtrl != 0 {
			return []byte(prefix + "\x08")
		}
		return []byte(prefix + "\x7f")
	case KeyEscape:
		return []byte(prefix + "\x1b")
	case KeySpace:
		if mods&ModCtrl != 0 {
			return []byte(prefix + "\x00")
		}
		return []byte(prefix + " ")
	}

	if mods&ModCtrl != 0 {
		if c, ok := ctrlByte(k.Code); ok {
			return []byte(prefix + string(rune(c)))
		}
		if k.Text != "" {
			return []byte(prefix + k.Text)
		}
		return nil
	}
	if k.Text != "" {
		return []byte(prefix + k.Text)
	}
	if k.Code > 0 && k.Code <= unicode.MaxRune && k.Code >= 0x20 && k.Code != 0x7f {
		r := k.Code
		if mods&ModShift != 0 {
			r = unicode.ToUpper(r)
		}
		return []byte(prefix + string(r))
	}
	if k.Code >= 0 && k.Code < 0x20 {
		return []byte(prefix + string(k.Code))
	}
	return nil
}

// specialKey encodes cursor, editing and function keys.
func specialKey(code rune, mods KeyMod, m Modes) (string, bool) {
	var final byte // for CSI/SS3 letter keys
	num := 0       // for CSI n ~ keys
	ss3 := false   // unmodified form is SS3 (F1-F4)
	cursor := false
	switch code {
	case KeyUp:
		final, cursor = 'A', true
	case KeyDown:
		final, cursor = 'B', true
	case KeyRight:
		final, cursor = 'C', true
	case KeyLeft:
		final, cursor = 'D', true
	case KeyBegin:
		final, cursor = 'E', true
	case KeyHome:
		final, cursor = 'H', true
	case KeyEnd:
		final, cursor = 'F', true
	case KeyInsert:
		num = 2
	case KeyDelete:
		num = 3
	case KeyPgUp:
		num = 5
	case KeyPgDown:
		num = 6
	default:
		if code >= KeyF1 && code <= KeyF20 {
			n := int(code - KeyF1 + 1)
			switch {
			case n <= 4:
				final, ss3 = "PQRS"[n-1], true
			default:
				num = [...]int{5: 15, 6: 17, 7: 18, 8: 19, 9: 20, 10: 21, 11: 23, 12: 24,
					13: 25, 14: 26, 15: 28, 16: 29, 17: 31, 18: 32, 19: 33, 20: 34}[n]
			}
		} else {
			return "", false
		}
	}
	mod := xtermMod(mods)
	if num != 0 {
		if mod == 1 {
			return "\x1b[" + strconv.Itoa(num) + "~", true
		}
		return "\x1b[" + strconv.Itoa(num) + ";" + strconv.Itoa(mod) + "~", true
	}
	if mod == 1 {
		if ss3 || (cursor && m.AppCursor) {
			return "\x1bO" + string(final), true
		}
		return "\x1b[" + string(final), true
	}
	// Modified keys always use CSI, even in application cursor mode.
	return "\x1b[1;" + strconv.Itoa(mod) + string(final), true
}

// ctrlByte maps ctrl+key to its C0 control code like xterm does.
func ctrlByte(r rune) (byte, bool) {
	switch {
	case r >= 'a' && r <= 'z':
		return byte(r - 'a' + 1), true
	case r >= 'A' && r <= 'Z':
		return byte(r - 'A' + 1), true
	case r == '@' || r == '2' || r == ' ':
		return 0, true
	case r == '[' || r == '3':
		return 0x1b, true
	case r == '\\' || r == '4':
		return 0x1c, true
	case r == ']' || r == '5':
		return 0x1d, true
	case r == '^' || r == '6' || r == '~':
		return 0x1e, true
	case r == '_' || r == '7' || r == '-' || r == '/':
		return 0x1f, true
	case r == '?' || r == '8':
		return 0x7f, true
	}
	return 0, false
}

func kpChar(code rune) rune {
	switch code {
	case KeyKpEnter:
		return '\r'
	case KeyKpEqual:
		return '='
	case KeyKpMul:
		return '*'
	case KeyKpPlus:
		return '+'
	case KeyKpComma:
		return ','
	case KeyKpMinus:
		return '-'
	case KeyKpDecimal:
		return '.'
	case KeyKpDivide:
		return '/'
	}
	if code >= KeyKp0 && code <= KeyKp9 {
		return '0' + (code - KeyKp0)
	}
	return 0
}

func kpSS3(code rune) byte {
	switch code {
	case KeyKpEnter:
		return 'M'
	case KeyKpEqual:
		return 'X'
	case KeyKpMul:
		return 'j'
	case KeyKpPlus:
		return 'k'
	case KeyKpComma:
		return 'l'
	case KeyKpMinus:
		return 'm'
	case KeyKpDecimal:
		return 'n'
	case KeyKpDivide:
		return 'o'
	}
	if code >= KeyKp0 && code <= KeyKp9 {
		return byte('p' + (code - KeyKp0))
	}
	return 0
}

const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// EncodePaste returns the bytes a paste of text sends: newlines become CR
// as a terminal sends them, and with bracketed paste on, the text is wrapped
// in ESC[200~ ... ESC[201~ after removing any end marker inside it, so pasted
// text cannot break out of the bracket and run as typed commands.
func EncodePaste(text string, m Modes) []byte {
	text = strings.ReplaceAll(text, "\r\n", "\r")
	text = strings.ReplaceAll(text, "\n", "\r")
	if !m.BracketedPaste {
		return []byte(text)
	}
	for strings.Contains(text, pasteEnd) {
		text = strings.ReplaceAll(text, pasteEnd, "")
	}
	return []byte(pasteStart + text + pasteEnd)
}

// Mouse is one mouse event at a cell of the pane (0-based).
type Mouse struct {
	X, Y   int
	Button MouseBtn
	Action MouseAction
	Mod    KeyMod
}

// MouseBtn is a mouse button (X11 numbering, same values as Bubble Tea v2).
type MouseBtn uint8

// Mouse buttons.
const (
	MouseNoButton MouseBtn = iota
	MouseLeft
	MouseMiddle
	MouseRight
	MouseWheelUp
	MouseWheelDown
	MouseWheelLeft
	MouseWheelRight
	MouseBackward
	MouseForward
)

// MouseAction says what happened.
type MouseAction uint8

// Mouse actions. Wheel turns are presses of the wheel buttons.
const (
	MousePress MouseAction = iota
	MouseRelease
	MouseMotion
)

// EncodeMouse returns the xterm report for ev under the program's mouse
// modes, or nil when the program did not ask for this kind of event.
func EncodeMouse(ev Mouse, m Modes) []byte {
	switch m.Mouse {
	case MouseOff:
		return nil
	case MouseX10:
		if ev.Action != MousePress {
			return nil
		}
	case MouseNormal:
		if ev.Action == MouseMotion {
			return nil
		}
	case MouseButton:
		if ev.Action == MouseMotion && ev.Button == MouseNoButton {
			return nil
		}
	}
	if ev.X < 0 || ev.Y < 0 {
		return nil
	}
	var b int
	switch {
	case ev.Button == MouseNoButton:
		b = 3
	case ev.Button <= MouseRight:
		b = int(ev.Button - MouseLeft)
	case ev.Button <= MouseWheelRight:
		b = int(ev.Button-MouseWheelUp) | 64
	default:
		b = int(ev.Button-MouseBackward) | 128
	}
	if m.Mouse != MouseX10 {
		if ev.Mod&ModShift != 0 {
			b |= 4
		}
		if ev.Mod&(ModAlt|ModMeta) != 0 {
			b |= 8
		}
		if ev.Mod&ModCtrl != 0 {
			b |= 16
		}
	}
	if ev.Action == MouseMotion {
		b |= 32
	}
	if m.MouseSGR {
		final := byte('M')
		if ev.Action == MouseRelease {
			final = 'm'
		}
		return []byte("\x1b[<" + strconv.Itoa(b) + ";" + strconv.Itoa(ev.X+1) + ";" + strconv.Itoa(ev.Y+1) + string(final))
	}
	// Legacy encoding: one byte per value, offset by 32; releases do not
	// say which button; coordinates beyond 223 cannot be encoded.
	if ev.Action == MouseRelease {
		b = 3 | (b &^ 3 &^ 64 &^ 128)
	}
	if ev.X > 222 || ev.Y > 222 {
		return nil
	}
	return []byte{0x1b, '[', 'M', byte(32 + b), byte(33 + ev.X), byte(33 + ev.Y)}
}

// EncodeFocus returns the focus report (CSI I / CSI O) when the program asked
// for focus events, else nil.
func EncodeFocus(focused bool, m Modes) []byte {
	if !m.FocusEvents {
		return nil
	}
	if focused {
		return []byte("\x1b[I")
	}
	return []byte("\x1b[O")
}
