package evaluation

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"jiceng/internal/errs"
)

// castBody is the JSON body of POST /api/v1/public/ballots as the API
// decodes it (strict: unknown fields refused).
type castBody struct {
	Token   string                        `json:"token"`
	Scores  map[string]map[string]float64 `json:"scores"`
	Comment string                        `json:"comment"`
}

// FuzzDecodeBallot feeds arbitrary bodies through the public cast path's
// decoding and checking (the strict JSON decoder, then ValidateBallot, as
// CastBallot does) and through decodeBallot, which reads stored ballots
// back. Nothing panics; a ballot that is accepted rates only the group's
// subjects, every leaf once and within its scale, and survives the round
// trip through the stored form unchanged.
func FuzzDecodeBallot(f *testing.F) {
	rules := TemplateQianQiYiKeZhang().WithDefaults()
	subjects := []string{"s1", "s2"}
	group := rules.Groups[0].Key
	var leaves []leaf
	collectLeaves(rules.Indicators, &leaves)
	keys := leafKeys(rules)

	// Seeds: a valid ballot, one with a value off the scale, broken JSON.
	valid := map[string]float64{}
	for _, l := range leaves {
		if l.scale.Kind == ScaleLevels {
			valid[l.key] = l.scale.Levels[0].Points
		} else {
			valid[l.key] = 87.5
		}
	}
	good, _ := json.Marshal(castBody{Token: "00000-00000", Scores: map[string]map[string]float64{"s1": valid}, Comment: "好"})
	f.Add(good)
	f.Add(bytes.Replace(good, []byte("87.5"), []byte("101"), 1))
	f.Add([]byte(`{"token":"x","scores":{"s1":{"overall":1e308}}}`))
	f.Add([]byte(`{"scores":{"s3":{}},"comment":"\ud800"}`))
	f.Add([]byte(`{"s":{"s1":[1,2,3]},"c":"x"}`))
	f.Add([]byte(`{"scores":{"s1":{"overall":50}}}`))
	f.Add([]byte(`[`))

	f.Fuzz(func(t *testing.T, body []byte) {
		// The stored form is read back without panicking, whatever it holds.
		if out, err := decodeBallot(string(body), keys); err == nil {
			for _, answers := range out {
				_ = len(answers)
			}
		}

		var in castBody
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return
		}
		err := ValidateBallot(rules, subjects, Ballot{Group: group, Scores: in.Scores})
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Invalid {
				t.Fatalf("refusal %v is not an invalid-input error", err)
			}
			return
		}
		if len(in.Scores) == 0 {
			t.Fatal("an empty ballot was accepted")
		}
		for s, answers := range in.Scores {
			if s != "s1" && s != "s2" {
				t.Fatalf("subject %q accepted", s)
			}
			if len(answers) != len(leaves) {
				t.Fatalf("%d answers accepted for %d leaves", len(answers), len(leaves))
			}
			for _, l := range leaves {
				v, ok := answers[l.key]
				if !ok || math.IsNaN(v) {
					t.Fatalf("leaf %s missing or NaN", l.key)
				}
				if l.scale.Kind == ScaleLevels {
					found := false
					for _, lv := range l.scale.Levels {
						found = found || lv.Points == v
					}
					if !found {
						t.Fatalf("leaf %s: %v is not a level", l.key, v)
					}
				} else if v < 0 || v > 100 {
					t.Fatalf("leaf %s: %v is off the 0–100 scale", l.key, v)
				}
			}
		}
		stored, err := EncodeBallot(in.Scores, in.Comment)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeBallot(stored, keys)
		if err != nil || !reflect.DeepEqual(back, in.Scores) {
			t.Fatalf("round trip: %v %v, want %v", back, err, in.Scores)
		}
	})
}

// FuzzParseCode: ParseCode never panics, refuses with the one generic
// error, and a code it accepts is the code FormatCode prints for the same
// token, which parses back to it.
func FuzzParseCode(f *testing.F) {
	var raw [16]byte
	f.Add(FormatCode(raw))
	for i := range raw {
		raw[i] = byte(i*37 + 11)
	}
	code := FormatCode(raw)
	f.Add(code)
	f.Add(strings.ToLower(strings.ReplaceAll(code, "-", " ")))
	f.Add(strings.ReplaceAll(code, "0", "O"))
	f.Add("８" + code[1:])
	f.Add(code[:len(code)-1] + "U")
	f.Add("")
	f.Add(strings.Repeat("-", 300))
	f.Fuzz(func(t *testing.T, s string) {
		raw, err := ParseCode(s)
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.ZH != InvalidCode().ZH || raw != [16]byte{} {
				t.Fatalf("ParseCode(%q): %v", s, err)
			}
			return
		}
		formatted := FormatCode(raw)
		if !codeFormat.MatchString(formatted) {
			t.Fatalf("FormatCode gave %q", formatted)
		}
		again, err := ParseCode(formatted)
		if err != nil || again != raw {
			t.Fatalf("%q → %q does not parse back: %v", s, formatted, err)
		}
	})
}
