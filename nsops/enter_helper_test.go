package nsops_test

// Linking the enter helper's constructor into this test binary lets the
// nsops tests re-execute the test binary itself as the helper (Exe:
// /proc/self/exe), as nstui does, without building nstui first.
import _ "github.com/nstui/nstui/nsops/nsenter"
