// Command adsc-probe connects to an MCP-over-xDS config source with Istio's own
// pkg/adsc client and the validating in-memory config store, wired the way
// istiod's configSources xds:// path wires them, and prints what istiod would
// end up holding as JSON lines on stdout.
//
// Output lines (one JSON object each):
//
//	{"validationError": "...", "stage": "store", "op": "create|update", "kind", "namespace", "name", "resourceVersion"}
//	{"validationError": "...", "stage": "decode"}        resource dropped before reaching the store
//	{"adscWarning": "..."}                                any other adsc warning/error log line
//	{"disconnected": "..."}                               stream broke; adsc reconnects with backoff
//	{"response": {"typeUrl", "versionInfo", "nonce", "resources"}}   only with -responses
//	{"kind", "namespace", "name", "resourceVersion", "creationTimestamp", "labels", "annotations", "spec"}
//	{"synced": true, "types": N}  or  {"synced": false, "missing": [...]}
//	{"event": "add|update|delete", "kind", ...}           only with -watch, after the synced line
//	{"error": "..."}                                      fatal: connect/run failure
//
// Exit status: 0 synced, 2 not synced before -timeout, 3 could not start the stream, 1 usage.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	mcp "istio.io/api/mcp/v1alpha1"
	"istio.io/istio/pilot/pkg/config/memory"
	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pkg/adsc"
	"istio.io/istio/pkg/config"
	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/config/schema/gvk"
	"istio.io/istio/pkg/keepalive"
	"istio.io/istio/pkg/log"
	"istio.io/istio/pkg/util/protomarshal"
)

// Group versions requested by istiod 1.20-1.23 (before the v1 promotion in 1.24),
// as the 1.22-line istiod of ../istio-legacy requests them.
var legacyVersions = map[string]string{
	"AuthorizationPolicy":   "v1beta1",
	"DestinationRule":       "v1alpha3",
	"EnvoyFilter":           "v1alpha3",
	"Gateway":               "v1alpha3",
	"PeerAuthentication":    "v1beta1",
	"ProxyConfig":           "v1beta1",
	"RequestAuthentication": "v1beta1",
	"ServiceEntry":          "v1alpha3",
	"Sidecar":               "v1alpha3",
	"Telemetry":             "v1alpha1",
	"VirtualService":        "v1alpha3",
	"WasmPlugin":            "v1alpha1",
	"WorkloadEntry":         "v1alpha3",
	"WorkloadGroup":         "v1alpha3",
}

var printedKinds = []config.GroupVersionKind{gvk.ServiceEntry, gvk.WorkloadEntry}

// ---- output ---------------------------------------------------------------

type emitter struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (e *emitter) emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"error": "marshal: " + err.Error()})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.w.Write(b)
	e.w.WriteByte('\n')
	e.w.Flush()
}

var out = &emitter{w: bufio.NewWriter(os.Stdout)}

func describe(c config.Config) map[string]any {
	m := map[string]any{
		"kind":              c.GroupVersionKind.Kind,
		"namespace":         c.Namespace,
		"name":              c.Name,
		"resourceVersion":   c.ResourceVersion,
		"creationTimestamp": c.CreationTimestamp.UTC().Format(time.RFC3339Nano),
	}
	if len(c.Labels) > 0 {
		m["labels"] = c.Labels
	}
	if len(c.Annotations) > 0 {
		m["annotations"] = c.Annotations
	}
	if pm, ok := c.Spec.(proto.Message); ok {
		if js, err := protomarshal.ToJSONMap(pm); err == nil {
			m["spec"] = js
		} else {
			m["spec"] = map[string]string{"error": err.Error()}
		}
	}
	return m
}

// ---- istio log capture ----------------------------------------------------

// logSink receives every istio log entry (JSON encoded, one per line) and turns
// the adsc scope's warnings into probe output lines.
type logSink struct {
	verbose bool
	buf     bytes.Buffer
	mu      sync.Mutex
}

