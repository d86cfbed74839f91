package nsops

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// TestProcReadDirents: the raw getdents64 walker lists what os.ReadDir lists,
// on a directory big enough to need several getdents calls and a grown
// buffer, and on /proc itself (pids, without making a string of each).
func TestProcReadDirents(t *testing.T) {
	dir := t.TempDir()
	var want []string
	for i := range 3000 {
		name := "entry-with-a-longish-name-" + strconv.Itoa(i)
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	r := newProcReader()
	got, err := r.readDirNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	got = slices.Clone(got)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("readDirNames: %d names, want %d", len(got), len(want))
	}

	pids, err := r.readDirPIDs("/proc", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pids, os.Getpid()) || slices.Contains(pids, 0) {
		t.Errorf("readDirPIDs(/proc) = %d pids, ours (%d) missing or a 0", len(pids), os.Getpid())
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	fds, err := r.readDirPIDs("/proc/self/fd", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Reading the directory opens one more descriptor each time: compare the
	// low, stable ones.
	if len(fds) < 3 || fds[0] != 0 || fds[1] != 1 || fds[2] != 2 || len(ents) < 3 {
		t.Errorf("readDirPIDs(/proc/self/fd) = %v, os.ReadDir %d entries", fds, len(ents))
	}
}

// direntRecord encodes one getdents64 record.
func direntRecord(ino uint64, name string) []byte {
	reclen := (19 + len(name) + 1 + 7) &^ 7
	b := make([]byte, reclen)
	binary.NativeEndian.PutUint64(b, ino)
	binary.NativeEndian.PutUint16(b[16:], uint16(reclen))
	copy(b[19:], name)
	return b
}

func TestProcReadNextDirent(t *testing.T) {
	var b []byte
	b = append(b, direntRecord(1, ".")...)
	b = append(b, direntRecord(7, "123")...)
	b = append(b, direntRecord(0, "deleted")...)
	b = append(b, direntRecord(9, "a-much-longer-name")...)
	var names []string
	for {
		name, rest, ok := nextDirent(b)
		if !ok {
			break
		}
		names = append(names, string(name))
		b = rest
	}
	if want := []string{".", "123", "", "a-much-longer-name"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
}

// FuzzProcReadNextDirent: any bytes (a short or corrupt buffer) walk to an
// end without a panic or a loop that does not advance.
func FuzzProcReadNextDirent(f *testing.F) {
	f.Add(append(direntRecord(7, "123"), direntRecord(8, "fd")...))
	f.Add(direntRecord(0, "x"))
	f.Add([]byte{1, 2, 3})
	f.Add(make([]byte, 40))
	f.Fuzz(func(t *testing.T, b []byte) {
		for steps := 0; ; steps++ {
			name, rest, ok := nextDirent(b)
			if !ok {
				return
			}
			if len(rest) >= len(b) || len(name) > len(b) {
				t.Fatalf("no progress: %d -> %d bytes", len(b), len(rest))
			}
			b = rest
		}
	})
}
