// Package survey models answered feedback: the response with its metadata
// (region, provider, unit, service, channel, respondent role, answer
// language), validation against the catalogue with clear errors, streaming
// decoders and encoders for the canonical CSV and NDJSON interchange
// formats, and free-text hygiene (redaction of personal data).
package survey
