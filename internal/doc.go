// Package internal is the parent of palaute's shared machinery that is not
// part of the public API (fast CSV scanning, statistics helpers, synthetic
// data). Callers cannot import its packages; everything they need is in
// catalogue, survey, scoring, report and i18n.
package internal
