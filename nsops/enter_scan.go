package nsops

import "errors"

// scanForEnter takes a discovery snapshot to resolve a TYPE:INODE target when
// the caller did not pass one.
func scanForEnter() (*Snapshot, error) {
	return nil, errors.New("entering TYPE:INODE needs a discovery snapshot (EnterSpec.Snapshot)")
}
