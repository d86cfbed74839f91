package ptyshell

import (
	"strings"
	"testing"

	uv "github.com/charmbracelet/ultraviolet"
)

func TestKeyEncodeTable(t *testing.T) {
	normal := Modes{}
	app := Modes{AppCursor: true, AppKeypad: true}
	for _, tc := range []struct {
		name string
		k    Key
		m    Modes
		want string
	}{
		{"a", Key{Code: 'a', Text: "a"}, normal, "a"},
		{"shift+a", Key{Code: 'a', Mod: ModShift, Text: "A"}, normal, "A"},
		{"shift+a no text", Key{Code: 'a', Mod: ModShift}, normal, "A"},
		{"utf-8 text", Key{Code: 'é', Text: "é"}, normal, "é"},
		{"ctrl+c", Key{Code: 'c', Mod: ModCtrl}, normal, "\x03"},
		{"ctrl+shift+c", Key{Code: 'c', Mod: ModCtrl | ModShift}, normal, "\x03"},
		{"ctrl+]", Key{Code: ']', Mod: ModCtrl}, normal, "\x1d"},
		{"ctrl+space", Key{Code: KeySpace, Mod: ModCtrl}, normal, "\x00"},
		{"ctrl+alt+x", Key{Code: 'x', Mod: ModCtrl | ModAlt}, normal, "\x1b\x18"},
		{"alt+b", Key{Code: 'b', Mod: ModAlt, Text: "b"}, normal, "\x1bb"},
		{"enter", Key{Code: KeyEnter}, normal, "\r"},
		{"enter LNM", Key{Code: KeyEnter}, Modes{LineFeedNL: true}, "\r\n"},
		{"ctrl+enter", Key{Code: KeyEnter, Mod: ModCtrl}, normal, "\r"},
		{"alt+enter", Key{Code: KeyEnter, Mod: ModAlt}, normal, "\x1b\r"},
		{"tab", Key{Code: KeyTab}, normal, "\t"},
		{"shift+tab", Key{Code: KeyTab, Mod: ModShift}, normal, "\x1b[Z"},
		{"backspace", Key{Code: KeyBackspace}, normal, "\x7f"},
		{"ctrl+backspace", Key{Code: KeyBackspace, Mod: ModCtrl}, normal, "\x08"},
		{"alt+backspace", Key{Code: KeyBackspace, Mod: ModAlt}, normal, "\x1b\x7f"},
		{"esc", Key{Code: KeyEscape}, normal, "\x1b"},
		{"up", Key{Code: KeyUp}, normal, "\x1b[A"},
		{"up app", Key{Code: KeyUp}, app, "\x1bOA"},
		{"ctrl+up", Key{Code: KeyUp, Mod: ModCtrl}, normal, "\x1b[1;5A"},
		{"ctrl+up app", Key{Code: KeyUp, Mod: ModCtrl}, app, "\x1b[1;5A"},
		{"shift+right", Key{Code: KeyRight, Mod: ModShift}, normal, "\x1b[1;2C"},
		{"alt+left", Key{Code: KeyLeft, Mod: ModAlt}, normal, "\x1b[1;3D"},
		{"ctrl+shift+down", Key{Code: KeyDown, Mod: ModCtrl | ModShift}, normal, "\x1b[1;6B"},
		{"home", Key{Code: KeyHome}, normal, "\x1b[H"},
		{"home app", Key{Code: KeyHome}, app, "\x1bOH"},
		{"ctrl+end", Key{Code: KeyEnd, Mod: ModCtrl}, normal, "\x1b[1;5F"},
		{"shift+home", Key{Code: KeyHome, Mod: ModShift}, normal, "\x1b[1;2H"},
		{"pgup", Key{Code: KeyPgUp}, normal, "\x1b[5~"},
		{"ctrl+pgdown", Key{Code: KeyPgDown, Mod: ModCtrl}, normal, "\x1b[6;5~"},
		{"shift+pgup", Key{Code: KeyPgUp, Mod: ModShift}, normal, "\x1b[5;2~"},
		{"delete", Key{Code: KeyDelete}, normal, "\x1b[3~"},
		{"ctrl+delete", Key{Code: KeyDelete, Mod: ModCtrl}, normal, "\x1b[3;5~"},
		{"insert", Key{Code: KeyInsert}, normal, "\x1b[2~"},
		{"f1", Key{Code: KeyF1}, normal, "\x1bOP"},
		{"shift+f1", Key{Code: KeyF1, Mod: ModShift}, normal, "\x1b[1;2P"},
		{"f5", Key{Code: KeyF1 + 4}, normal, "\x1b[15~"},
		{"ctrl+f12", Key{Code: KeyF12, Mod: ModCtrl}, normal, "\x1b[24;5~"},
		{"kp 5", Key{Code: KeyKp0 + 5}, normal, "5"},
		{"kp 5 app", Key{Code: KeyKp0 + 5}, app, "\x1bOu"},
		{"kp enter app", Key{Code: KeyKpEnter}, app, "\x1bOM"},
		{"ctrl+enter mok", Key{Code: KeyEnter, Mod: ModCtrl}, Modes{ModifyOtherKeys: 2}, "\x1b[27;5;13~"},
		{"shift+enter mok", Key{Code: KeyEnter, Mod: ModShift}, Modes{ModifyOtherKeys: 1}, "\x1b[27;2;13~"},
		{"ctrl+tab mok", Key{Code: KeyTab, Mod: ModCtrl}, Modes{ModifyOtherKeys: 1}, "\x1b[27;5;9~"},
		{"shift+tab mok", Key{Code: KeyTab, Mod: ModShift}, Modes{ModifyOtherKeys: 1}, "\x1b[Z"},
		{"ctrl+backspace mok", Key{Code: KeyBackspace, Mod: ModCtrl}, Modes{ModifyOtherKeys: 2}, "\x1b[27;5;127~"},
		{"enter mok", Key{Code: KeyEnter}, Modes{ModifyOtherKeys: 2}, "\r"},
		{"ctrl+a mok", Key{Code: 'a', Mod: ModCtrl}, Modes{ModifyOtherKeys: 2}, "\x01"},
	} {
		if got := string(EncodeKey(tc.k, tc.m)); got != tc.want {
			t.Errorf("%s: EncodeKey = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The key constants are Bubble Tea v2's (ultraviolet's), so the TUI maps a
// key message field by field.
func TestKeyCodesMatchBubbleTea(t *testing.T) {
	if KeyUp != uv.KeyUp || KeyF12 != uv.KeyF12 || KeyEnter != uv.KeyEnter || KeyKp9 != uv.KeyKp9 {
		t.Fatal("key codes differ from ultraviolet's")
	}
	if ModShift != KeyMod(uv.ModShift) || ModAlt != KeyMod(uv.ModAlt) || ModCtrl != KeyMod(uv.ModCtrl) || ModMeta != KeyMod(uv.ModMeta) {
		t.Fatal("modifier bits differ from ultraviolet's")
	}
	if MouseLeft != MouseBtn(uv.MouseLeft) || MouseWheelUp != MouseBtn(uv.MouseWheelUp) || MouseForward != MouseBtn(uv.MouseForward) {
		t.Fatal("mouse buttons differ from ultraviolet's")
	}
}

func TestKeyPasteEncode(t *testing.T) {
	if got := string(EncodePaste("a\nb\r\nc", Modes{})); got != "a\rb\rc" {
		t.Errorf("plain paste = %q", got)
	}
	got := string(EncodePaste("ls\x1b[201~; rm -rf x\n", Modes{BracketedPaste: true}))
	if got != "\x1b[200~ls; rm -rf x\r\x1b[201~" {
		t.Errorf("bracketed paste = %q: the end marker inside must be removed", got)
	}
	if got := string(EncodePaste("\x1b[20\x1b[201~1~x", Modes{BracketedPaste: true})); strings.Count(got, "\x1b[201~") != 1 {
		t.Errorf("nested end marker survived: %q", got)
	}
}

func TestKeyMouseEncode(t *testing.T) {
	press := Mouse{X: 4, Y: 2, Button: MouseLeft}
	for _, tc := range []struct {
		name string
		ev   Mouse
		m    Modes
		want string
	}{
		{"off", press, Modes{}, ""},
		{"x10 press", press, Modes{Mouse: MouseX10}, "\x1b[M\x20\x25\x23"},
		{"x10 release ignored", Mouse{X: 4, Y: 2, Action: MouseRelease}, Modes{Mouse: MouseX10}, ""},
		{"normal sgr press", press, Modes{Mouse: MouseNormal, MouseSGR: true}, "\x1b[<0;5;3M"},
		{"normal sgr release", Mouse{X: 4, Y: 2, Button: MouseLeft, Action: MouseRelease}, Modes{Mouse: MouseNormal, MouseSGR: true}, "\x1b[<0;5;3m"},
		{"normal legacy release", Mouse{X: 4, Y: 2, Button: MouseLeft, Action: MouseRelease}, Modes{Mouse: MouseNormal}, "\x1b[M\x23\x25\x23"},
		{"normal no motion", Mouse{X: 1, Y: 1, Action: MouseMotion, Button: MouseLeft}, Modes{Mouse: MouseNormal, MouseSGR: true}, ""},
		{"button drag", Mouse{X: 1, Y: 1, Action: MouseMotion, Button: MouseLeft}, Modes{Mouse: MouseButton, MouseSGR: true}, "\x1b[<32;2;2M"},
		{"button hover ignored", Mouse{X: 1, Y: 1, Action: MouseMotion}, Modes{Mouse: MouseButton, MouseSGR: true}, ""},
		{"any hover", Mouse{X: 1, Y: 1, Action: MouseMotion}, Modes{Mouse: MouseAny, MouseSGR: true}, "\x1b[<35;2;2M"},
		{"wheel up ctrl", Mouse{X: 0, Y: 0, Button: MouseWheelUp, Mod: ModCtrl}, Modes{Mouse: MouseNormal, MouseSGR: true}, "\x1b[<80;1;1M"},
		{"legacy beyond 222", Mouse{X: 300, Y: 1, Button: MouseLeft}, Modes{Mouse: MouseNormal}, ""},
		{"sgr beyond 222", Mouse{X: 300, Y: 1, Button: MouseLeft}, Modes{Mouse: MouseNormal, MouseSGR: true}, "\x1b[<0;301;2M"},
	} {
		if got := string(EncodeMouse(tc.ev, tc.m)); got != tc.want {
			t.Errorf("%s: EncodeMouse = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestKeySessionModifiedKeysReachProgram sends keys x/vt's SendKey drops and
// checks what a program reads: cat -v shows the bytes it got.
func TestKeySessionModifiedKeysReachProgram(t *testing.T) {
	s := startBash(t, Options{Rows: 24, Cols: 100})
	typeLine(t, s, "stty -icanon -echo; cat -v")
	waitForeground(t, s, "cat")
	keys := []Key{
		{Code: KeyUp, Mod: ModCtrl}, {Code: KeyLeft, Mod: ModShift}, {Code: KeyHome, Mod: ModAlt},
		{Code: KeyPgDown, Mod: ModCtrl}, {Code: KeyBackspace, Mod: ModCtrl}, {Code: 'X', Text: "X"},
	}
	for _, k := range keys {
		if err := s.SendKey(k); err != nil {
			t.Fatal(err)
		}
	}
	waitText(t, s, "^[[1;5A^[[1;2D^[[1;3H^[[6;5~^HX")
	if err := s.SendKey(Key{Code: 'c', Mod: ModCtrl}); err != nil {
		t.Fatal(err)
	}
	// ^C flushes the tty's input queue: type only once bash is back.
	waitFor(t, s, "prompt after ctrl-c", func() bool { return lines(s)[s.Cursor().Row] == "$" })
	typeLine(t, s, "stty sane; echo cat-ended")
	waitFor(t, s, "cat ended", func() bool { return hasLine(s, "cat-ended") })
}

// TestKeySessionPasteAndMouse: bash enables bracketed paste at its prompt, so
// a pasted newline does not run the command; a program that enables mouse
// tracking gets SGR reports.
func TestKeySessionPasteAndMouse(t *testing.T) {
	s := startBash(t, Options{Rows: 24, Cols: 100})
	waitFor(t, s, "bracketed paste on at the prompt", func() bool { return s.Modes().BracketedPaste })
	if err := s.Paste("echo pasted-$((40+2))\n"); err != nil {
		t.Fatal(err)
	}
	waitText(t, s, "$ echo pasted-$((40+2))")
	if hasLine(s, "pasted-42") {
		t.Fatal("the pasted newline ran the command: paste was not bracketed")
	}
	typeLine(t, s, "")
	waitFor(t, s, "pasted command ran on Enter", func() bool { return hasLine(s, "pasted-42") })

	if sent, _ := s.SendMouse(Mouse{X: 1, Y: 1, Button: MouseLeft}); sent {
		t.Fatal("mouse event sent to a program that did not ask for it")
	}
	typeLine(t, s, `clear; stty -icanon -echo; printf '\e[?1002h\e[?1006h'; cat -v`)
	waitFor(t, s, "mouse tracking on", func() bool { m := s.Modes(); return m.Mouse == MouseButton && m.MouseSGR })
	waitForeground(t, s, "cat")
	for _, ev := range []Mouse{
		{X: 4, Y: 2, Button: MouseLeft},
		{X: 5, Y: 2, Button: MouseLeft, Action: MouseMotion},
		{X: 5, Y: 2, Button: MouseLeft, Action: MouseRelease},
		{X: 7, Y: 7, Button: MouseWheelDown},
	} {
		if sent, err := s.SendMouse(ev); !sent || err != nil {
			t.Fatalf("SendMouse(%+v) = %v, %v", ev, sent, err)
		}
	}
	waitText(t, s, "^[[<0;5;3M^[[<32;6;3M^[[<0;6;3m^[[<65;8;8M")
	if err := s.SendKey(Key{Code: 'c', Mod: ModCtrl}); err != nil {
		t.Fatal(err)
	}
}
