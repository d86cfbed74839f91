package nsops

import "testing"

// Benchmarks of discovery on this machine's real /proc (run as root to see
// everything; on the farm for the figures: see bench/ls-vs-lsns.sh).
// They report figures, they assert nothing about time.

// BenchmarkScanFull: a first scan with everything (process details, fds,
// threads, sockets, mounts, hierarchy, netnsids), on a new Scanner each time.
func BenchmarkScanFull(b *testing.B) {
	for b.Loop() {
		s := NewScanner()
		snap, err := s.Scan()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(snap.Processes)), "procs")
		b.ReportMetric(float64(len(snap.Namespaces)), "namespaces")
		s.Close()
	}
}

// BenchmarkScanOneShot: what `nstui ls` does: one scan without per-process
// details or refresh state.
func BenchmarkScanOneShot(b *testing.B) {
	for b.Loop() {
		s := NewScanner(WithProcessDetails(false), WithRefreshCache(false))
		if _, err := s.Scan(); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkScanRefreshUnchanged: a further scan on the same Scanner, which is
// what the TUI does every second or two.
func BenchmarkScanRefreshUnchanged(b *testing.B) {
	s := NewScanner()
	defer s.Close()
	if _, err := s.Scan(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Scan(); err != nil {
			b.Fatal(err)
		}
	}
}
