// compose-loader loads a Compose file with the Compose specification's own Go
// loader (github.com/compose-spec/compose-go, what `docker compose` uses): the
// file is validated against the specification's JSON schema, interpolated,
// normalised (relative paths made absolute against the file's folder) and
// checked for consistency (depends_on, networks and volumes that exist). It
// prints the loaded project as JSON on stdout, or the loader's error on stderr
// with exit status 1.
//
//	compose-loader path/to/docker-compose.yml
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-loader path/to/docker-compose.yml")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	opts, err := cli.NewProjectOptions(
		[]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithName("irb-compose-check"),
		// No .env file and no environment: the file must stand on its own.
		cli.WithEnv(nil),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fail(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
	os.Stdout.Write([]byte("\n"))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compose-loader: %v\n", err)
	os.Exit(1)
}
