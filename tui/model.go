// Package tui is nstui's terminal user interface, built on Bubble Tea v2:
// a root model hosting the namespace explorer (a live list of every
// namespace, its member processes, per-type details and an explain text),
// with one keymap, one styles struct and generated help. It never touches
// the kernel itself: everything it shows comes from a Source, read in
// background commands.
package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nstui/nstui/nsops"
)

// MinWidth and MinHeight are the smallest terminal the explorer lays out
// in; below that it shows a notice instead.
const (
	MinWidth  = 80
	MinHeight = 24
)

// DefaultRefresh is the live refresh interval (stretched when scans are
// slow, see scanDuty).
const DefaultRefresh = 1500 * time.Millisecond

// Option configures a Model.
type Option func(*Model)

// WithNoColor draws without colours (bold, faint and reverse only), as
// NO_COLOR asks.
func WithNoColor(noColor bool) Option { return func(m *Model) { m.noColor = noColor } }

// WithRefresh sets the live refresh interval; 0 turns live refresh off
// (r still refreshes).
func WithRefresh(d time.Duration) Option { return func(m *Model) { m.interval = d } }

// WithPrivileged tells the UI it runs as root, so a limited view is not
// blamed on missing privileges (a sandbox or security module can hide parts
// of /proc even from root).
func WithPrivileged(root bool) Option { return func(m *Model) { m.privileged = root } }

// WithKeyMap replaces the default keys.
func WithKeyMap(k KeyMap) Option { return func(m *Model) { m.keys = k } }

// Model is the root of the UI. It owns the screen layout (header, body,
// footer), global keys, the refresh loop and the help overlay, and hosts
// the explorer as its body. More components (panes, dialogs) plug in beside
// the explorer.
type Model struct {
	join       columnJoiner // the split view's explorer | pane join
	src        Source
	keys       KeyMap
	styles     Styles
	help       help.Model
	noColor    bool
	privileged bool
	isDark     bool
	interval   time.Duration

	width, height int
	// widths is how the terminal measures text: by code points (wcwidth,
	// as the programs in panes do; the zero value, Bubble Tea's default)
	// or by grapheme clusters once it reports mode 2027, which Bubble Tea
	// then turns on. Pane rows are fitted that way.
	widths   ansi.Method
	explorer *explorer
	showHelp bool
	helpTop  int // first line of the help shown, when it is taller than the window

	snap        *nsops.Snapshot
	scanning    bool
	tickPending bool
	// typed counts keys and pastes sent to panes since the last tick, and
	// deferred the refreshes put off for them in a row (see typingPause).
	typed, deferred int
	scanErr         error
	scans           int

	ws workspace // panes, forms and dialogs (tabs.go)
}

// New returns the root model reading from src.
func New(src Source, opts ...Option) *Model {
	m := &Model{src: src, keys: DefaultKeyMap(), isDark: true, interval: DefaultRefresh}
	for _, o := range opts {
		o(m)
	}
	m.styles = NewStyles(m.isDark, m.noColor)
	m.help = help.New()
	m.help.Styles = m.styles.Help
	m.explorer = newExplorer(src, m.keys)
	return m
}

// Init starts the first scan and asks the terminal for its background.
func (m *Model) Init() tea.Cmd {
	m.scanning = true
	return tea.Batch(m.scanCmd(), tea.RequestBackgroundColor)
}

func (m *Model) scanCmd() tea.Cmd {
	src := m.src
	return func() tea.Msg {
		start := time.Now()
		snap, err := src.Scan()
		return snapshotMsg{snap: snap, err: err, took: time.Since(start)}
	}
}

// typingPause is how long a live refresh waits while keys go to a pane,
// and maxDeferrals how often in a row it may wait: a scan takes the CPU
// from the typed keys' echo (on two cores, one scan delayed an echo by
// 20-30 ms), so refreshes happen in typing pauses, yet at least every
// maxDeferrals*typingPause beyond the interval.
const (
	typingPause  = 500 * time.Millisecond
	maxDeferrals = 20
)

