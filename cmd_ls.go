package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newLsCmd is a placeholder until its issue lands.
func newLsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "ls",
		Short: "ls (not built yet)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("ls is not implemented yet")
		},
	}
}
