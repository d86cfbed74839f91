package tui

import (
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

func TestParseKeyName(t *testing.T) {
	good := map[string]string{ // name -> what a key press of it prints as
		"ctrl+]":       "ctrl+]",
		"ctrl+a":       "ctrl+a",
		"CTRL+A":       "ctrl+a",
		"alt+q":        "alt+q",
		"f12":          "f12",
		"F1":           "f1",
		"shift+f5":     "shift+f5",
		"ctrl+shift+x": "ctrl+shift+x",
		"shift+ctrl+x": "ctrl+shift+x",
		"alt+ctrl+x":   "ctrl+alt+x",
		"alt+space":    "alt+space",
		"ctrl++":       "ctrl++",
		"ctrl+pgup":    "ctrl+pgup",
	}
	for name, want := range good {
		k, err := ParseKeyName(name)
		if err != nil {
			t.Errorf("ParseKeyName(%q) = %v, want ok", name, err)
			continue
		}
		if got := k.Keystroke(); got != want {
			t.Errorf("ParseKeyName(%q) prints as %q, want %q", name, got, want)
		}
		// A press of that key matches the binding built from its name.
		if !key.Matches(tea.KeyPressMsg(k), key.NewBinding(key.WithKeys(k.Keystroke()))) {
			t.Errorf("a press of %q does not match its own binding", name)
		}
	}
	for _, name := range []string{"a", "", "+", "ctrl+", "f0", "f21", "f01", "hyperctrl+x", "ctrl+nosuchkey", "space", "shift+a", "shift+tab"} {
		if k, err := ParseKeyName(name); err == nil {
			t.Errorf("ParseKeyName(%q) = %q, want an error: the key cannot leave a pane", name, k.Keystroke())
		}
	}
}
