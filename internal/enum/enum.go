// Package enum implements the text forms of palaute's small enum types
// (channel, role, section, scale kind, provenance, …): each is a uint8
// whose names are a table indexed by value, with "" for the zero value.
package enum

import (
	"fmt"
	"slices"
	"strconv"
)

// String returns the name of v, or "Type(N)" for a value outside the
// table.
func String[T ~uint8](names []string, v T, typ string) string {
	if int(v) < len(names) {
		return names[v]
	}
	return typ + "(" + strconv.Itoa(int(v)) + ")"
}

// Marshal returns the name of v as text; a value outside the table is an
// error.
func Marshal[T ~uint8](names []string, v T, typ string) ([]byte, error) {
	if int(v) >= len(names) {
		return nil, fmt.Errorf("cannot marshal invalid %s(%d)", typ, v)
	}
	return []byte(names[v]), nil
}

// Parse returns the value whose name is s; the zero value's empty name is
// never matched.
func Parse[T ~uint8](names []string, s string) (T, bool) {
	if i := slices.Index(names, s); i > 0 {
		return T(i), true
	}
	return 0, false
}
