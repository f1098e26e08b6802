// Package ci tests .gitlab-ci.yml with the real GitLab runner semantics,
// through gitlab-ci-local and its shell executor. It is its own module so
// that `go test ./...` at the root does not run it: `go run mage.go ciLocal`
// does.
package ci