// scanDuty bounds the share of time spent scanning: the next refresh
// waits at least this many times as long as the last scan took, so a slow
// machine (or a huge one) stretches the interval instead of burning a core.
const scanDuty = 75

func (m *Model) tick(lastScan time.Duration) tea.Cmd {
	if m.interval <= 0 || m.tickPending {
		return nil
	}
	m.tickPending = true
	return tea.Tick(max(m.interval, scanDuty*lastScan), func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Update handles a message; it never blocks and does no I/O.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.tooSmall() {
		if cmd, done := m.tooSmallInput(msg); done {
			return m, cmd
		}
	}
	if cmd, done := m.updateWorkspace(msg); done {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.ModeReportMsg:
		// Bubble Tea switches its renderer to grapheme widths on the
		// same reports.
		if msg.Mode == ansi.ModeUnicodeCore && (msg.Value == ansi.ModeReset || msg.Value == ansi.ModeSet || msg.Value == ansi.ModePermanentlySet) {
			m.widths = ansi.GraphemeWidth
		}
		return m, nil
	case tea.BackgroundColorMsg:
		if dark := msg.IsDark(); dark != m.isDark {
			m.isDark = dark
			m.styles = NewStyles(dark, m.noColor)
			m.help.Styles = m.styles.Help
		}
		return m, nil
	case tickMsg:
		m.tickPending = false
		if m.scanning {
			return m, nil // the scan in flight schedules the next tick
		}
		if m.typed > 0 && m.deferred < maxDeferrals {
			// Someone is typing into a pane: a scan would take both cores
			// from the echo for tens of milliseconds. Look again shortly.
			m.typed = 0
			m.deferred++
			m.tickPending = true
			return m, tea.Tick(typingPause, func(t time.Time) tea.Msg { return tickMsg(t) })
		}
		m.typed, m.deferred = 0, 0
		m.scanning = true
		return m, m.scanCmd()
	case snapshotMsg:
		m.scanning = false
		m.scans++
		tick := m.tick(msg.took)
		if msg.err != nil || msg.snap == nil {
			m.scanErr = msg.err
			if m.scanErr == nil {
				m.scanErr = fmt.Errorf("scan returned nothing")
			}
			return m, tick
		}
		m.scanErr = nil
		hadLimited := m.snap != nil && m.snap.Limited
		m.snap = msg.snap
		if hadLimited != m.snap.Limited {
			m.layout()
		}
		return m, tea.Batch(tick, m.explorer.setSnapshot(msg.snap))
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	}
	return m, m.explorer.update(msg)
}

// tooSmallInput is the one place input is handled while only the
// too-small notice shows: anything else would act on what is not drawn (a
// click on a tab, a key opening a form a blind enter then starts). A
// focused pane still gets its keys, as in tmux, and an open question its
// answer; q and ctrl+c quit, even while a filter was being typed, as the
// notice says. done is false for what the usual handlers take.
func (m *Model) tooSmallInput(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.MouseMsg:
		return nil, true
	case tea.KeyPressMsg:
		if m.ws.paneFocus || m.ws.confirm != nil {
			return nil, false
		}
		if key.Matches(msg, m.keys.Quit) {
			if cmd, asked := m.quitKey(); asked {
				return cmd, true // shells run: the question shows in the notice
			}
			return tea.Quit, true
		}
		return nil, true
	}
	return nil, false
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.explorer.filtering {
		if msg.String() == "ctrl+c" {
			return tea.Quit
		}
		return m.explorer.update(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.showHelp, m.helpTop = !m.showHelp, 0
		return nil
	case m.showHelp:
		page := max(m.helpRows()-1, 1)
		switch {
		case key.Matches(msg, m.keys.Back):
			m.showHelp = false
		case key.Matches(msg, m.keys.Up):
			m.scrollHelp(-1)
		case key.Matches(msg, m.keys.Down):
			m.scrollHelp(1)
		case key.Matches(msg, m.keys.PageUp):
			m.scrollHelp(-page)
		case key.Matches(msg, m.keys.PageDown):
			m.scrollHelp(page)
		case key.Matches(msg, m.keys.Top):
			m.helpTop = 0
		case key.Matches(msg, m.keys.Bottom):
			m.scrollHelp(len(m.helpBody()))
		}
		return nil
	case key.Matches(msg, m.keys.Refresh):
		if m.scanning {
			return nil
		}
		m.scanning = true
		return m.scanCmd()
	}
	return m.explorer.update(msg)
}

// headerLines is how many lines the header takes.
func (m *Model) headerLines() int {
	if m.snap != nil && m.snap.Limited {
		return 2
	}
	return 1
}

func (m *Model) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

func (m *Model) layout() {
	if m.tooSmall() {
		return
	}
	h := m.headerLines()
	m.explorer.setSize(0, h, m.width, m.height-h-1)
	m.help.SetWidth(m.width)
	m.layoutWorkspace()
}

// View draws the whole screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "nstui"
	v.Cursor = m.paneCursor()
	return v
}

