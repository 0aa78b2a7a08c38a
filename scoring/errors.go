package scoring

import (
	"errors"
	"fmt"

	"github.com/palaute/palaute/catalogue"
)

// Errors of package scoring; functions wrap them, so test with errors.Is.
var (
	// ErrValue: an answer value a tally cannot hold (outside 0–15).
	ErrValue = errors.New("answer value outside 0–15")
	// ErrGrouping: tallies with different groupings cannot be merged.
	ErrGrouping = errors.New("different groupings")
	// ErrFormat: serialized tallies cannot be read.
	ErrFormat = errors.New("invalid serialized tallies")
	// ErrUnknownItem: no scale is known for an item. It is
	// catalogue.ErrUnknownItem (and survey.ErrUnknownItem).
	ErrUnknownItem = catalogue.ErrUnknownItem
	// ErrLimit: more responses ([MaxResponses]) or items ([MaxItems])
	// than tallies hold.
	ErrLimit = errors.New("over the limits of tallies")
)

func errorf(format string, args ...any) error { return fmt.Errorf("scoring: "+format, args...) }

// Errors of disclosure control.
var (
	// ErrProtected: protected tallies cannot be added to, merged or
	// serialized, and raw tallies cannot be published where protected
	// ones are required.
	ErrProtected = errors.New("protected tallies")
	// ErrProtection: a protection setting is invalid, or the tallies
	// cannot be protected as they are (another base than
	// [ProtectedBase]).
	ErrProtection = errors.New("invalid protection")
	// ErrSecret: no secret, or one too short, to key the perturbation.
	ErrSecret = errors.New("no usable secret for disclosure control")
)
