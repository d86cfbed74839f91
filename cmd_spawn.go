package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newSpawnCmd is a placeholder until its issue lands.
func newSpawnCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "spawn",
		Short: "spawn (not built yet)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("spawn is not implemented yet")
		},
	}
}
