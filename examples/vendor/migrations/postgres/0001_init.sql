-- Version 1 of the feedback service's schema, PostgreSQL.
--
-- Responses and contact requests are apart: no column of one names the
-- other, no column records an insertion order (no serial keys: IDs are
-- random), and both keep the day, never a time, so that neither a time nor
-- a position joins a person to their answers. PostgreSQL's system columns
-- (xmin, ctid) do record which rows one transaction wrote: grant the
-- contact_requests table to the staff who call back and the responses
-- table to those who analyse, never both to one role, and let no one
-- outside the database's administrators read system columns.
CREATE TABLE responses (
	id         TEXT PRIMARY KEY,       -- random, drawn by the server
	received   TEXT NOT NULL,          -- day of receipt, YYYY-MM-DD in Helsinki
	served     TEXT NOT NULL,          -- day of the service event, '' if unknown
	instrument TEXT NOT NULL,          -- such as thl-adult/2022
	region     TEXT NOT NULL,          -- from the unit registry
	provider   TEXT NOT NULL,
	unit       TEXT NOT NULL,
	service    TEXT NOT NULL,
	channel    TEXT NOT NULL,          -- set by the server from the way in
	role       TEXT NOT NULL,
	lang       TEXT NOT NULL,
	answers    TEXT NOT NULL,          -- JSON object of item ID to value
	comment    TEXT NOT NULL           -- redacted
);

CREATE TABLE contact_requests (
	id    TEXT PRIMARY KEY,            -- random, unrelated to any response
	unit  TEXT NOT NULL,
	day   TEXT NOT NULL,               -- YYYY-MM-DD in Helsinki; deleted after the retention
	name  TEXT NOT NULL,
	phone TEXT NOT NULL,
	email TEXT NOT NULL
);
CREATE INDEX contact_requests_day ON contact_requests (day);

-- Links that give a response its channel: one-time invitations (sms) and
-- enrolled staff devices (kiosk, staff-device). Only a hash of the token
-- is kept; an invitation is deleted when it is used.
CREATE TABLE links (
	token_hash TEXT PRIMARY KEY,       -- hex SHA-256 of the token
	kind       TEXT NOT NULL,          -- invitation or device
	unit       TEXT NOT NULL,
	service    TEXT NOT NULL,
	channel    TEXT NOT NULL,
	served     TEXT NOT NULL,          -- day of the service event, '' if none
	expires    TEXT NOT NULL           -- last day the link works, '' for never
);

-- Keys of FHIR submissions already stored, so that a retry is not stored
-- again: a hash of the client's identifier and the day, nothing else.
CREATE TABLE retries (
	key TEXT PRIMARY KEY,
	day TEXT NOT NULL
);
