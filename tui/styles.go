package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/nstui/nstui/nsops"
)

// Styles is every style the explorer draws with, built once per background
// (light or dark) by NewStyles. Without colour (NO_COLOR) it keeps only
// bold, faint and reverse so the selection and marks stay visible.
type Styles struct {
	App        lipgloss.Style // header line
	AppName    lipgloss.Style
	Count      lipgloss.Style // header counts
	Notice     lipgloss.Style // "limited view" and errors
	Error      lipgloss.Style
	Border     lipgloss.Style // unfocused panel frame
	BorderFoc  lipgloss.Style // focused panel frame
	Title      lipgloss.Style // panel title
	TitleFoc   lipgloss.Style
	ColHeader  lipgloss.Style // table column headers
	Row        lipgloss.Style
	Selected   lipgloss.Style // selected row, focused panel
	SelectedBl lipgloss.Style // selected row, panel without focus
	Dim        lipgloss.Style // secondary text, tree lines
	New        lipgloss.Style // namespaces that just appeared
	Gone       lipgloss.Style // namespaces that just vanished
	Section    lipgloss.Style // section headings in the details panel
	Key        lipgloss.Style // field names in the details panel
	Value      lipgloss.Style
	Own        lipgloss.Style // "own" namespace of a process
	Shared     lipgloss.Style // "shared with PID 1"
	Link       lipgloss.Style // lines enter acts on
	FilterBar  lipgloss.Style
	Match      lipgloss.Style
	Types      [nsops.NumTypes]lipgloss.Style // type column, one colour per type
	Help       help.Styles
}

// NewStyles builds the styles for a dark or light background, or without any
// colour when noColor is set.
func NewStyles(isDark, noColor bool) Styles {
	s := lipgloss.NewStyle
	if noColor {
		st := Styles{
			App: s(), AppName: s().Bold(true), Count: s(), Notice: s().Bold(true), Error: s().Bold(true),
			Border: s(), BorderFoc: s().Bold(true), Title: s(), TitleFoc: s().Bold(true),
			ColHeader: s().Bold(true), Row: s(), Selected: s().Reverse(true), SelectedBl: s().Underline(true),
			Dim: s().Faint(true), New: s().Bold(true), Gone: s().Faint(true).Strikethrough(true),
			Section: s().Bold(true), Key: s(), Value: s(), Own: s().Bold(true), Shared: s().Faint(true),
			Link: s(), FilterBar: s(), Match: s().Underline(true),
		}
		for i := range st.Types {
			st.Types[i] = s()
		}
		st.Help = help.Styles{Ellipsis: s(), ShortKey: s().Bold(true), ShortDesc: s(), ShortSeparator: s().Faint(true),
			FullKey: s().Bold(true), FullDesc: s(), FullSeparator: s()}
		return st
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
	return st
}
