// The Go reference for the gotmpl benchmark: the same templates and data as
// benches/src/bin/bench-gotmpl.rs, timed the same way (median of 200 runs),
// printed as one JSON line. With -print it writes the rendered output.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
	"time"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func median(runs int, f func()) int64 {
	times := make([]int64, runs)
	for i := range times {
		t := time.Now()
		f()
		times[i] = time.Since(t).Nanoseconds()
	}
	sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
	return times[runs/2]
}

func main() {
	dir := flag.String("inputs", "inputs/gotmpl", "input folder")
	print := flag.Bool("print", false, "print the output")
	flag.Parse()
	var texts [][2]string
	for _, name := range []string{"helpers.tmpl", "statefulset.tmpl"} {
		b, err := os.ReadFile(filepath.Join(*dir, name))
		must(err)
		texts = append(texts, [2]string{name, string(b)})
	}
	raw, err := os.ReadFile(filepath.Join(*dir, "values.json"))
	must(err)
	var data interface{}
	must(json.Unmarshal(raw, &data))
	parse := func() *template.Template {
		var t *template.Template
		for _, nt := range texts {
			if t == nil {
				t = template.New(nt[0])
			} else {
				t = t.New(nt[0])
			}
			_, err := t.Parse(nt[1])
			must(err)
		}
		return t
	}
	set := parse()
	var out strings.Builder
	must(set.ExecuteTemplate(&out, "statefulset.tmpl", data))
	if *print {
		fmt.Print(out.String())
		return
	}
	parseNs := median(200, func() { parse() })
	execNs := median(200, func() {
		var b strings.Builder
		must(set.ExecuteTemplate(&b, "statefulset.tmpl", data))
	})
	fmt.Printf("{\"parse_ns\": %d, \"execute_ns\": %d, \"output_bytes\": %d}\n", parseNs, execNs, out.Len())
}
