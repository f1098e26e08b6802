// Package crcforge forges CRC-64-AVRO collisions, for tests that prove a
// cache is not keyed by that fingerprint.
//
// CRC-64-AVRO is affine over GF(2): for inputs of one length,
// crc(x ^ y ^ z) = crc(x) ^ crc(y) ^ crc(z). So the fingerprints of
// before+name+after, with each letter of name one of two choices, span the
// 64-bit space once name has 64 or more letters, and the choice that
// reaches a target fingerprint is a linear system solved by Gaussian
// elimination. A 64-bit fingerprint identifies schemas among friends; it
// is no defence against someone who registers schemas.
package crcforge

import (
	"fmt"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
)

// MaxLetters is the longest name Name solves for.
const MaxLetters = 128

// Name returns a name of n letters (a valid Avro name: only a-z) such that
// avro.Fingerprint64(before + name + after) == target.
func Name(before, after string, n int, target uint64) (string, error) {
	if n < 64 || n > MaxLetters {
		return "", fmt.Errorf("crcforge: %d letters; want 64 to %d", n, MaxLetters)
	}
	// Letter pairs differ in a few bits; if one pair leaves the system
	// short of full rank, the next gives other vectors.
	for _, pair := range [][2]byte{{'a', 'b'}, {'a', 'c'}, {'a', 'e'}, {'b', 'c'}, {'a', 'q'}} {
		if name, ok := solve(before, after, n, target, pair); ok {
			return name, nil
		}
	}
	return "", fmt.Errorf("crcforge: no solution with %d letters", n)
}

// bits is a set of letter positions (n <= 128).
type bits [2]uint64

func (b *bits) flip(i int)     { b[i/64] ^= 1 << (i % 64) }
func (b bits) has(i int) bool  { return b[i/64]&(1<<(i%64)) != 0 }
func (b bits) xor(c bits) bits { return bits{b[0] ^ c[0], b[1] ^ c[1]} }
func fp(before, after string, name []byte) uint64 {
	return avro.Fingerprint64([]byte(before + string(name) + after))
}

func solve(before, after string, n int, target uint64, pair [2]byte) (string, bool) {
	name := make([]byte, n)
	for i := range name {
		name[i] = pair[0]
	}
	base := fp(before, after, name)
	// basis[k] is a vector whose highest set bit is k, with the positions
	// whose letter flips combine to it.
	var basis [64]uint64
	var combo [64]bits
	for i := 0; i < n; i++ {
		name[i] = pair[1]
		v := fp(before, after, name) ^ base
		name[i] = pair[0]
		var c bits
		c.flip(i)
		for k := 63; k >= 0 && v != 0; k-- {
			if v&(1<<k) == 0 {
				continue
			}
			if basis[k] == 0 {
				basis[k], combo[k] = v, c
				v = 0
				break
			}
			v ^= basis[k]
			c = c.xor(combo[k])
		}
	}
	want := target ^ base
	var pick bits
	for k := 63; k >= 0; k-- {
		if want&(1<<k) == 0 {
			continue
		}
		if basis[k] == 0 {
			return "", false
		}
		want ^= basis[k]
		pick = pick.xor(combo[k])
	}
	for i := 0; i < n; i++ {
		if pick.has(i) {
			name[i] = pair[1]
		}
	}
	return string(name), fp(before, after, name) == target
}