func (m *Model) render() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if m.tooSmall() {
		return m.tooSmallView()
	}
	var b strings.Builder
	b.WriteString(m.headerView())
	b.WriteByte('\n')
	if m.showHelp {
		b.WriteString(m.helpView())
	} else {
		b.WriteString(m.bodyView())
	}
	b.WriteByte('\n')
	b.WriteString(m.footerView())
	return b.String()
}

func (m *Model) tooSmallView() string {
	what := "press q to quit"
	if c := m.ws.confirm; c != nil && c.kind == confirmFailed {
		what = "press any key to close: " + strings.ReplaceAll(c.text, "\n", " ")
	} else if c != nil { // asked before the window shrank, or by q since
		what = "answer: " + strings.ReplaceAll(c.text, "\n", " ") + " (y/n)"
	} else if p := m.ws.activePane(); p != nil && m.ws.paneFocus && p.running() {
		// Keys still go to the (hidden) program, as in tmux: say so.
		what = "keys still go to the pane; " + m.prefixKey().Help().Key + " leaves it"
	}
	msg := fmt.Sprintf("terminal too small: %dx%d\nnstui needs at least %dx%d.\nEnlarge the window, or %s.",
		m.width, m.height, MinWidth, MinHeight, what)
	lines := wrap(msg, max(m.width-2, 1))
	if len(lines) > m.height { // a tiny window: the short form, the way out first
		short := "q quits"
		switch {
		case m.ws.confirm != nil && m.ws.confirm.kind == confirmFailed:
			short = "failed: any key closes"
		case m.ws.confirm != nil:
			short = "quit/close? y/n"
		case what != "press q to quit":
			short = m.prefixKey().Help().Key + ": leave pane"
		}
		lines = wrap(fmt.Sprintf("%s · too small (%dx%d < %dx%d)", short, m.width, m.height, MinWidth, MinHeight), max(m.width, 1))
	}
	for i, l := range lines {
		lines[i] = fit(l, m.width)
	}
	block := strings.Join(lines, "\n")
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, m.styles.Notice.Render(block))
}

// headerView is the app name, counts per type and the process count, plus
// the limited-view notice or a scan error.
func (m *Model) headerView() string {
	st := &m.styles
	var b strings.Builder
	b.WriteString(st.AppName.Render(" nstui "))
	if m.snap == nil {
		b.WriteString(st.Dim.Render(" scanning…"))
	} else {
		var counts [nsops.NumTypes]int
		for _, ns := range m.snap.Namespaces {
			if ns.Type.Valid() {
				counts[ns.Type]++
			}
		}
		b.WriteString(st.Count.Render(fmt.Sprintf(" %d ns:", len(m.snap.Namespaces))))
		for _, t := range nsops.AllTypes() {
			b.WriteString(" ")
			b.WriteString(st.Types[t].Render(t.String()))
			b.WriteString(st.Count.Render(fmt.Sprintf(" %d", counts[t])))
		}
		b.WriteString(st.Count.Render(fmt.Sprintf("  · %d procs", len(m.snap.Processes))))
	}
	line := fitStyled(b.String(), m.width)
	if m.scanErr != nil {
		line = fitStyled(line, max(m.width-len([]rune(m.scanErr.Error()))-3, 20)) + st.Error.Render(" ! "+m.scanErr.Error())
		line = fitStyled(line, m.width)
	}
	if m.snap != nil && m.snap.Limited {
		notice := " limited view: run as root to see every namespace and process (some of /proc could not be read)"
		if m.privileged {
			notice = " limited view: some of /proc could not be read even as root (a sandbox or security module hides it)"
		}
		line += "\n" + st.Notice.Render(fit(notice, m.width))
	}
	return line
}