func (s *logSink) Write(p []byte) (int, error) {
	if s.verbose {
		os.Stderr.Write(p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	for {
		line, err := s.buf.ReadBytes('\n')
		if err != nil { // incomplete line: keep it for the next write
			s.buf.Reset()
			s.buf.Write(line)
			return len(p), nil
		}
		s.handle(line)
	}
}

func (s *logSink) handle(line []byte) {
	var e struct {
		Level string `json:"level"`
		Scope string `json:"scope"`
		Msg   string `json:"msg"`
	}
	if json.Unmarshal(line, &e) != nil || e.Scope != "adsc" {
		return
	}
	switch {
	case strings.HasPrefix(e.Msg, "connection closed with err"):
		out.emit(map[string]string{"disconnected": strings.TrimSpace(strings.TrimPrefix(e.Msg, "connection closed with err:"))})
	case e.Level != "warn" && e.Level != "error":
		return
	case strings.HasPrefix(e.Msg, "Error adding a new resource"), strings.HasPrefix(e.Msg, "Error updating an existing resource"):
		// already reported, with the object's identity, by checkedStore
	case strings.HasPrefix(e.Msg, "Invalid data"), strings.HasPrefix(e.Msg, "Error unmarshalling received MCP config"):
		msg := e.Msg
		if i := strings.Index(msg, " ("); i > 0 && strings.HasSuffix(msg, ")") {
			msg = msg[:i] // "Invalid data: <err> (<raw resource bytes>)": drop the bytes
		}
		out.emit(map[string]string{"validationError": msg, "stage": "decode"})
	default:
		out.emit(map[string]string{"adscWarning": e.Msg})
	}
}

func (s *logSink) Sync() error  { return nil }
func (s *logSink) Close() error { return nil }

func setupLogging(verbose bool) {
	sink := &logSink{verbose: verbose}
	if err := zap.RegisterSink("irbprobe", func(*url.URL) (zap.Sink, error) { return sink, nil }); err != nil {
		fatal(3, "register log sink: %v", err)
	}
	o := log.DefaultOptions()
	o.JSONEncoding = true
	o.OutputPaths = []string{"irbprobe://istio"} // every scope, adsc included, logs at info by default
	if err := log.Configure(o); err != nil {
		fatal(3, "configure logging: %v", err)
	}
}

// ---- store wrapper ----------------------------------------------------------

// checkedStore is the memory controller istiod uses, with Create/Update failures
// (the proto validation of the kind, as in the admission webhook) reported.
type checkedStore struct {
	*memory.Controller
}

func (s checkedStore) report(op, rv string, c config.Config, err error) {
	if err == nil {
		return
	}
	out.emit(map[string]string{
		"validationError": err.Error(), "stage": "store", "op": op, "resourceVersion": rv,
		"kind": c.GroupVersionKind.Kind, "namespace": c.Namespace, "name": c.Name,
	})
}

func (s checkedStore) Create(c config.Config) (string, error) {
	rv, err := s.Controller.Create(c)
	s.report("create", c.ResourceVersion, c, err)
	return rv, err
}

func (s checkedStore) Update(c config.Config) (string, error) {
	rv := c.Annotations[memory.ResourceVersion] // adsc passes the incoming version here
	nrv, err := s.Controller.Update(c)
	s.report("update", rv, c, err)
	return nrv, err
}

// ---- response handling -------------------------------------------------------

type tracker struct {
	mu        sync.Mutex
	seen      map[string]bool
	legacy    map[string]config.GroupVersionKind // requested legacy type URL -> store GVK
	store     model.ConfigStore
	revision  string
	responses bool
}

func (t *tracker) HandleResponse(_ *adsc.ADSC, r *discovery.DiscoveryResponse) {
	if t.responses {
		out.emit(map[string]any{"response": map[string]any{
			"typeUrl": r.TypeUrl, "versionInfo": r.VersionInfo, "nonce": r.Nonce, "resources": len(r.Resources),
		}})
	}
	if g, ok := t.legacy[r.TypeUrl]; ok {
		t.applyLegacy(g, r.Resources)
	}
	t.mu.Lock()
	t.seen[r.TypeUrl] = true
	t.mu.Unlock()
}

func (t *tracker) missing(reqs []*discovery.DiscoveryRequest) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var m []string
	for _, r := range reqs {
		if r.TypeUrl != gvk.MeshConfig.String() && !t.seen[r.TypeUrl] {
			m = append(m, r.TypeUrl)
		}
	}
	return m
}

// applyLegacy stores a response for a pre-1.24 type URL the way istiod 1.20-1.23
// did: full state per type, decode failures dropped, version-gated updates.
// The current adsc ignores such type URLs, so the probe applies them itself.
func (t *tracker) applyLegacy(g config.GroupVersionKind, resources []*anypb.Any) {
	keep := map[string]bool{}
	for _, a := range resources {
		c, err := decodeMCP(a, t.revision)
		if err != nil {
			out.emit(map[string]string{"validationError": "Invalid data: " + err.Error(), "stage": "decode"})
			continue
		}
		if c == nil {
			continue
		}
		c.GroupVersionKind = g
		keep[c.Namespace+"/"+c.Name] = true
		old := t.store.Get(g, c.Name, c.Namespace)
		switch {
		case old == nil:
			_, _ = t.store.Create(*c)
		case old.ResourceVersion != c.ResourceVersion || c.ResourceVersion == "":
			c.Annotations[memory.ResourceVersion] = c.ResourceVersion
			c.ResourceVersion = old.ResourceVersion
			_, _ = t.store.Update(*c)
		}
	}
	for _, c := range t.store.List(g, "") {
		if !keep[c.Namespace+"/"+c.Name] {
			_ = t.store.Delete(g, c.Name, c.Namespace, nil)
		}
	}
}

func decodeMCP(a *anypb.Any, revision string) (*config.Config, error) {
	r := &mcp.Resource{}
	if err := a.UnmarshalTo(r); err != nil {
		return nil, fmt.Errorf("not an mcp Resource: %v", err)
	}
	md := r.GetMetadata()
	if md == nil {
		return nil, fmt.Errorf("resource without metadata")
	}
	if !config.LabelsInRevision(md.Labels, revision) {
		return nil, nil
	}
	parts := strings.Split(md.Name, "/")
	if len(parts) != 2 {
		return nil, fmt.Errorf("invalid name %s", md.Name)
	}
	spec, err := r.GetBody().UnmarshalNew()
	if err != nil {
		return nil, fmt.Errorf("%s: body: %v", md.Name, err)
	}
	ann := map[string]string{}
	for k, v := range md.Annotations {
		ann[k] = v
	}
	return &config.Config{
		Meta: config.Meta{
			Namespace: parts[0], Name: parts[1], ResourceVersion: md.Version,
			Labels: md.Labels, Annotations: ann, CreationTimestamp: md.CreateTime.AsTime(),
		},
		Spec: spec,
	}, nil
}

// ---- main ---------------------------------------------------------------------

func buildRequests(mode string) ([]*discovery.DiscoveryRequest, map[string]config.GroupVersionKind) {
	reqs := adsc.ConfigInitialRequests()
	switch mode {
	case "default":
		return reqs, nil
	case "v1alpha3":
		legacy := map[string]config.GroupVersionKind{}
		for _, r := range reqs {
			g, ok := parseGVK(r.TypeUrl)
			if !ok {
				continue
			}
			if v, ok := legacyVersions[g.Kind]; ok && v != g.Version { // an older istio asks for it already
				old := config.GroupVersionKind{Group: g.Group, Version: v, Kind: g.Kind}
				r.TypeUrl = old.String()
				legacy[r.TypeUrl] = g
			}
		}
		return reqs, legacy
	}
	fatal(1, "unknown -types %q (want default or v1alpha3)", mode)
	return nil, nil
}

func parseGVK(typeURL string) (config.GroupVersionKind, bool) {
	p := strings.Split(typeURL, "/")
	if len(p) != 3 {
		return config.GroupVersionKind{}, false
	}
	g := config.GroupVersionKind{Group: p[0], Version: p[1], Kind: p[2]}
	_, ok := collections.Pilot.FindByGroupVersionKind(g)
	return g, ok
}

func fatal(code int, format string, args ...any) {
	out.emit(map[string]string{"error": fmt.Sprintf(format, args...)})
	os.Exit(code)
}

type key struct{ kind, ns, name string }

func snapshot(s model.ConfigStore) map[key]config.Config {
	m := map[key]config.Config{}
	for _, k := range printedKinds {
		for _, c := range s.List(k, "") {
			m[key{k.Kind, c.Namespace, c.Name}] = c
		}
	}
	return m
}

func sortedKeys(m map[key]config.Config) []key {
	ks := make([]key, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.ns != b.ns {
			return a.ns < b.ns
		}
		return a.name < b.name
	})
	return ks
}

