package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// What a field accepts, checked the same way on every write path. PocketBase
// casts what it is sent into the field's type: an array sent for a text
// field is stored as "", a list for a single relation keeps its last id.
// Rules are evaluated on the body as sent, the record on the cast value, so
// the two can disagree. We refuse what would be cast away instead, so what
// the rules judge is what is stored.
//
// CheckBody runs on the body of a REST create or update (hooks) and on the
// data of a pushed mutation (sync), before any rule; CheckStored runs on
// every save with validation (hooks), whatever the path.

// MaxJSONDepth bounds the nesting of any JSON value a person writes. Our
// JSON fields hold short lists (safaris.questions); nothing needs more.
const MaxJSONDepth = 16

// CheckBody returns a field error for each value of body that the field of
// col named by its key would cast into something else: a list or object
// for a single-valued field, an object or nested list for a multi-valued
// one, text with control characters, JSON nested deeper than MaxJSONDepth.
// Keys that are no field of col (modifiers such as "clients+", unknown
// names) are left to the caller.
func CheckBody(col *core.Collection, body map[string]any) validation.Errors {
	errs := validation.Errors{}
	for k, v := range body {
		f := col.Fields.GetByName(k)
		if f == nil {
			continue
		}
		if msg := checkValue(f, v); msg != "" {
			errs[k] = validation.NewError("validation_invalid_value", msg)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func checkValue(f core.Field, v any) string {
	if v == nil {
		return "" // clears the field
	}
	if depth(v) > MaxJSONDepth {
		return fmt.Sprintf("Nested deeper than %d levels.", MaxJSONDepth)
	}
	switch f := f.(type) {
	case *core.JSONField:
		return badStrings(v)
	case *core.FileField, *core.PasswordField:
		return "" // PocketBase's own handling: files are multipart, passwords are refused elsewhere
	case *core.GeoPointField:
		return checkGeoPoint(v)
	case *core.RelationField:
		if f.IsMultiple() {
			return checkList(v)
		}
	case *core.SelectField:
		if f.IsMultiple() {
			return checkList(v)
		}
	}
	return checkScalar(v)
}

// checkScalar accepts a string, number or boolean (multipart forms send
// every value as one of these), refusing lists and objects.
func checkScalar(v any) string {
	switch v := v.(type) {
	case string:
		return badText(v)
	case []any, []string, map[string]any:
		return "One value is expected here, not a list or an object."
	}
	return ""
}

// checkGeoPoint accepts what PocketBase reads as a point without dropping
// anything: an object {"lon": number, "lat": number} (either may be left
// out), the same object as a JSON string, or "" (no point). Other keys,
// quoted numbers and lists are refused; the range of lon and lat is
// PocketBase's own validation.
func checkGeoPoint(v any) string {
	const msg = `A point is expected here: {"lon": number, "lat": number}.`
	if s, ok := v.(string); ok {
		if s == "" {
			return ""
		}
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return msg
		}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return msg
	}
	for k, x := range m {
		if k != "lon" && k != "lat" {
			return msg
		}
		switch x.(type) {
		case float64, json.Number, int, int64:
		default:
			return msg
		}
	}
	return ""
}

// checkList accepts one value or a list of values, each a scalar.
func checkList(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "A list of ids or values is expected here, not an object."
	case []any:
		for _, item := range v {
			switch item.(type) {
			case []any, map[string]any:
				return "A list of ids or values is expected here, not a nested list."
			}
			if msg := checkScalar(item); msg != "" {
				return msg
			}
		}
		return ""
	case []string:
		for _, s := range v {
			if msg := badText(s); msg != "" {
				return msg
			}
		}
		return ""
	}
	return checkScalar(v)
}

// badStrings checks every string in a JSON value.
func badStrings(v any) string {
	switch v := v.(type) {
	case string:
		return badText(v)
	case []any:
		for _, item := range v {
			if msg := badStrings(item); msg != "" {
				return msg
			}
		}
	case map[string]any:
		for k, item := range v {
			if msg := badText(k); msg != "" {
				return msg
			}
			if msg := badStrings(item); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// depth is how deeply a decoded JSON value nests (a scalar is 0).
func depth(v any) int {
	d := 0
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			d = max(d, depth(item))
		}
		return d + 1
	case map[string]any:
		for _, item := range v {
			d = max(d, depth(item))
		}
		return d + 1
	}
	return 0
}

// badText refuses characters nobody types but that break or spoof what
// others read: NUL and the other control characters (tab, newline and
// carriage return are text), and the bidirectional embeddings, overrides
// and isolates (U+202E turns "gpj.exe" into "exe.jpg"). The marks LRM, RLM
// and ALM stay allowed: they belong to right-to-left names.
func badText(s string) string {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			return fmt.Sprintf("Contains a control character (U+%04X).", r)
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			return fmt.Sprintf("Contains a text direction control character (U+%04X).", r)
		}
	}
	return ""
}

// CheckStored returns a field error for each text or JSON value of r that
// CheckBody would refuse: the same bounds for a write that did not come
// through a request (Go code, hooks, migrations).
func CheckStored(r *core.Record) validation.Errors {
	errs := validation.Errors{}
	for _, f := range r.Collection().Fields {
		var msg string
		switch f.(type) {
		case *core.TextField, *core.EditorField, *core.EmailField, *core.URLField:
			msg = badText(r.GetString(f.GetName()))
		case *core.JSONField:
			if f.GetHidden() {
				continue // ours, written by the server
			}
			msg = checkJSON(r.GetRaw(f.GetName()))
		}
		if msg != "" {
			errs[f.GetName()] = validation.NewError("validation_invalid_value", msg)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// checkJSON checks a JSON field's stored value (raw JSON bytes or any Go
// value PocketBase holds for it).
func checkJSON(raw any) string {
	var b []byte
	switch v := raw.(type) {
	case nil:
		return ""
	case []byte:
		b = v
	case string:
		b = []byte(v)
	case fmt.Stringer:
		b = []byte(v.String())
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			return "Not valid JSON."
		}
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return ""
	}
	// Count depth on the bytes first: decoding 9,000 levels to find out
	// would build them all.
	if jsonDepth(b) > MaxJSONDepth {
		return fmt.Sprintf("Nested deeper than %d levels.", MaxJSONDepth)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "Not valid JSON."
	}
	return badStrings(v)
}

// jsonDepth is the deepest nesting of brackets outside strings.
func jsonDepth(b []byte) int {
	d, most, inString, escaped := 0, 0, false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			d++
			most = max(most, d)
		case c == ']' || c == '}':
			d--
		}
	}
	return most
}

// FieldErrors flattens validation errors to field -> message, as the sync
// protocol's error data carries them.
func FieldErrors(errs validation.Errors) map[string]any {
	out := make(map[string]any, len(errs))
	for k, v := range errs {
		out[k] = strings.TrimSpace(v.Error())
	}
	return out
}
