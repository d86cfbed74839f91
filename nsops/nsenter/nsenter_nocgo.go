//go:build !cgo

package nsenter

import (
	"errors"
	"fmt"
	"os"

	"github.com/nstui/nstui/nsops"
)

// Without cgo there are no constructors, and Go cannot join user, mount or
// time namespaces itself; an enter helper or an init built this way says so
// instead of running nstui with the helper's arguments.
func init() {
	if os.Getenv(nsops.EnterEnv) != "" || os.Getenv(nsops.InitEnv) != "" {
		fmt.Fprintln(os.Stderr, "nstui: enter/spawn: this nstui was built without cgo; rebuild it with CGO_ENABLED=1")
		os.Exit(nsops.EnterExitSetup)
	}
}

// DriverRun always fails without cgo: nstui spawn's driver is C.
func DriverRun([]byte) error {
	return errors.New("spawn: this nstui was built without cgo; rebuild it with CGO_ENABLED=1")
}

// DriverExit does nothing without cgo.
func DriverExit(int) {}
