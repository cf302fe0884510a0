package server_test

import (
	"fmt"

	"github.com/anzexian/anzexian/server"
)

// The keys file admits a key by its SHA-256: KeyLine writes the line (and
// GenerateKey makes a key with it).
func ExampleKeyLine() {
	fmt.Println(server.KeyLine("core-system", server.RoleQuote, "azx_example"))
	// Output:
	// core-system quote sha256:736deb5588b20bd8758d56d5e4e43fbfb1a63e86e220b7789d7b294f01dcc16c
}

// Listening beyond loopback needs keys, and keys need TLS or a TLS proxy.
func ExampleCheckExposure() {
	fmt.Println(server.CheckExposure("127.0.0.1:8080", false, false, false, false))
	fmt.Println(server.CheckExposure(":8443", true, true, false, false))
	fmt.Println(server.CheckExposure(":8080", true, false, false, false) != nil)
	// Output:
	// <nil>
	// <nil>
	// true
}