func main() {
	addr := flag.String("addr", "127.0.0.1:15051", "config source host:port (what follows xds:// in configSources)")
	timeout := flag.Duration("timeout", 30*time.Second, "how long to wait until every requested type has been answered")
	types := flag.String("types", "default", "request set: default (adsc.ConfigInitialRequests of this Istio) or v1alpha3 (type URLs of istiod 1.20-1.23)")
	watch := flag.Duration("watch", 0, "after the initial dump, keep running this long and print changes as event lines")
	responses := flag.Bool("responses", false, "print a line for every DiscoveryResponse received")
	revision := flag.String("revision", "", "istiod REVISION (node metadata and istio.io/rev filtering)")
	namespace := flag.String("namespace", "istio-system", "POD_NAMESPACE of the emulated istiod")
	workload := flag.String("workload", "adsc-probe", "POD_NAME of the emulated istiod")
	verbose := flag.Bool("v", false, "copy istio's own log lines (JSON) to stderr")
	flag.Parse()

	setupLogging(*verbose)
	reqs, legacy := buildRequests(*types)

	store := checkedStore{memory.NewController(memory.Make(collections.Pilot))}
	tr := &tracker{seen: map[string]bool{}, legacy: legacy, store: store, revision: *revision, responses: *responses}
	client, err := adsc.New(*addr, &adsc.ADSConfig{
		InitialDiscoveryRequests: reqs,
		ResponseHandler:          tr,
		Config: adsc.Config{
			Namespace: *namespace,
			Workload:  *workload,
			Revision:  *revision,
			Meta:      model.NodeMetadata{Generator: "api", IstioRevision: *revision}.ToStruct(),
			GrpcOpts: []grpc.DialOption{
				keepalive.DefaultOption().ConvertToClientOption(),
				grpc.WithTransportCredentials(insecure.NewCredentials()),
			},
		},
	})
	if err != nil {
		fatal(3, "failed to dial XDS %s %v", *addr, err)
	}
	changed := make(chan struct{}, 1)
	for _, k := range printedKinds {
		store.RegisterEventHandler(k, func(config.Config, config.Config, model.Event) {
			select {
			case changed <- struct{}{}:
			default:
			}
		})
	}
	synced := client.HasSynced
	if legacy != nil { // adsc does not count type URLs it does not know
		synced = func() bool { return len(tr.missing(reqs)) == 0 }
	}
	store.RegisterHasSyncedHandler(synced)
	client.Store = store
	stop := make(chan struct{})
	go store.Run(stop)
	if err := client.Run(); err != nil {
		fatal(3, "MCP: failed running %v", err)
	}

	deadline := time.Now().Add(*timeout)
	for !store.HasSynced() {
		if time.Now().After(deadline) {
			out.emit(map[string]any{"synced": false, "missing": tr.missing(reqs)})
			os.Exit(2)
		}
		time.Sleep(20 * time.Millisecond)
	}
	last := snapshot(store)
	for _, k := range sortedKeys(last) {
		out.emit(describe(last[k]))
	}
	out.emit(map[string]any{"synced": true, "types": len(reqs) - 1})

	if *watch > 0 {
		end := time.After(*watch)
	loop:
		for {
			select {
			case <-end:
				break loop
			case <-changed:
			case <-time.After(200 * time.Millisecond):
			}
			cur := snapshot(store)
			for _, k := range sortedKeys(cur) {
				c := cur[k]
				old, had := last[k]
				if had && old.ResourceVersion == c.ResourceVersion {
					continue
				}
				ev := "add"
				if had {
					ev = "update"
				}
				d := describe(c)
				d["event"] = ev
				out.emit(d)
			}
			for _, k := range sortedKeys(last) {
				if _, ok := cur[k]; !ok {
					out.emit(map[string]string{"event": "delete", "kind": k.kind, "namespace": k.ns, "name": k.name})
				}
			}
			last = cur
		}
	}
	client.Close()
	close(stop)
}
