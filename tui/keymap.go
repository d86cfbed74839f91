package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the explorer answers to. It is the only place keys are
// defined: the footer and the `?` help are generated from it.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	NextPane key.Binding
	PrevPane key.Binding
	Open     key.Binding
	Back     key.Binding
	Filter   key.Binding
	View     key.Binding
	Refresh  key.Binding
	Help     key.Binding
	Quit     key.Binding

	// Panes (shells in embedded terminals).
	Spawn     key.Binding
	EnterNS   key.Binding
	FocusPane key.Binding
	// PaneNext and PanePrev give the keys to the next or previous pane
	// (every pane, also past the ninth).
	PaneNext  key.Binding
	PanePrev  key.Binding
	ClosePane key.Binding
	Split     key.Binding
	// SendPrefix types the prefix key into the shown pane, for programs
	// that use it themselves (the prefix key alone leaves a pane).
	SendPrefix key.Binding
	// ScrollBack and ScrollFwd move a focused pane's view through its
	// history (the keys of xterm and most terminals).
	ScrollBack key.Binding
	ScrollFwd  key.Binding

	// Filter editing (active while the filter line has focus).
	Accept      key.Binding
	Cancel      key.Binding
	DeleteChar  key.Binding
	DeleteWord  key.Binding
	ClearFilter key.Binding
}

// DefaultKeyMap returns the standard bindings: arrows and vim keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b", "ctrl+u"), key.WithHelp("pgup/ctrl+b", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "ctrl+d"), key.WithHelp("pgdn/ctrl+f", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last")),
		NextPane: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next panel")),
		PrevPane: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous panel")),
		Open:     key.NewBinding(key.WithKeys("enter", "l", "right"), key.WithHelp("enter/l", "open")),
		Back:     key.NewBinding(key.WithKeys("esc", "h", "left", "backspace"), key.WithHelp("esc/h", "back")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		View:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "cycle view")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		Spawn:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "spawn shell")),
		EnterNS:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "enter")),
		FocusPane:  key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "focus pane")),
		PaneNext:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev pane")),
		PanePrev:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous pane")),
		ClosePane:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "close pane")),
		Split:      key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "split/tabs")),
		SendPrefix: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "send prefix to pane")),

		ScrollBack: key.NewBinding(key.WithKeys("shift+pgup"), key.WithHelp("shift+pgup", "pane history back")),
		ScrollFwd:  key.NewBinding(key.WithKeys("shift+pgdown"), key.WithHelp("shift+pgdn", "pane history forward")),

		Accept:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		DeleteChar:  key.NewBinding(key.WithKeys("backspace", "ctrl+h"), key.WithHelp("backspace", "delete")),
		DeleteWord:  key.NewBinding(key.WithKeys("ctrl+w", "alt+backspace"), key.WithHelp("ctrl+w", "delete word")),
		ClearFilter: key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear line")),
	}
}

// ShortHelp is the footer line (help.KeyMap).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.NextPane, k.Open, k.Back, k.Filter, k.View, k.Refresh, k.Help, k.Quit}
}

// FullHelp is the `?` screen, one group per column (help.KeyMap).
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.NextPane, k.PrevPane, k.Open, k.Back, k.View, k.Refresh},
		{k.Filter, k.Accept, k.Cancel, k.DeleteWord, k.Help, k.Quit},
		{k.Spawn, k.EnterNS, k.FocusPane, k.PaneNext, k.ClosePane, k.Split, k.SendPrefix, k.ScrollBack, k.ScrollFwd},
	}
}

// filterKeys is the help shown while the filter line has focus.
type filterKeys KeyMap

// ShortHelp implements help.KeyMap for the filter line.
func (k filterKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Accept, k.Cancel, k.DeleteChar, k.DeleteWord, k.ClearFilter}
}

// FullHelp implements help.KeyMap for the filter line.
func (k filterKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