// footerView is the short help, or the filter line while typing a filter.
func (m *Model) footerView() string {
	if s, ok := m.workspaceFooter(); ok {
		return s
	}
	st := &m.styles
	e := m.explorer
	if e.filtering {
		left := st.FilterBar.Render("/"+e.filter) + st.Selected.Render(" ")
		left += st.Dim.Render("  " + plural(len(e.rows), "match", "matches"))
		right := m.help.ShortHelpView(filterKeys(m.keys).ShortHelp()[:2])
		gap := m.width - ansiWidth(left) - ansiWidth(right)
		if gap < 1 {
			return fitStyled(left, m.width)
		}
		return left + strings.Repeat(" ", gap) + right
	}
	if m.showHelp {
		return fitStyled(m.help.ShortHelpView([]key.Binding{m.keys.Help, m.keys.Back, m.keys.Quit}), m.width)
	}
	return fitStyled(m.help.ShortHelpView(m.keys.ShortHelp()), m.width)
}

// helpView is the full key help generated from the keymap, and how the
// filter reads its terms. In a window too short for all of it, the arrow
// and page keys scroll it and the title says which lines show.
func (m *Model) helpView() string {
	w, rows := m.width, m.helpRows()
	body := m.helpBody()
	title := "Keys"
	if len(body) > rows {
		top := clamp(m.helpTop, 0, len(body)-rows)
		body = body[top : top+rows]
		title = fmt.Sprintf("Keys · lines %d-%d of %d · ↑/↓ pgup/pgdn", top+1, top+rows, len(m.helpBody()))
	}
	return drawPanel(m.styles, title, body, w, rows+2, true)
}

// helpRows is how many lines of help fit in the window.
func (m *Model) helpRows() int { return max(m.height-m.headerLines()-1-2, 1) }

// scrollHelp moves the help by n lines, within its length.
func (m *Model) scrollHelp(n int) {
	m.helpTop = clamp(m.helpTop+n, 0, max(len(m.helpBody())-m.helpRows(), 0))
}

// helpBody is every line of the help at the window's width.
func (m *Model) helpBody() []string {
	st := &m.styles
	w := m.width
	full := helpColumns(st, m.keys.FullHelp(), w-6)
	var body []string
	for _, l := range full {
		body = append(body, "  "+l)
	}
	body = append(body, "")
	for _, l := range wrap("Filter terms are separated by spaces and must all match: a type name (net, type:pid) keeps that type; a number matches an inode or a member pid; other words are looked for in ip netns names, hostnames, container hints and member commands. "+
		"Marks: + appeared, - vanished, ● a pane's program lives in it. In a pane all keys go to its program but "+m.prefixKey().Help().Key+" (--prefix-key). "+
		"In the details panel (tab), enter on a member process shows its namespaces and e enters them; enter on a namespace opens it. "+
		"In a process's view, own = not shared with PID 1 (or the lowest readable pid).", w-6) {
		body = append(body, "  "+st.Dim.Render(l))
	}
	for i, l := range body {
		body[i] = fitStyled(l, w-2)
	}
	return body
}

// fitStyled cuts a styled string at w cells.
func fitStyled(s string, w int) string {
	if ansiWidth(s) <= w {
		return s
	}
	return truncateStyled(s, w)
}
