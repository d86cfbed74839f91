package nsops

import "fmt"

// scanForEnter takes a discovery snapshot to resolve a TYPE:INODE target when
// the caller did not pass one.
func scanForEnter() (*Snapshot, error) {
	snap, err := NewScanner().Scan()
	if err != nil {
		return nil, fmt.Errorf("scan namespaces: %w", err)
	}
	return snap, nil
}
