package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// render draws both panels side by side or stacked, as setSize laid them out.
func (e *explorer) render(st *Styles) string {
	list := panelLines(st, e.listTitle(), e.listBody(st), e.list.w, e.list.h, e.focus == focusList)
	det := panelLines(st, e.detailTitle(), e.detailBody(st), e.detail.w, e.detail.h, e.focus == focusDetail)
	if e.detail.x > e.list.x {
		for i := range list {
			if i < len(det) {
				list[i] += det[i]
			}
		}
		return strings.Join(list, "\n")
	}
	return strings.Join(list, "\n") + "\n" + strings.Join(det, "\n")
}

// columns returns the plain text of a list row (or of the column header
// when r is nil), split into its styled parts.
func (e *explorer) columns(r *nsRow) (markS, tree, typ, nums, name, what string) {
	if r == nil {
		tree = fit("NS", e.treeW)
		typ = fit("TYPE", 6)
		nums = fmt.Sprintf("%6s %7s", "NPROCS", "PID")
		if e.nameW > 0 {
			name = fit("NAME", e.nameW)
		}
		what = "COMMAND / HELD BY"
		return " ", tree, typ, nums, name, what
	}
	switch r.mark {
	case markNew:
		markS = "+"
	case markGone:
		markS = "-"
	default:
		markS = " "
	}
	if e.ours[r.ns.ID] && r.mark != markGone {
		markS = "●" // a pane's program lives in it
	}
	tree = fit(r.prefix+strconv.FormatUint(r.ns.ID.Ino, 10), e.treeW)
	typ = fit(r.ns.Type.String(), 6)
	pid := ""
	if r.ns.PID > 0 {
		pid = strconv.Itoa(r.ns.PID)
	}
	nums = fmt.Sprintf("%6d %7s", r.ns.NProcs, pid)
	if e.nameW > 0 {
		name = fit(r.name, e.nameW)
	}
	return markS, tree, typ, nums, name, r.what(e.snap)
}

func joinCols(markS, tree, typ, nums, name, what string) string {
	var b strings.Builder
	b.WriteString(markS)
	b.WriteString(" ")
	b.WriteString(tree)
	b.WriteString(" ")
	b.WriteString(typ)
	b.WriteString(" ")
	b.WriteString(nums)
	b.WriteString("  ")
	if name != "" {
		b.WriteString(name)
		b.WriteString("  ")
	}
	b.WriteString(what)
	return b.String()
}

// listBody renders the column header and the visible rows only.
func (e *explorer) listBody(st *Styles) []string {
	w := e.list.w - 2
	body := make([]string, 0, e.listRows()+1)
	body = append(body, st.ColHeader.Render(fit(joinCols(e.columns(nil)), w)))
	if e.snap == nil {
		return append(body, st.Dim.Render(fit(" scanning /proc…", w)))
	}
	if len(e.rows) == 0 {
		msg := " no namespace"
		if e.filter != "" {
			msg += " matches the filter (esc clears it)"
		}
		return append(body, st.Dim.Render(fit(msg, w)))
	}
	end := min(e.offset+e.listRows(), len(e.rows))
	for i := e.offset; i < end; i++ {
		r := &e.rows[i]
		markS, tree, typ, nums, name, what := e.columns(r)
		if i == e.cursor {
			sel := st.SelectedBl
			if e.focus == focusList {
				sel = st.Selected
			}
			body = append(body, sel.Render(fit(joinCols(markS, tree, typ, nums, name, what), w)))
			continue
		}
		if r.mark == markGone {
			body = append(body, st.Gone.Render(fit(joinCols(markS, tree, typ, nums, name, what), w)))
			continue
		}
		// Style each part; only the last column is cut at the panel edge.
		head := ansiWidth(joinCols(markS, tree, typ, nums, name, ""))
		if head >= w {
			body = append(body, st.Row.Render(fit(joinCols(markS, tree, typ, nums, name, what), w)))
			continue
		}
		what = fit(what, w-head)
		var b strings.Builder
		if r.mark == markNew {
			b.WriteString(st.New.Render(markS))
		} else {
			b.WriteString(markS)
		}
		b.WriteString(" ")
		pre := len([]rune(r.prefix))
		tr := []rune(tree)
		b.WriteString(st.Dim.Render(string(tr[:pre])))
		b.WriteString(st.Row.Render(string(tr[pre:])))
		b.WriteString(" ")
		b.WriteString(st.Types[r.ns.Type].Render(typ))
		b.WriteString(" ")
		b.WriteString(st.Row.Render(nums))
		b.WriteString("  ")
		if name != "" {
			b.WriteString(st.Link.Render(name))
			b.WriteString("  ")
		}
		b.WriteString(st.Dim.Render(what))
		body = append(body, b.String())
	}
	return body
}

func (e *explorer) detailTitle() string {
	if e.tgt.kind == targetProc {
		return fmt.Sprintf("Process %d", e.tgt.pid)
	}
	if ns := e.byID[e.tgt.ns]; ns != nil {
		t := fmt.Sprintf("%s namespace %d", ns.Type, ns.ID.Ino)
		if e.ghosts[ns.ID] != nil {
			t += " (gone)"
		}
		return t
	}
	return "Details"
}

// detailBody renders the visible lines of the details panel.
func (e *explorer) detailBody(st *Styles) []string {
	w := e.detail.w - 2
	h := e.detailRows()
	end := min(e.doffset+h, len(e.lines))
	body := make([]string, 0, h)
	for i := e.doffset; i < end; i++ {
		l := e.lines[i]
		if i == e.dcursor && e.focus == focusDetail {
			body = append(body, st.Selected.Render(fit(l.text, w)))
			continue
		}
		body = append(body, styleLine(st, l, w))
	}
	return body
}

func styleLine(st *Styles, l dline, w int) string {
	text := fit(l.text, w)
	switch l.kind {
	case lkSection:
		return st.Section.Render(text)
	case lkColHead:
		return st.ColHeader.Render(text)
	case lkDim:
		return st.Dim.Render(text)
	case lkError:
		return st.Error.Render(text)
	case lkMember:
		return st.Row.Render(text)
	case lkField, lkNSLink:
		if l.split <= 0 || w <= l.split+1 {
			return st.Value.Render(text)
		}
		a, b := text[:l.split], text[l.split:]
		if l.kind == lkField {
			return st.Key.Render(a) + st.Value.Render(b)
		}
		note := st.Shared
		if l.own {
			note = st.Own
		}
		return st.Link.Render(a) + note.Render(b)
	}
	return text
}

func ansiWidth(s string) int { return ansi.StringWidth(s) }
