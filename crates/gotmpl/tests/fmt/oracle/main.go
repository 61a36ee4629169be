// Command fmtoracle produces the expected outputs of the fmt golden suite
// with real Go: `fmtoracle cases CASES.json` runs each case through
// fmt.Sprintf / Sprint / Sprintln, and `fmtoracle floats` formats a fixed,
// seeded set of float64 values with strconv.FormatFloat. Both write JSON to
// standard output.
//
// Arguments use the typed JSON convention shared with the template corpus:
// numbers are float64, strings, bools, null is nil, arrays are
// []interface{}, objects are map[string]interface{}, and single-key objects
// carry Go types JSON lacks: {"__int__": 5}, {"__int64__": 5},
// {"__bytes__": "text"}, {"__bytes_hex__": "ff00"} and {"__float__": "NaN"}
// ("+Inf", "-Inf", "-0", or any decimal to read exactly).
package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"
)

type testCase struct {
	Name   string            `json:"name"`
	Func   string            `json:"func"`
	Format string            `json:"format,omitempty"`
	Args   []json.RawMessage `json:"args"`
}

type result struct {
	Name   string `json:"name"`
	Output string `json:"output"`
}

func decode(raw json.RawMessage) (interface{}, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v interface{}
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return convert(v)
}

func convert(v interface{}) (interface{}, error) {
	switch t := v.(type) {
	case json.Number:
		return strconv.ParseFloat(t.String(), 64)
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, e := range t {
			c, err := convert(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]interface{}:
		if len(t) == 1 {
			for k, inner := range t {
				if typed, ok, err := convertTyped(k, inner); ok || err != nil {
					return typed, err
				}
			}
		}
		out := make(map[string]interface{}, len(t))
		for k, e := range t {
			c, err := convert(e)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	default:
		return v, nil
	}
}

func convertTyped(key string, v interface{}) (interface{}, bool, error) {
	switch key {
	case "__int__":
		n, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
		return int(n), true, err
	case "__int64__":
		n, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
		return n, true, err
	case "__bytes__":
		s, ok := v.(string)
		if !ok {
			return nil, true, fmt.Errorf("__bytes__ wants a string")
		}
		return []byte(s), true, nil
	case "__bytes_hex__":
		s, _ := v.(string)
		b, err := hex.DecodeString(s)
		return b, true, err
	case "__float__":
		s, _ := v.(string)
		switch s {
		case "NaN":
			return math.NaN(), true, nil
		case "+Inf":
			return math.Inf(1), true, nil
		case "-Inf":
			return math.Inf(-1), true, nil
		case "-0":
			return math.Copysign(0, -1), true, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, true, err
	}
	return nil, false, nil
}

func runCases(path string) ([]result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cases []testCase
	if err := json.Unmarshal(data, &cases); err != nil {
		return nil, err
	}
	out := make([]result, 0, len(cases))
	for _, c := range cases {
		args := make([]interface{}, len(c.Args))
		for i, raw := range c.Args {
			if args[i], err = decode(raw); err != nil {
				return nil, fmt.Errorf("case %s arg %d: %v", c.Name, i, err)
			}
		}
		var s string
		switch c.Func {
		case "sprintf":
			s = fmt.Sprintf(c.Format, args...)
		case "sprint":
			s = fmt.Sprint(args...)
		case "sprintln":
			s = fmt.Sprintln(args...)
		default:
			return nil, fmt.Errorf("case %s: unknown func %q", c.Name, c.Func)
		}
		out = append(out, result{Name: c.Name, Output: s})
	}
	return out, nil
}

// floatFormats are the strconv.FormatFloat layouts checked for every value;
// the key is the format byte followed by the precision.
var floatFormats = []struct {
	key  string
	fmt  byte
	prec int
}{
	{"g-1", 'g', -1}, {"e-1", 'e', -1}, {"f-1", 'f', -1}, {"G-1", 'G', -1},
	{"e0", 'e', 0}, {"e3", 'e', 3}, {"e17", 'e', 17}, {"e25", 'e', 25},
	{"f0", 'f', 0}, {"f2", 'f', 2}, {"f6", 'f', 6}, {"f20", 'f', 20},
	{"g1", 'g', 1}, {"g5", 'g', 5}, {"g17", 'g', 17}, {"g30", 'g', 30},
	{"b-1", 'b', -1}, {"x-1", 'x', -1}, {"x3", 'x', 3}, {"X0", 'X', 0},
}

type floatResult struct {
	Bits string            `json:"bits"`
	Out  map[string]string `json:"out"`
}

// floatValues are edge cases plus values drawn from a seeded generator: raw
// bit patterns, short decimals, halfway cases and integers.
func floatValues() []float64 {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 0.5, 1.5, 2.5, 0.125, 0.375,
		1e21, 1e20, 123456789, 1e-7, 5e-324, math.SmallestNonzeroFloat64 * 3,
		math.MaxFloat64, -math.MaxFloat64, 2.2250738585072014e-308, 9007199254740993,
		1.0000000000000002, 0.30000000000000004, 100, 1e6, 999999.5, 0.000001, 0.0000015,
		3.141592653589793, 2.718281828459045, 1e23, 8.41e21, 5.0e-310}
	r := rand.New(rand.NewSource(20240601))
	for i := 0; i < 300; i++ {
		vals = append(vals, math.Float64frombits(r.Uint64()))
	}
	for i := 0; i < 300; i++ {
		digits := r.Int63n(1_000_000_000)
		exp := r.Intn(40) - 20
		vals = append(vals, float64(digits)*math.Pow10(exp))
	}
	for i := 0; i < 150; i++ {
		// Exact binary fractions land on rounding ties.
		vals = append(vals, float64(r.Intn(100000))/float64(int(1)<<uint(r.Intn(12))))
	}
	for i := 0; i < 100; i++ {
		vals = append(vals, float64(r.Int63n(1<<53))*float64(r.Intn(3)*2-1))
	}
	out := vals[:0]
	for _, v := range vals {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}

func runFloats() []floatResult {
	var out []floatResult
	for _, v := range floatValues() {
		fr := floatResult{Bits: fmt.Sprintf("%016x", math.Float64bits(v)), Out: map[string]string{}}
		for _, f := range floatFormats {
			fr.Out[f.key] = strconv.FormatFloat(v, f.fmt, f.prec, 64)
		}
		out = append(out, fr)
	}
	return out
}

func main() {
	var v interface{}
	switch {
	case len(os.Args) == 3 && os.Args[1] == "cases":
		res, err := runCases(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "fmtoracle:", err)
			os.Exit(1)
		}
		v = res
	case len(os.Args) == 2 && os.Args[1] == "floats":
		v = runFloats()
	default:
		fmt.Fprintln(os.Stderr, "usage: fmtoracle cases CASES.json | fmtoracle floats")
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(os.Stderr, "fmtoracle:", err)
		os.Exit(1)
	}
}
