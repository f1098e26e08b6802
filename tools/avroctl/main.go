// Command avroctl takes Avro contracts from IDL to production: compile,
// generate Go, check compatibility, register, release.
//
// The commands are thin: each fills an options struct from flags and calls
// into gen/. See root.go for exit codes and the command registry.
package main

import "os"

func main() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
