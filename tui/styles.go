package tui

import (
	"image/color"
	"reflect"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/nstui/nstui/nsops"
)

// Styles is every style the explorer draws with, built once per background
// (light or dark) by NewStyles. Without colour (NO_COLOR) it keeps only
// bold, faint and reverse so the selection and marks stay visible.
type Styles struct {
	App        Style // header line
	AppName    Style
	Count      Style // header counts
	Notice     Style // "limited view" and errors
	Error      Style
	Border     Style // unfocused panel frame
	BorderFoc  Style // focused panel frame
	Title      Style // panel title
	TitleFoc   Style
	ColHeader  Style // table column headers
	Row        Style
	Selected   Style // selected row, focused panel
	SelectedBl Style // selected row, panel without focus
	Dim        Style // secondary text, tree lines
	New        Style // namespaces that just appeared
	Gone       Style // namespaces that just vanished
	Section    Style // section headings in the details panel
	Key        Style // field names in the details panel
	Value      Style
	Own        Style // "own" namespace of a process
	Shared     Style // "shared with PID 1"
	Link       Style // lines enter acts on
	FilterBar  Style
	Match      Style
	HelpKey    Style                 // key names in the help screen
	Types      [nsops.NumTypes]Style // type column, one colour per type
	Help       help.Styles
}

// NewStyles builds the styles for a dark or light background, or without any
// colour when noColor is set.
func NewStyles(isDark, noColor bool) Styles {
	s := func() Style { return Style{Style: lipgloss.NewStyle()} }
	if noColor {
		st := Styles{
			App: s(), AppName: s().Bold(true), Count: s(), Notice: s().Bold(true), Error: s().Bold(true),
			Border: s(), BorderFoc: s().Bold(true), Title: s(), TitleFoc: s().Bold(true),
			ColHeader: s().Bold(true), Row: s(), Selected: s().Reverse(true), SelectedBl: s().Underline(true),
			Dim: s().Faint(true), New: s().Bold(true), Gone: s().Faint(true).Strikethrough(true),
			Section: s().Bold(true), Key: s(), Value: s(), Own: s().Bold(true), Shared: s().Faint(true),
			Link: s(), FilterBar: s(), Match: s().Underline(true), HelpKey: s().Bold(true),
		}
		for i := range st.Types {
			st.Types[i] = s()
		}
		l := lipgloss.NewStyle
		st.Help = help.Styles{Ellipsis: l(), ShortKey: l().Bold(true), ShortDesc: l(), ShortSeparator: l().Faint(true),
			FullKey: l().Bold(true), FullDesc: l(), FullSeparator: l()}
		return st.compile()
	}
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	fg := c("#1c1c1c", "#e4e4e4")
	dim := c("#8a8a8a", "#767676")
	accent := c("#5f00d7", "#af87ff")
	selBg := c("#d7d7ff", "#3a3a6a")
	selBlBg := c("#e4e4e4", "#303030")
	st := Styles{
		App:        s().Foreground(fg),
		AppName:    s().Bold(true).Foreground(accent),
		Count:      s().Foreground(dim),
		Notice:     s().Bold(true).Foreground(c("#af5f00", "#ffaf00")),
		Error:      s().Bold(true).Foreground(c("#d70000", "#ff5f5f")),
		Border:     s().Foreground(c("#bcbcbc", "#4e4e4e")),
		BorderFoc:  s().Foreground(accent),
		Title:      s().Foreground(dim),
		TitleFoc:   s().Bold(true).Foreground(accent),
		ColHeader:  s().Bold(true).Foreground(dim),
		Row:        s().Foreground(fg),
		Selected:   s().Bold(true).Foreground(fg).Background(selBg),
		SelectedBl: s().Foreground(fg).Background(selBlBg),
		Dim:        s().Foreground(dim),
		New:        s().Bold(true).Foreground(c("#008700", "#5fd75f")),
		Gone:       s().Strikethrough(true).Foreground(c("#d70000", "#d75f5f")),
		Section:    s().Bold(true).Foreground(accent),
		Key:        s().Foreground(dim),
		Value:      s().Foreground(fg),
		Own:        s().Bold(true).Foreground(c("#af5f00", "#ffaf5f")),
		Shared:     s().Foreground(dim),
		Link:       s().Foreground(c("#005f87", "#87afd7")),
		FilterBar:  s().Foreground(fg),
		Match:      s().Bold(true).Foreground(accent),
		HelpKey:    s().Bold(true).Foreground(accent),
		Help:       help.DefaultStyles(isDark),
	}
	typeColors := [nsops.NumTypes][2]string{
		nsops.CgroupNS: {"#875f00", "#d7af5f"},
		nsops.IPCNS:    {"#5f5f87", "#afafd7"},
		nsops.MntNS:    {"#005f5f", "#5fd7d7"},
		nsops.NetNS:    {"#005faf", "#5fafff"},
		nsops.PIDNS:    {"#870000", "#ff8787"},
		nsops.TimeNS:   {"#5f8700", "#afd75f"},
		nsops.UserNS:   {"#870087", "#d787d7"},
		nsops.UTSNS:    {"#008700", "#87d787"},
	}
	for i, tc := range typeColors {
		st.Types[i] = s().Foreground(c(tc[0], tc[1]))
	}
	return st.compile()
}

// Style is a lipgloss style compiled once into the escape sequences that
// open and close it, so drawing a frame is string concatenation: a frame
// is redrawn on every key, and lipgloss's Render measures and re-parses
// its input each time.
type Style struct {
	lipgloss.Style
	pre, post string
}

// Render styles one line of plain text.
func (s Style) Render(text string) string { return s.pre + text + s.post }

// Bold and the other setters used here return a Style, so the styles read
// as lipgloss code does; compile fixes the sequences at the end.

// Bold sets bold.
func (s Style) Bold(v bool) Style { s.Style = s.Style.Bold(v); return s }

// Faint sets faint.
func (s Style) Faint(v bool) Style { s.Style = s.Style.Faint(v); return s }

// Reverse sets reverse video.
func (s Style) Reverse(v bool) Style { s.Style = s.Style.Reverse(v); return s }

// Underline sets underline.
func (s Style) Underline(v bool) Style { s.Style = s.Style.Underline(v); return s }

// Strikethrough sets strikethrough.
func (s Style) Strikethrough(v bool) Style { s.Style = s.Style.Strikethrough(v); return s }

// Foreground sets the text colour.
func (s Style) Foreground(c color.Color) Style { s.Style = s.Style.Foreground(c); return s }

// Background sets the background colour.
func (s Style) Background(c color.Color) Style { s.Style = s.Style.Background(c); return s }

func (s Style) compiled() Style {
	const marker = "X" // never part of an SGR sequence
	r := s.Style.Render(marker)
	i := strings.Index(r, marker)
	if i < 0 {
		return s
	}
	s.pre, s.post = r[:i], r[i+len(marker):]
	return s
}

// compile fixes every style's escape sequences (every field of type Style,
// so a new style cannot be forgotten).
func (st Styles) compile() Styles {
	v := reflect.ValueOf(&st).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch x := f.Addr().Interface().(type) {
		case *Style:
			*x = x.compiled()
		case *[nsops.NumTypes]Style:
			for j := range x {
				x[j] = x[j].compiled()
			}
		}
	}
	return st
}
