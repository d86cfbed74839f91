package nsops

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
)

// TestScanZombieState: a child that exited and was never reaped is marked
// as a zombie (stat state Z), in the first scan and in a refresh that
// reuses the cached entry, while its parent is not.
func TestScanZombieState(t *testing.T) {
	// sh forks a short sleep, then execs a long one that never waits.
	parent := testutil.Start(t, exec.Command("sh", "-c", "sleep 0 & exec sleep 60"))
	ppid := parent.Process.Pid
	zpid := 0
	for deadline := time.Now().Add(10 * time.Second); zpid == 0; {
		for _, pid := range testutil.Descendants(ppid) {
			if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
				if st, err := parseStat(b); err == nil && st.State == 'Z' {
					zpid = pid
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no zombie child appeared")
		}
		time.Sleep(20 * time.Millisecond)
	}
	s := NewScanner()
	t.Cleanup(func() { s.Close() })
	for scan := range 2 {
		snap, err := s.Scan()
		if err != nil {
			t.Fatal(err)
		}
		z, p := snap.Processes[zpid], snap.Processes[ppid]
		if z == nil || p == nil {
			t.Fatalf("scan %d: zombie %d or parent %d missing", scan, zpid, ppid)
		}
		if z.State != "Z" || !z.Zombie() {
			t.Errorf("scan %d: zombie %d has state %q", scan, zpid, z.State)
		}
		if p.Zombie() || p.State == "" || !strings.Contains("RSDI", p.State) {
			t.Errorf("scan %d: parent %d has state %q", scan, ppid, p.State)
		}
	}
}
