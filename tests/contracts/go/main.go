// What a department's Go team would write against the models generated from
// deploy/asyncapi-3.0.yaml (asyncapi generate models golang), and nothing else.
//
// stdin: one "MessageName TAB json" per line; stdout: the same line re-encoded by the
// generated model, or "MessageName TAB ERROR reason" (exit 1 at the end).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"netreport.local/contracts/events"
)

// Go has no lookup of a type by name: every message of the document is listed here.
var models = map[string]func() any{
	"CaseDispatched":    func() any { return &events.CaseDispatched{} },
	"CaseEvent":         func() any { return &events.CaseEvent{} },
	"CaseFeedback":      func() any { return &events.CaseFeedback{} },
	"CaseTransferred":   func() any { return &events.CaseTransferred{} },
	"DeadLetter":        func() any { return &events.DeadLetter{} },
	"DutyPage":          func() any { return &events.DutyPage{} },
	"MediaDelivery":     func() any { return &events.MediaDelivery{} },
	"ReportSubmitted":   func() any { return &events.ReportSubmitted{} },
	"ReportTriaged":     func() any { return &events.ReportTriaged{} },
	"ReporterReply":     func() any { return &events.ReporterReply{} },
	"RumorEvent":        func() any { return &events.RumorEvent{} },
	"TakedownRequested": func() any { return &events.TakedownRequested{} },
}

func main() {
	failures := 0
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	for in.Scan() {
		name, body, _ := strings.Cut(in.Text(), "\t")
		out, err := roundTrip(name, body)
		if err != nil {
			failures++
			fmt.Printf("%s\tERROR %s\n", name, strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		fmt.Printf("%s\t%s\n", name, out)
	}
	if failures > 0 {
		os.Exit(1)
	}
}

func roundTrip(name, body string) ([]byte, error) {
	model, ok := models[name]
	if !ok {
		return nil, fmt.Errorf("no model %q", name)
	}
	value := model()
	if err := json.Unmarshal([]byte(body), value); err != nil {
		return nil, err
	}
	return json.Marshal(value)
}
