// Command rulecheck checks Prometheus alerting and recording rules the way
// `promtool check rules` does, with Prometheus's own rulefmt parser (group
// and rule structure, PromQL expressions, label and annotation templates).
// Each argument is a YAML file: a plain rule file (`groups:`), or a stream of
// Kubernetes manifests (helm template output) whose PrometheusRule documents
// each hold a rule file in `spec`. Exits 1 naming every problem found, or if
// a file holds no rule.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

func main() {
	failed := len(os.Args) < 2
	for _, path := range os.Args[1:] {
		n, errs := checkFile(path)
		for _, err := range errs {
			fmt.Fprintf(os.Stderr, "rulecheck: %s: %v\n", path, err)
			failed = true
		}
		if len(errs) == 0 {
			fmt.Printf("rulecheck: %s: %d rules OK\n", path, n)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// ruleFiles returns the rule files in data: data itself, or the spec of each PrometheusRule in it.
func ruleFiles(data []byte) ([][]byte, error) {
	var files [][]byte
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc struct {
			Kind   string    `yaml:"kind"`
			Groups yaml.Node `yaml:"groups"`
			Spec   yaml.Node `yaml:"spec"`
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		switch {
		case doc.Kind == "PrometheusRule":
			var buf bytes.Buffer
			if err := yaml.NewEncoder(&buf).Encode(&doc.Spec); err != nil {
				return nil, err
			}
			files = append(files, buf.Bytes())
		case doc.Kind == "" && doc.Groups.Kind != 0:
			files = append(files, data)
			return files, nil
		}
	}
}

func checkFile(path string) (int, []error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, []error{err}
	}
	files, err := ruleFiles(data)
	if err != nil {
		return 0, []error{err}
	}
	p := parser.NewParser(parser.Options{})
	logger := slog.New(slog.DiscardHandler)
	n := 0
	var all []error
	for _, f := range files {
		groups, errs := rulefmt.Parse(f, false, model.UTF8Validation, p, logger)
		all = append(all, errs...)
		if groups != nil {
			for _, g := range groups.Groups {
				n += len(g.Rules)
			}
		}
	}
	if len(all) == 0 && n == 0 {
		all = append(all, errors.New("no rules found"))
	}
	return n, all
}
