package survey

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/enum"
)

// Channel is the way a response was collected. The zero value,
// [ChannelUnknown], means the channel was not recorded. Channels marshal to
// and from their codes ("sms", "qr", "kiosk", "web", "paper", "phone",
// "staff-device").
type Channel uint8

// The collection channels seen in the field.
const (
	ChannelUnknown     Channel = iota // not recorded (the zero value)
	ChannelSMS                        // text message after the visit: sms
	ChannelQR                         // QR code: qr
	ChannelKiosk                      // kiosk or tablet on site: kiosk
	ChannelWeb                        // web form: web
	ChannelPaper                      // paper form: paper
	ChannelPhone                      // phone: phone
	ChannelStaffDevice                // a professional's mobile device at the service event: staff-device
)

var channelCodes = []string{"", "sms", "qr", "kiosk", "web", "paper", "phone", "staff-device"}

// Channels returns every channel except [ChannelUnknown].
func Channels() []Channel {
	return []Channel{ChannelSMS, ChannelQR, ChannelKiosk, ChannelWeb, ChannelPaper, ChannelPhone, ChannelStaffDevice}
}

// ParseChannel returns the channel with the given code. The error wraps
// [ErrUnknownChannel].
func ParseChannel(code string) (Channel, error) {
	return parseCode[Channel](channelCodes, code, ErrUnknownChannel)
}

// String returns the channel's code ("" for [ChannelUnknown]).
func (c Channel) String() string { return enum.String(channelCodes, c, "Channel") }

// IsValid reports whether c is a known channel or [ChannelUnknown].
func (c Channel) IsValid() bool { return int(c) < len(channelCodes) }

// MarshalText implements [encoding.TextMarshaler].
func (c Channel) MarshalText() ([]byte, error) { return enum.Marshal(channelCodes, c, "Channel") }

// UnmarshalText implements [encoding.TextUnmarshaler]; "" gives
// [ChannelUnknown].
func (c *Channel) UnmarshalText(b []byte) error {
	return unmarshalCode(channelCodes, c, b, ErrUnknownChannel)
}

// Role is who answered: the client or a relative (läheinen). The zero
// value, [RoleUnknown], means it was not recorded. Roles marshal to and
// from "client" and "relative".
type Role uint8

// The respondent roles.
const (
	RoleUnknown  Role = iota // not recorded (the zero value)
	RoleClient               // the client: client
	RoleRelative             // a relative: relative
)

var roleCodes = []string{"", "client", "relative"}

// Roles returns every role except [RoleUnknown].
func Roles() []Role { return []Role{RoleClient, RoleRelative} }

// ParseRole returns the role with the given code. The error wraps
// [ErrUnknownRole].
func ParseRole(code string) (Role, error) { return parseCode[Role](roleCodes, code, ErrUnknownRole) }

// String returns the role's code ("" for [RoleUnknown]).
func (r Role) String() string { return enum.String(roleCodes, r, "Role") }

// IsValid reports whether r is a known role or [RoleUnknown].
func (r Role) IsValid() bool { return int(r) < len(roleCodes) }

// MarshalText implements [encoding.TextMarshaler].
func (r Role) MarshalText() ([]byte, error) { return enum.Marshal(roleCodes, r, "Role") }

// UnmarshalText implements [encoding.TextUnmarshaler]; "" gives
// [RoleUnknown].
func (r *Role) UnmarshalText(b []byte) error { return unmarshalCode(roleCodes, r, b, ErrUnknownRole) }

func parseCode[T ~uint8](codes []string, code string, sentinel error) (T, error) {
	if v, ok := enum.Parse[T](codes, code); ok {
		return v, nil
	}
	return 0, fmt.Errorf("survey: %w %q (want one of %s)", sentinel, code, strings.Join(codes[1:], ", "))
}

func unmarshalCode[T ~uint8](codes []string, v *T, b []byte, sentinel error) error {
	if len(b) == 0 {
		*v = 0
		return nil
	}
	x, err := parseCode[T](codes, string(b), sentinel)
	if err != nil {
		return err
	}
	*v = x
	return nil
}

