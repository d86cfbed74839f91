//go:build !cgo

package nsenter

import (
	"fmt"
	"os"

	"github.com/nstui/nstui/nsops"
)

// Without cgo there is no constructor, and Go cannot join user, mount or time
// namespaces itself; an enter helper built this way says so instead of
// running nstui with the helper's arguments.
func init() {
	if os.Getenv(nsops.EnterEnv) != "" {
		fmt.Fprintln(os.Stderr, "nstui: enter: this nstui was built without cgo; rebuild it with CGO_ENABLED=1")
		os.Exit(nsops.EnterExitSetup)
	}
}
