// Package survey models answered feedback: what one response is, how it is
// checked, and how millions of them are read and written without loss.
//
// # Responses
//
// A [Response] carries its metadata (ID, submission and service time,
// instrument version, region, provider, unit, service, [Channel], [Role]
// and answer language), the answers keyed by item ID ([Answers]; a
// can't-say answer is the scale's can't-say value, an unanswered item has
// no answer at all) and the open comment. A respondent's request to be
// contacted is personal data and travels apart, in [Submission]: no
// encoder here writes it and it prints as "redacted".
//
// # Validation
//
// A [Validator] checks a response against the catalogue and, when given,
// the unit's template ([catalogue.Template]) and an organisation tree
// ([Orgs]). Every problem is reported, each a [*ValidationError] saying
// which line, field or item, which value, what was expected, and which
// problem (a sentinel such as [ErrOutOfRange] or [ErrUnknownItem]), joined
// with [errors.Join]. Messages are available in Finnish, Swedish and
// English ([ValidationError.Message]). With [Validator.KeepValidAnswers] a
// response whose problems concern single answers is kept without them.
//
// # Decoding and encoding
//
// [NewCSVDecoder] and [NewNDJSONDecoder] read the canonical interchange
// formats as a stream ([Decoder.All], an iterator of responses and
// errors) in memory independent of the stream's length. A [Mapping]
// adapts vendor exports (other column names, codes such as "EOS" for
// can't-say, other time layouts, ';' separators, decimal commas, a byte
// order mark). A bad record never stops the stream: it is reported with
// its line and reason, and [Decoder.Summary] counts rows read, accepted
// and rejected by reason. Hostile input (huge fields, invalid UTF-8,
// unbalanced quotes, millions of columns) costs only the record it is in,
// within the [Limits]. Nothing is lost without a word: a column that
// resembles a known one whose column is absent ("acess", "Unit") is an
// error naming the one meant, lone-CR line ends and doubled byte order
// marks are named as such, and [ProblemLog] prints the first problems of
// a flood and counts the rest. [CSVEncoder] and [NDJSONEncoder] write
// the same formats; decoding what they wrote gives the same responses.
// CSV meant for people can neutralise spreadsheet formulas
// ([NeutralizeFormula]).
//
// # Reading at national scale
//
// There is one read engine and one record decoder. Given a file (any
// reader with ReadAt and Seek, such as an *os.File), [Decoder.All] and
// [Read] cut it into pieces at record boundaries and decode them with
// Workers goroutines; given a stream they decode it in one. Both give the
// same responses, problems, line numbers and summary. [Read] hands the
// accepted responses to a [Sink] per worker (scoring.ReadTallies tallies
// that way) and stops when its context is done or a sink returns an
// error. Every response handed out owns its data: organisation codes and
// item IDs are interned, IDs, comments and answers copied into memory
// that is never written again, so a caller may keep any of them. IDs are
// checked for repeats by default, exactly, in about 7 bytes per ID.
//
// # Free text
//
// [Redact] replaces personal data in comments (Finnish personal identity
// codes, phone numbers, e-mail addresses, IBANs) with typed placeholders
// and reports what it found, also in the forms people use to dodge
// filters ("nimi(at)hus.fi", "358401234567", "040/123 4567"); its
// precision and recall on labelled sets are measured by the tests.
// [IsNonAnswer] recognises comments that say
// nothing ("-", "ei mitään", "inget").
//
// # Triage
//
// [Triage] flags a single [Submission] that needs a quick reaction (a very
// low recommendation, feeling unsafe, a contact request) by rules kept as
// data ([DefaultTriage], [ParseTriage]); the reasons are in the staff's
// language.
package survey
