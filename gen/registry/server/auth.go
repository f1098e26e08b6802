package server

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
)

// ParseBasicAuth splits "user:password" (the password may contain ':'). An
// empty user or password is refused: an empty password would let anyone who
// guesses the user in. The error never quotes the value, which is a secret.
func ParseBasicAuth(s string) (user, password string, err error) {
	user, password, ok := strings.Cut(s, ":")
	switch {
	case !ok:
		return "", "", errors.New("basic auth: want user:password (no ':' found)")
	case user == "":
		return "", "", errors.New("basic auth: the user is empty")
	case password == "":
		return "", "", errors.New("basic auth: the password is empty")
	}
	return user, password, nil
}

// authorized compares the request's credentials with the configured ones
// in constant time.
func (s *Server) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	want := []byte(s.opts.BasicAuth)
	got := []byte(user + ":" + pass)
	return subtle.ConstantTimeCompare(want, got) == 1
}
