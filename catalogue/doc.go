// Package catalogue holds what the national customer-feedback standard
// asks: the instruments (such as the adult form thl-adult/2022) with their
// items in national order, the answer scales with their scoring bands,
// the themes, and every text in Finnish, Swedish and English together with
// its provenance. It also builds per-unit survey templates (sapluuna) and
// renders them as localized form descriptions.
//
// # Data and versions
//
// The catalogue is data, not code: JSON files under data/<version>/,
// embedded in the package and parsed once on first use ([Default],
// [Embedded]). [DataVersion] names the version Default returns. Released
// data versions are never edited (a test pins the SHA-256 of every file);
// a change of wording is a new data version. [Load] reads a catalogue laid
// out the same way from any [io/fs.FS].
//
// # Provenance
//
// Each [Text] says where its wording comes from: [Verified] (seen verbatim
// in a THL source), [Regional] (seen verbatim in a wellbeing services
// county's material), [Provisional] (palaute's reconstruction, not the
// official wording) or [Own] (a county's own statement). Most Finnish and
// English statement texts of the embedded data are provisional;
// [Catalogue.Provisional] lists them so a vendor can check them before
// going live, and [Catalogue.Override] installs the official wording from
// a file without changing the library.
//
// # Languages
//
// North, Inari and Skolt Sami are known languages for which the data has
// no texts. Asking for one reports a [*TextError] wrapping [ErrNoText];
// the caller names a fallback language explicitly, and the text returned
// is marked as a fallback ([Text.Fallback]). Nothing is translated or
// substituted silently.
//
// # Templates
//
// A [TemplateSpec] chooses 2–7 basic statements (the instrument's data
// sets the limits), optional special statements and open feedback, and a
// county's own statements ([OwnStatement]). [Catalogue.NewTemplate] checks
// it and reports every problem at once; the resulting [Template] always
// asks the recommendation question first and the statements in national
// order, whatever order they were given in, with own statements after all
// national items. [Template.Render] turns it into a [Form]: ordered
// questions with answer options and labels in one language.
package catalogue
