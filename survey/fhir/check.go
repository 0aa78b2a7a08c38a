package fhir

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ErrRule reports a resource that breaks a rule of FHIR R4 that this
// package relies on; [Check] and [CheckResponse] wrap it.
var ErrRule = errors.New("breaks an R4 rule")

// R4 datatype patterns (http://hl7.org/fhir/R4/datatypes.html).
var (
	codePattern     = regexp.MustCompile(`^[^\s]+( [^\s]+)*$`)
	dateTimePattern = regexp.MustCompile(`^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$`)
	uriScheme       = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:\S+$`)
)

// R4 value sets of the coded elements checked.
var (
	questionnaireStatus = []string{"draft", "active", "retired", "unknown"}
	responseStatus      = []string{"in-progress", "completed", "amended", "entered-in-error", "stopped"}
	itemTypes           = []string{"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text", "url", "choice", "open-choice", "attachment", "reference", "quantity"}
)

// checker collects rule violations with the path where they are: the
// first maxViolations, and the number of the others.
type checker struct {
	errs []error
	more int
}

// maxViolations is how many violations Check and CheckResponse list.
const maxViolations = 100

// maxItemDepth is how deep Check and CheckResponse follow nested items;
// this package's questionnaires nest two levels.
const maxItemDepth = 8

func (c *checker) fail(path, format string, args ...any) {
	if len(c.errs) >= maxViolations {
		c.more++
		return
	}
	c.errs = append(c.errs, fmt.Errorf("%s: %w: %s", path, ErrRule, fmt.Sprintf(format, args...)))
}

// err joins the violations found, with the count of those not listed.
func (c *checker) err(root string) error {
	if c.more > 0 {
		c.errs = append(c.errs, fmt.Errorf("%s: %w: %d more violations not listed", root, ErrRule, c.more))
	}
	return errors.Join(c.errs...)
}

// resource checks the elements every resource checked here has: its
// type, id, language and status.
func (c *checker) resource(kind, resourceType, id, language, status string, statuses []string) {
	if resourceType != kind {
		c.fail(kind+".resourceType", "%q is not %s", resourceType, kind)
	}
	if id != "" && !fhirID.MatchString(id) {
		c.fail(kind+".id", "%q is not an id", id)
	}
	c.code(kind+".language", language, false)
	if !slices.Contains(statuses, status) {
		c.fail(kind+".status", "%q is not one of %s", status, strings.Join(statuses, ", "))
	}
}

func (c *checker) code(path, v string, required bool) {
	switch {
	case v == "" && required:
		c.fail(path, "missing")
	case v != "" && !codePattern.MatchString(v):
		c.fail(path, "%q is not a code", v)
	}
}

func (c *checker) uri(path, v string) {
	if v != "" && !uriScheme.MatchString(v) {
		c.fail(path, "%q is not an absolute URI", v)
	}
}

func (c *checker) extensions(path string, exts []Extension) {
	for i, e := range exts {
		p := fmt.Sprintf("%s.extension[%d]", path, i)
		if e.URL == "" {
			c.fail(p+".url", "missing")
		}
		values := e.values // as read
		if values == 0 {   // as built
			for _, v := range []bool{e.ValueCode != "", e.ValueString != "", e.ValueDateTime != "", e.ValueCodeableConcept != nil, e.Other != ""} {
				if v {
					values++
				}
			}
		}
		if values > 1 {
			c.fail(p, "more than one value[x]")
		}
		if (values == 0) == (len(e.Extension) == 0) { // ext-1
			c.fail(p, "ext-1: must have either extensions or value[x], not both")
		}
		c.code(p+".valueCode", e.ValueCode, false)
		if e.ValueDateTime != "" && !dateTimePattern.MatchString(e.ValueDateTime) {
			c.fail(p+".valueDateTime", "%q is not a dateTime", e.ValueDateTime)
		}
		if e.URL == TranslationURL {
			var lang, content int
			for _, s := range e.Extension {
				switch {
				case s.URL == "lang" && s.ValueCode != "":
					lang++
				case s.URL == "content" && s.ValueString != "":
					content++
				}
			}
			if lang != 1 || content != 1 {
				c.fail(p, "a translation needs one lang and one content")
			}
		}
		c.extensions(p, e.Extension)
	}
}

func (c *checker) element(path string, el *Element) {
	if el != nil {
		c.extensions(path, el.Extension)
	}
}

func (c *checker) coding(path string, cd *Coding) {
	c.uri(path+".system", cd.System)
	c.code(path+".code", cd.Code, false)
	c.element(path+"._display", cd.DisplayExt)
}

// Check reports every violation, in q, of the R4 rules this package
// relies on, each wrapping [ErrRule] with its path: the required status
// and item type from their value sets; ids, codes, URIs and dateTimes of
// their datatypes' forms; link IDs present, at most 255 characters and
// unique (que-2); groups with items and display items without (que-1);
// answer options only on choice items (que-5); display items neither
// required nor repeating (que-6); maxLength only on simple types
// (que-10); extensions with either a value or extensions (ext-1); and
// translations with one language and one content.
// [NewQuestionnaire] checks what it returns.
func Check(q *Questionnaire) error {
	var c checker
	c.resource("Questionnaire", q.ResourceType, q.ID, q.Language, q.Status, questionnaireStatus)
	c.uri("Questionnaire.url", q.URL)
	if q.Meta != nil {
		for i := range q.Meta.Tag {
			c.coding(fmt.Sprintf("Questionnaire.meta.tag[%d]", i), &q.Meta.Tag[i])
		}
	}
	c.extensions("Questionnaire", q.Extension)
	c.element("Questionnaire._title", q.TitleExt)
	seen := map[string]bool{}
	var items func(path string, depth int, its []Item)
	items = func(path string, depth int, its []Item) {
		if len(its) > 0 && depth == maxItemDepth {
			c.fail(path, "items nested more than %d levels deep", maxItemDepth)
			return
		}
		for i, it := range its {
			p := fmt.Sprintf("%s.item[%d]", path, i)
			switch {
			case it.LinkID == "":
				c.fail(p+".linkId", "missing")
			case len(it.LinkID) > 255:
				c.fail(p+".linkId", "longer than 255 characters")
			case seen[it.LinkID]:
				c.fail(p+".linkId", "que-2: %q is not unique", it.LinkID)
			}
			seen[it.LinkID] = true
			if !slices.Contains(itemTypes, it.Type) {
				c.fail(p+".type", "%q is not an item type", it.Type)
			}
			if it.Type == "group" && len(it.Item) == 0 {
				c.fail(p, "que-1: a group must have items")
			}
			if it.Type == "display" && len(it.Item) > 0 {
				c.fail(p, "que-1: a display item cannot have items")
			}
			if len(it.AnswerOption) > 0 && it.Type != "choice" && it.Type != "open-choice" {
				c.fail(p, "que-5: only choice items have answer options")
			}
			if it.Type == "display" && (it.Required || it.Repeats) {
				c.fail(p, "que-6: a display item is neither required nor repeating")
			}
			if it.MaxLength != 0 && !slices.Contains([]string{"boolean", "decimal", "integer", "string", "text", "url", "open-choice"}, it.Type) {
				c.fail(p, "que-10: maxLength only on simple types")
			}
			c.extensions(p, it.Extension)
			c.element(p+"._text", it.TextExt)
			for j, o := range it.AnswerOption {
				op := fmt.Sprintf("%s.answerOption[%d]", p, j)
				if o.ValueCoding == nil {
					c.fail(op, "no value")
					continue
				}
				c.coding(op+".valueCoding", o.ValueCoding)
			}
			items(p, depth+1, it.Item)
		}
	}
	items("Questionnaire", 0, q.Item)
	return c.err("Questionnaire")
}

// CheckResponse reports every violation, in r, of the R4 rules this
// package relies on, each wrapping [ErrRule] with its path: the required
// status from its value set, the forms of authored, codes, codings and
// extensions, link IDs present, one value[x] an answer, and no item with
// both answers and items (qrs-1). It lists the first 100 violations and
// counts the others, and follows items 8 levels deep (deeper nesting is a
// violation).
func CheckResponse(r *QuestionnaireResponse) error {
	var c checker
	c.resource("QuestionnaireResponse", r.ResourceType, r.ID, r.Language, r.Status, responseStatus)
	if r.Authored != "" && !dateTimePattern.MatchString(r.Authored) {
		c.fail("QuestionnaireResponse.authored", "%q is not a dateTime", r.Authored)
	}
	if r.Identifier != nil {
		c.uri("QuestionnaireResponse.identifier.system", r.Identifier.System)
	}
	c.extensions("QuestionnaireResponse", r.Extension)
	var items func(path string, depth int, its []ResponseItem)
	items = func(path string, depth int, its []ResponseItem) {
		if len(its) > 0 && depth == maxItemDepth {
			c.fail(path, "items nested more than %d levels deep", maxItemDepth)
			return
		}
		for i, it := range its {
			p := fmt.Sprintf("%s.item[%d]", path, i)
			if it.LinkID == "" {
				c.fail(p+".linkId", "missing")
			}
			if len(it.Answer) > 0 && len(it.Item) > 0 {
				c.fail(p, "qrs-1: an item cannot have both answers and items")
			}
			for j, a := range it.Answer {
				ap := fmt.Sprintf("%s.answer[%d]", p, j)
				if a.values > 1 {
					c.fail(ap, "more than one value[x]")
				}
				if a.ValueCoding != nil {
					c.coding(ap+".valueCoding", a.ValueCoding)
				}
				items(ap, depth+1, a.Item)
			}
			items(p, depth+1, it.Item)
		}
	}
	items("QuestionnaireResponse", 0, r.Item)
	return c.err("QuestionnaireResponse")
}
