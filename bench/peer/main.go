// Command peer is bench tooling only: an MCP-over-xDS server built on
// go-control-plane (LinearCache + the v3 ADS server), serving the resources the
// bench wrote to a file, so `npm run bench -- peer` can compare the bridge with it.
//
// Input file: a sequence of records, each a 4-byte big-endian length and the
// bytes of one istio.mcp.v1alpha1.Resource. Commands on stdin, one a line:
// "push" replaces the cache's state with every resource (one of them changed),
// which is how a LinearCache is made to send full state for this type URL.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"net"
	"os"

	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	mcp "istio.io/api/mcp/v1alpha1"
)

const mcpResourceType = "type.googleapis.com/istio.mcp.v1alpha1.Resource"

func readResources(path string) ([]*mcp.Resource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var out []*mcp.Resource
	var head [4]byte
	for {
		if _, err := io.ReadFull(r, head[:]); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		buf := make([]byte, binary.BigEndian.Uint32(head[:]))
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		res := &mcp.Resource{}
		if err := proto.Unmarshal(buf, res); err != nil {
			return nil, err
		}
		out = append(out, res)
	}
}

func state(all []*mcp.Resource) map[string]types.Resource {
	m := make(map[string]types.Resource, len(all))
	for _, r := range all {
		m[r.GetMetadata().GetName()] = r
	}
	return m
}

func main() {
	file := flag.String("resources", "", "file of length-prefixed istio.mcp.v1alpha1.Resource records")
	typeURL := flag.String("type-url", "networking.istio.io/v1/ServiceEntry", "the type URL served")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()

	all, err := readResources(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer: reading resources:", err)
		os.Exit(1)
	}
	cache := cachev3.NewLinearCache(*typeURL)
	cache.SetResources(state(all))

	callbacks := serverv3.CallbackFuncs{
		// LinearCache labels each Any with the request's type URL; istiod expects
		// the MCP Resource type there.
		StreamResponseFunc: func(_ context.Context, _ int64, _ *discovery.DiscoveryRequest, resp *discovery.DiscoveryResponse) {
			for _, a := range resp.GetResources() {
				a.TypeUrl = mcpResourceType
			}
		},
	}
	srv := serverv3.NewServer(context.Background(), cache, callbacks)
	g := grpc.NewServer(grpc.MaxSendMsgSize(1 << 30))
	discovery.RegisterAggregatedDiscoveryServiceServer(g, srv)
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer: listen:", err)
		os.Exit(1)
	}
	fmt.Printf("listening %d %d\n", lis.Addr().(*net.TCPAddr).Port, len(all))
	go func() {
		if err := g.Serve(lis); err != nil {
			fmt.Fprintln(os.Stderr, "peer: serve:", err)
			os.Exit(1)
		}
	}()

	in := bufio.NewScanner(os.Stdin)
	pushes := 0
	for in.Scan() {
		switch in.Text() {
		case "push":
			pushes++
			changed := proto.Clone(all[0]).(*mcp.Resource)
			changed.Metadata.Version = fmt.Sprintf("push-%d", pushes)
			all[0] = changed
			cache.SetResources(state(all))
			fmt.Println("pushed")
		case "quit":
			g.Stop()
			return
		}
	}
	g.Stop()
}