// Answer is the raw answer to one item: a value of the item's scale, the
// scale's can't-say value included. An item that was not answered has no
// Answer at all.
type Answer struct {
	Item  string
	Value int
}

// Answers holds the answers of one response in the order they were given
// or decoded. The zero value (nil) holds no answers. It marshals to JSON
// as an object keyed by item ID, such as {"recommend": 9, "access": 5}.
type Answers []Answer

// Get returns the value of an item's answer, and whether it was answered.
func (a Answers) Get(item string) (int, bool) {
	for _, x := range a {
		if x.Item == item {
			return x.Value, true
		}
	}
	return 0, false
}

// Set sets the answer to item, replacing an earlier one.
func (a *Answers) Set(item string, value int) {
	for i := range *a {
		if (*a)[i].Item == item {
			(*a)[i].Value = value
			return
		}
	}
	*a = append(*a, Answer{item, value})
}

// Delete removes the answer to item, if any.
func (a *Answers) Delete(item string) {
	*a = slices.DeleteFunc(*a, func(x Answer) bool { return x.Item == item })
}

// MarshalJSON writes the answers as a JSON object in their order.
func (a Answers) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, x := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(x.Item)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(x.Value))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a JSON object of item IDs to integers, keeping the
// order. A null value means "not answered" and adds no answer; a repeated
// item or a value that is not an integer is an error.
func (a *Answers) UnmarshalJSON(data []byte) error {
	raws, err := objectFields(data, maxAnswerKeys)
	if err != nil {
		return fmt.Errorf("survey: answers: %w", err)
	}
	out := make(Answers, 0, len(raws))
	for _, f := range raws {
		if string(f.value) == "null" {
			continue
		}
		v, err := strconv.Atoi(string(f.value))
		if err != nil {
			return fmt.Errorf("survey: answers: %q: %w: %s is not an integer", f.key, ErrSyntax, f.value)
		}
		out = append(out, Answer{f.key, v})
	}
	*a = out
	return nil
}

// Response is one answered feedback: its metadata, the answers keyed by
// item ID and the open comment. It holds no personal data of the
// respondent; contact requests travel separately in [Submission].
//
// The zero value is an empty response, which validation rejects.
type Response struct {
	// ID identifies the response; unique within a data set.
	ID string `json:"id"`
	// Submitted is when the response was given.
	Submitted time.Time `json:"submitted"`
	// Served is when the service took place, if known (zero otherwise).
	Served time.Time `json:"served,omitzero"`
	// Instrument is the instrument version answered.
	Instrument catalogue.InstrumentRef `json:"instrument"`
	// Region, Provider, Unit and Service are opaque codes: wellbeing
	// services county, service provider, unit (toimintayksikkö) and
	// service (national classification code or the county's own).
	Region   string `json:"region,omitempty"`
	Provider string `json:"provider,omitempty"`
	Unit     string `json:"unit,omitempty"`
	Service  string `json:"service,omitempty"`
	// Channel, Role and Lang say how, by whom and in which language the
	// form was answered; zero when not recorded.
	Channel Channel   `json:"channel,omitzero"`
	Role    Role      `json:"role,omitzero"`
	Lang    i18n.Lang `json:"lang,omitzero"`
	// Answers holds the answers to the items with a scale.
	Answers Answers `json:"answers"`
	// Comment is the open feedback, as written.
	Comment string `json:"comment,omitempty"`
}

// Contact is a respondent's request to be contacted. It is personal data:
// no aggregate, encoder or report of this module reads it, and its String
// and GoString methods print no details, so it does not leak into logs.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// String returns a placeholder that does not show the contact details.
func (c Contact) String() string { return "survey.Contact{redacted}" }

// GoString returns a placeholder that does not show the contact details.
func (c Contact) GoString() string { return c.String() }

// Submission is a response as a form receives it, with the optional
// contact request kept apart from the response, so the response can be
// stored, encoded and scored without it.
type Submission struct {
	Response Response
	Contact  *Contact // nil when the respondent did not ask to be contacted
}
