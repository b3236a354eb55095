package api

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"

	"jiceng/internal/module"
)

// The base document (info, servers, security schemes, shared schemas and
// responses) and the fragment in each module's folder. The kit embeds the
// fragments itself because the modules import the kit, so it cannot ask
// them; a module's folder holding its openapi.json is all it takes for its
// paths to be described. A module of several ledgers may keep one fragment
// per ledger, openapi-<ledger>.json, beside it.
//
//go:embed openapi.json */openapi*.json
var specFiles embed.FS

// Fragment is one module's part of the OpenAPI document: its tag, the
// paths it serves and the components only it uses.
type Fragment struct {
	Name string // the module, named in errors
	JSON []byte
}

// specPart is what a fragment may hold.
type specPart struct {
	Tags       []specTag                             `json:"tags"`
	Paths      map[string]json.RawMessage            `json:"paths"`
	Components map[string]map[string]json.RawMessage `json:"components"`
}

// specTag is an entry of the document's tag list.
type specTag struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Spec merges OpenAPI fragments into base: a fragment may hold "tags",
// "paths" and "components" only; no tag, path or component may be defined
// twice, in the base or in another fragment, and every operation's tags
// must be in the merged list.
func Spec(base []byte, fragments ...Fragment) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi base: %w", err)
	}
	var merged specPart
	if err := json.Unmarshal(base, &merged); err != nil {
		return nil, fmt.Errorf("openapi base: %w", err)
	}
	if merged.Paths == nil {
		merged.Paths = map[string]json.RawMessage{}
	}
	if merged.Components == nil {
		merged.Components = map[string]map[string]json.RawMessage{}
	}
	for _, f := range fragments {
		var part specPart
		dec := json.NewDecoder(bytes.NewReader(f.JSON))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&part); err != nil {
			return nil, fmt.Errorf("openapi fragment %s: %w", f.Name, err)
		}
		for _, t := range part.Tags {
			if slices.ContainsFunc(merged.Tags, func(o specTag) bool { return o.Name == t.Name }) {
				return nil, fmt.Errorf("openapi fragment %s: tag %s is defined twice", f.Name, t.Name)
			}
			merged.Tags = append(merged.Tags, t)
		}
		for p, v := range part.Paths {
			if _, dup := merged.Paths[p]; dup {
				return nil, fmt.Errorf("openapi fragment %s: path %s is defined twice", f.Name, p)
			}
			merged.Paths[p] = v
		}
		for kind, m := range part.Components {
			if merged.Components[kind] == nil {
				merged.Components[kind] = map[string]json.RawMessage{}
			}
			for n, v := range m {
				if _, dup := merged.Components[kind][n]; dup {
					return nil, fmt.Errorf("openapi fragment %s: components.%s.%s is defined twice", f.Name, kind, n)
				}
				merged.Components[kind][n] = v
			}
		}
	}
	for p, v := range merged.Paths {
		var item map[string]json.RawMessage
		if err := json.Unmarshal(v, &item); err != nil {
			return nil, fmt.Errorf("openapi path %s: %w", p, err)
		}
		for m, raw := range item {
			var op struct {
				Tags []string `json:"tags"`
			}
			if !slices.Contains([]string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}, m) {
				continue // parameters, summary and the like
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("openapi %s %s: %w", m, p, err)
			}
			for _, t := range op.Tags {
				if !slices.ContainsFunc(merged.Tags, func(o specTag) bool { return o.Name == t }) {
					return nil, fmt.Errorf("openapi: %s %s has the tag %s, which no fragment declares", m, p, t)
				}
			}
		}
	}
	out := map[string]any{}
	for k, v := range doc {
		out[k] = v
	}
	out["tags"], out["paths"], out["components"] = merged.Tags, merged.Paths, merged.Components
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Descriptions hold <token> and the like; they are read as JSON, not HTML.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// document merges the embedded base with every module's fragment.
func document() ([]byte, error) {
	base, err := specFiles.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(specFiles, "*/openapi*.json")
	if err != nil {
		return nil, err
	}
	var frags []Fragment
	for _, n := range names {
		b, err := specFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		frags = append(frags, Fragment{Name: path.Dir(n), JSON: b})
	}
	return Spec(base, frags...)
}

// OpenAPIDocument returns the document served at /api/v1/openapi.json. It
// panics when two fragments clash; New refuses such a build first, so a
// server never starts with one.
func OpenAPIDocument() []byte {
	b, err := document()
	if err != nil {
		panic(err)
	}
	return b
}

// OpenAPI serves the merged OpenAPI document.
func (k *Kit) OpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if _, err := w.Write(k.spec); err != nil {
		k.Log(r, "api answer cut short", err)
	}
}

// Routes are the kit's own routes.
func (k *Kit) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/openapi.json", module.Public, k.OpenAPI),
	}
}
