package tui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// ParseKeyName reads a key name the way Bubble Tea prints keys ("ctrl+]",
// "alt+q", "f12"; modifiers in any order, any case) and returns the key it
// stands for; the key's Keystroke is the name in Bubble Tea's own order,
// which is what a key press matches. Only keys a pane's program can spare
// are accepted: a key with a modifier other than shift alone, or a function
// key. A plain or shifted character would be taken from every program in
// a pane.
func ParseKeyName(name string) (tea.Key, error) {
	var k tea.Key
	parts := strings.Split(strings.ToLower(strings.TrimSpace(name)), "+")
	last := parts[len(parts)-1]
	if len(parts) > 2 && last == "" && parts[len(parts)-2] == "" { // "ctrl++": the key is +
		last, parts = "+", parts[:len(parts)-1]
	}
	for _, m := range parts[:len(parts)-1] {
		switch m {
		case "ctrl":
			k.Mod |= tea.ModCtrl
		case "alt":
			k.Mod |= tea.ModAlt
		case "shift":
			k.Mod |= tea.ModShift
		case "meta":
			k.Mod |= tea.ModMeta
		case "super":
			k.Mod |= tea.ModSuper
		case "hyper":
			k.Mod |= tea.ModHyper
		default:
			return k, fmt.Errorf("unknown modifier %q: use ctrl, alt, shift, meta, super or hyper, as in ctrl+] or alt+q", m)
		}
	}
	fkey := false
	switch r := []rune(last); {
	case last == "":
		return k, errors.New("no key after the modifiers: want e.g. ctrl+] or f12")
	case len(r) == 1:
		k.Code = r[0]
	case last[0] == 'f' && len(last) > 1:
		n, err := strconv.Atoi(last[1:])
		if err != nil || n < 1 || n > 20 || strconv.Itoa(n) != last[1:] {
			return k, fmt.Errorf("unknown key %q: function keys are f1-f20", last)
		}
		k.Code, fkey = tea.KeyF1+rune(n-1), true
	default:
		if k.Code = namedKey(last); k.Code == 0 {
			return k, fmt.Errorf("unknown key %q: want one character, a function key (f1-f20) or a named key (space, tab, esc...)", last)
		}
	}
	if !fkey && k.Mod&^tea.ModShift == 0 {
		return k, errors.New("a plain or shifted key would be taken away from every program in a pane: add a modifier (ctrl+a, alt+q) or use a function key (f12)")
	}
	return k, nil
}

// namedKey is the code of a named key, or 0.
func namedKey(name string) rune {
	switch name {
	case "space":
		return tea.KeySpace
	case "tab":
		return tea.KeyTab
	case "enter":
		return tea.KeyEnter
	case "esc":
		return tea.KeyEscape
	case "backspace":
		return tea.KeyBackspace
	case "up":
		return tea.KeyUp
	case "down":
		return tea.KeyDown
	case "left":
		return tea.KeyLeft
	case "right":
		return tea.KeyRight
	case "home":
		return tea.KeyHome
	case "end":
		return tea.KeyEnd
	case "pgup":
		return tea.KeyPgUp
	case "pgdown":
		return tea.KeyPgDown
	case "insert":
		return tea.KeyInsert
	case "delete":
		return tea.KeyDelete
	}
	return 0
}
