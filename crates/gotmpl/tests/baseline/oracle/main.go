// Command oracle runs every baseline case through Go's own text/template and
// writes the expected results the Rust harness (tests/baseline.rs) compares
// against. It is the judge of the Go groups (every cases/*.json file whose name
// does not start with "helm-"); see docs/decisions/0003-baselines.md.
//
//	go run . CASES_DIR EXPECTED_DIR
//
// For each cases/<group>.json it writes EXPECTED_DIR/<group>.json, an object
// mapping case name to {"output": text} or {"error": err.Error()} (plus
// "partial": the output written before an execution error, for reading only).
// Only the standard library is used, and nothing newer than Go 1.19.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"unicode/utf8"
)

// Case is one baseline case, as documented in the decision record.
type Case struct {
	Name       string            `json:"name"`
	Template   string            `json:"template"`
	Data       json.RawMessage   `json:"data"`
	MissingKey string            `json:"missingkey"`
	Extra      map[string]string `json:"extra"`
	Exec       string            `json:"exec"`
}

// Result is what Go did with one case.
type Result struct {
	Output  *string `json:"output,omitempty"`
	Error   *string `json:"error,omitempty"`
	Partial *string `json:"partial,omitempty"`
}

// mainName is the name of every case's main template (documented; error
// messages carry it).
const mainName = "t"

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: oracle CASES_DIR EXPECTED_DIR")
		os.Exit(2)
	}
	files, err := filepath.Glob(filepath.Join(os.Args[1], "*.json"))
	if err != nil {
		fail(err)
	}
	sort.Strings(files)
	seen := map[string]string{}
	for _, f := range files {
		group := strings.TrimSuffix(filepath.Base(f), ".json")
		if strings.HasPrefix(group, "helm-") {
			continue // judged by real Helm (regen's helm oracle)
		}
		cases, err := readCases(f)
		if err != nil {
			fail(fmt.Errorf("%s: %w", f, err))
		}
		out := map[string]Result{}
		for _, c := range cases {
			if c.Name == "" {
				fail(fmt.Errorf("%s: a case has no name", f))
			}
			if prev, dup := seen[c.Name]; dup {
				fail(fmt.Errorf("%s: case %q already defined in %s", f, c.Name, prev))
			}
			seen[c.Name] = f
			r, err := run(c)
			if err != nil {
				fail(fmt.Errorf("%s: case %q: %w", f, c.Name, err))
			}
			out[c.Name] = r
		}
		if err := writeJSON(filepath.Join(os.Args[2], group+".json"), out); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "oracle:", err)
	os.Exit(1)
}

func readCases(path string) ([]Case, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var cases []Case
	if err := dec.Decode(&cases); err != nil {
		return nil, err
	}
	return cases, nil
}

func run(c Case) (Result, error) {
	data, err := decodeData(c.Data)
	if err != nil {
		return Result{}, err
	}
	t := template.New(mainName)
	switch c.MissingKey {
	case "", "default":
	case "zero", "error":
		t.Option("missingkey=" + c.MissingKey)
	default:
		return Result{}, fmt.Errorf("bad missingkey %q", c.MissingKey)
	}
	// Extra templates first, in sorted name order (JSON objects are unordered).
	names := make([]string, 0, len(c.Extra))
	for n := range c.Extra {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := t.New(n).Parse(c.Extra[n]); err != nil {
			return errResult(err, nil), nil
		}
	}
	if _, err := t.Parse(c.Template); err != nil {
		return errResult(err, nil), nil
	}
	name := mainName
	if c.Exec != "" {
		name = c.Exec
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return errResult(err, buf.Bytes()), nil
	}
	if !utf8.Valid(buf.Bytes()) {
		return Result{}, fmt.Errorf("output is not valid UTF-8 (the Rust API returns a String): %q", buf.String())
	}
	s := buf.String()
	return Result{Output: &s}, nil
}

func errResult(err error, partial []byte) Result {
	msg := err.Error()
	r := Result{Error: &msg}
	if len(partial) > 0 {
		p := strings.ToValidUTF8(string(partial), "\uFFFD")
		r.Partial = &p
	}
	return r
}

// decodeData turns the typed-JSON convention into Go values: plain numbers
// are float64 (as Helm values are), {"__int__": n} is an int, {"__int64__": n}
// an int64, {"__bytes__": "s"} a []byte, {"__float__": "NaN"|"+Inf"|"-Inf"|"-0"}
// a special float64.
func decodeData(raw json.RawMessage) (interface{}, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return convert(v)
}

func convert(v interface{}) (interface{}, error) {
	switch v := v.(type) {
	case json.Number:
		return strconv.ParseFloat(string(v), 64)
	case []interface{}:
		out := make([]interface{}, len(v))
		for i, x := range v {
			c, err := convert(x)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]interface{}:
		if len(v) == 1 {
			for k, x := range v {
				if strings.HasPrefix(k, "__") && strings.HasSuffix(k, "__") {
					return typed(k, x)
				}
			}
		}
		out := make(map[string]interface{}, len(v))
		for k, x := range v {
			c, err := convert(x)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	default:
		return v, nil // string, bool, nil
	}
}

func typed(kind string, x interface{}) (interface{}, error) {
	switch kind {
	case "__int__", "__int64__":
		n, ok := x.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s needs an integer, got %v", kind, x)
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return nil, err
		}
		if kind == "__int__" {
			return int(i), nil
		}
		return i, nil
	case "__bytes__":
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("__bytes__ needs a string")
		}
		return []byte(s), nil
	case "__float__":
		switch x {
		case "NaN":
			return math.NaN(), nil
		case "+Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		case "-0":
			return math.Copysign(0, -1), nil
		}
		return nil, fmt.Errorf("bad __float__ %v", x)
	}
	return nil, fmt.Errorf("unknown typed value %s", kind)
}

// writeJSON writes one expected file: sorted keys, one case per line, no
// HTML escaping, so that diffs of regenerated files are readable.
func writeJSON(path string, results map[string]Result) error {
	names := make([]string, 0, len(results))
	for n := range results {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, n := range names {
		k, err := marshal(n)
		if err != nil {
			return err
		}
		v, err := marshal(results[n])
		if err != nil {
			return err
		}
		b.WriteString("  " + k + ": " + v)
		if i+1 < len(names) {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func marshal(v interface{}) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
