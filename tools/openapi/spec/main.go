// Command spec writes the merged OpenAPI document, as the server serves it
// at /api/v1/openapi.json, to standard output, so that it can be linted and
// a client generated from it without starting a server.
package main

import (
	"fmt"
	"os"

	"jiceng/internal/api"
)

func main() {
	if _, err := os.Stdout.Write(api.OpenAPIDocument()); err != nil {
		fmt.Fprintln(os.Stderr, "spec:", err)
		os.Exit(1)
	}
}
