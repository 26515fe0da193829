// compose-check loads a compose file with compose-go, the loader `docker compose` itself uses: the
// Compose Specification schema, interpolation, YAML merge keys, extends, and the model's own
// consistency checks (unknown depends_on, undeclared volumes, ...). It prints the resolved model as
// JSON on stdout; any problem exits 1 with compose-go's message. No Docker engine is needed.
//
//	go run ./scripts/ci/compose-check docker-compose.yml
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
		fmt.Fprintln(os.Stderr, "usage: compose-check <compose file>")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	options, err := cli.NewProjectOptions(
		[]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithResolvedPaths(false),
		// Variables with defaults (${ADMIN_API_TOKEN:-}) resolve without an environment.
		cli.WithEnv([]string{}),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "compose-check:", err)
	os.Exit(1)
}
