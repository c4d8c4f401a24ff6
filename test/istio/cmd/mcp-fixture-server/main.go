// Command mcp-fixture-server is a deliberately simple MCP-over-xDS (SotW ADS)
// server for exercising istiod and adsc-probe without the project's server.
// It answers every requested type URL with the full state of that kind (empty
// if none), echoing the requested type_url, and re-pushes all subscribed types
// whenever the resource file changes (mtime polled every 200 ms). -skip lists
// kinds it never answers, to exercise istiod's wait-for-every-type behaviour.
//
// Resource file (YAML or JSON):
//
//	resources:
//	- kind: ServiceEntry          # matched against the requested type URL's kind, any group version
//	  namespace: demo             # metadata.name = namespace/name; leave empty to send name verbatim
//	  name: foo
//	  version: "1"                # metadata.version (optional)
//	  labels: {}
//	  annotations: {}
//	  spec: {hosts: [foo.example], ports: [{number: 80, name: http, protocol: HTTP}]}
//
// Each received request is logged to stderr as a JSON line.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"sigs.k8s.io/yaml"

	mcp "istio.io/api/mcp/v1alpha1"
	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/util/protomarshal"
)

type fileResource struct {
	Kind        string            `json:"kind"`
	Namespace   string            `json:"namespace"`
	Name        string            `json:"name"`
	Version     string            `json:"version"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Spec        json.RawMessage   `json:"spec"`
}

type state struct {
	mu      sync.Mutex
	version int
	byKind  map[string][]*anypb.Any
	changed chan struct{} // closed and replaced on every reload
}

func (s *state) load(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc struct {
		Resources []fileResource `json:"resources"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return err
	}
	byKind := map[string][]*anypb.Any{}
	for _, r := range doc.Resources {
		a, err := encode(r)
		if err != nil {
			return fmt.Errorf("%s %s/%s: %v", r.Kind, r.Namespace, r.Name, err)
		}
		byKind[r.Kind] = append(byKind[r.Kind], a)
	}
	s.mu.Lock()
	s.version++
	s.byKind = byKind
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	return nil
}

func encode(r fileResource) (*anypb.Any, error) {
	var spec proto.Message
	for _, sch := range collections.Pilot.All() {
		if sch.Kind() == r.Kind {
			inst, err := sch.NewInstance()
			if err != nil {
				return nil, err
			}
			spec = inst.(proto.Message)
		}
	}
	if spec == nil {
		return nil, fmt.Errorf("unknown kind")
	}
	if len(r.Spec) > 0 {
		if err := protomarshal.ApplyJSON(string(r.Spec), spec); err != nil {
			return nil, err
		}
	}
	body, err := anypb.New(spec)
	if err != nil {
		return nil, err
	}
	name := r.Name
	if r.Namespace != "" {
		name = r.Namespace + "/" + r.Name
	}
	return anypb.New(&mcp.Resource{
		Metadata: &mcp.Metadata{
			Name: name, Version: r.Version, Labels: r.Labels, Annotations: r.Annotations,
			CreateTime: timestamppb.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		},
		Body: body,
	})
}

func (s *state) snapshot(typeURL string) (string, []*anypb.Any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kind := typeURL[strings.LastIndex(typeURL, "/")+1:]
	return fmt.Sprintf("v%d", s.version), s.byKind[kind]
}

func (s *state) watchChan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

type server struct {
	discovery.UnimplementedAggregatedDiscoveryServiceServer
	st    *state
	skip  map[string]bool // kinds never answered
	mu    sync.Mutex
	nonce int
}

func (srv *server) nextNonce() string {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.nonce++
	return fmt.Sprintf("n%d", srv.nonce)
}

func (srv *server) StreamAggregatedResources(stream discovery.AggregatedDiscoveryService_StreamAggregatedResourcesServer) error {
	reqs := make(chan *discovery.DiscoveryRequest)
	errs := make(chan error, 1)
	go func() {
		for {
			r, err := stream.Recv()
			if err != nil {
				errs <- err
				return
			}
			reqs <- r
		}
	}()
	sent := map[string]string{} // subscribed type URL -> last nonce sent
	var order []string
	send := func(typeURL string) error {
		ver, res := srv.st.snapshot(typeURL)
		n := srv.nextNonce()
		sent[typeURL] = n
		return stream.Send(&discovery.DiscoveryResponse{TypeUrl: typeURL, VersionInfo: ver, Nonce: n, Resources: res})
	}
	changed := srv.st.watchChan()
	for {
		select {
		case err := <-errs:
			return err
		case <-changed:
			changed = srv.st.watchChan()
			for _, t := range order {
				if err := send(t); err != nil {
					return err
				}
			}
		case r := <-reqs:
			line, _ := json.Marshal(map[string]any{
				"typeUrl": r.TypeUrl, "versionInfo": r.VersionInfo, "responseNonce": r.ResponseNonce,
				"hasNode": r.Node != nil, "nodeId": r.GetNode().GetId(), "resourceNames": r.ResourceNames,
				"errorDetail": r.ErrorDetail != nil,
			})
			log.Printf("request %s", line)
			last, subscribed := sent[r.TypeUrl]
			switch {
			case srv.skip[r.TypeUrl[strings.LastIndex(r.TypeUrl, "/")+1:]]:
				continue
			case !subscribed:
				order = append(order, r.TypeUrl)
			case r.ResponseNonce == last:
				continue // ACK (this server never gets NACKs from istiod)
			case r.ResponseNonce != "":
				continue // stale
			}
			if err := send(r.TypeUrl); err != nil {
				return err
			}
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:18848", "listen address")
	file := flag.String("file", "", "resource file (YAML/JSON); reloaded on change")
	skip := flag.String("skip", "", "comma-separated kinds never to answer (to test sync gating)")
	flag.Parse()
	skipped := map[string]bool{}
	for _, k := range strings.Split(*skip, ",") {
		if k != "" {
			skipped[k] = true
		}
	}
	log.SetFlags(log.Lmicroseconds)
	st := &state{byKind: map[string][]*anypb.Any{}, changed: make(chan struct{})}
	var mtime time.Time
	if *file != "" {
		if err := st.load(*file); err != nil {
			log.Fatalf("load %s: %v", *file, err)
		}
		if fi, err := os.Stat(*file); err == nil {
			mtime = fi.ModTime()
		}
		go func() {
			for range time.Tick(200 * time.Millisecond) {
				fi, err := os.Stat(*file)
				if err != nil || fi.ModTime().Equal(mtime) {
					continue
				}
				mtime = fi.ModTime()
				if err := st.load(*file); err != nil {
					log.Printf("reload failed, keeping previous state: %v", err)
				} else {
					log.Printf("reloaded %s", *file)
				}
			}
		}()
	}
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	g := grpc.NewServer()
	discovery.RegisterAggregatedDiscoveryServiceServer(g, &server{st: st, skip: skipped})
	log.Printf("listening on %s", lis.Addr())
	log.Fatal(g.Serve(lis))
}
