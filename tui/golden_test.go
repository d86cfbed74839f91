package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// Golden screens: the plain text of whole frames at fixed sizes, built from
// the fake source. Regenerate with `go test ./tui -run TestTUIGolden -update`
// and read the diff before committing it.
func TestTUIGoldenSizes(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 36}, {40, 10}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			d := newDriver(t, sz[0], sz[1])
			golden.RequireEqual(t, d.screen())
		})
	}
}

func TestTUIGoldenScreens(t *testing.T) {
	flows := []struct {
		name string
		do   func(d *driver)
	}{
		{"sandbox-uts", func(d *driver) { d.keys("/"); d.typeText("uts box-302"); d.keys("enter", "enter") }},
		{"sandbox-process", func(d *driver) {
			d.keys("/")
			d.typeText("uts box-302")
			d.keys("enter", "enter", "down", "enter")
		}},
		{"netns-lab", func(d *driver) { d.keys("/"); d.typeText("lab"); d.keys("enter") }},
		{"owner-tree", func(d *driver) { d.keys("v") }},
		{"parent-tree", func(d *driver) { d.keys("v", "v", "j") }},
		{"help", func(d *driver) { d.keys("?") }},
		{"filtering", func(d *driver) { d.keys("/"); d.typeText("type:pid") }},
	}
	for _, sz := range [][2]int{{80, 24}, {120, 36}} {
		for _, f := range flows {
			t.Run(fmt.Sprintf("%s-%dx%d", f.name, sz[0], sz[1]), func(t *testing.T) {
				d := newDriver(t, sz[0], sz[1])
				f.do(d)
				golden.RequireEqual(t, d.screen())
			})
		}
	}
}
