package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newEnterCmd is a placeholder until its issue lands.
func newEnterCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "enter",
		Short: "enter (not built yet)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("enter is not implemented yet")
		},
	}
}
