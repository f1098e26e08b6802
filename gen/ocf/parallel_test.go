package ocf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
)

// blockDigest is what a test keeps of a block: its offset, count and data.
type blockDigest struct {
	off, count int64
	data       string
}

func sequentialBlocks(t *testing.T, data []byte) ([]blockDigest, error) {
	r, err := NewReader(bytes.NewReader(data), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var out []blockDigest
	for {
		b, err := r.NextBlock()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, blockDigest{b.Offset, b.Count, string(b.Data)})
	}
}

func parallelBlocks(t *testing.T, data []byte, workers int) ([]blockDigest, error) {
	r, err := NewReader(bytes.NewReader(data), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var out []blockDigest
	err = Blocks(r, workers, func(b Block) blockDigest {
		return blockDigest{b.Offset, b.Count, string(b.Data)} // a copy: b.Data is reused
	}, func(d blockDigest) (bool, error) {
		out = append(out, d)
		return true, nil
	})
	return out, err
}

// Blocks gives what NextBlock gives, in the same order, for every codec
// and number of workers.
func TestBlocksMatchesNextBlock(t *testing.T) {
	for _, codec := range Codecs {
		data := writeFile(t, codec, 3000, 200) // dozens of blocks
		want, err := sequentialBlocks(t, data)
		if err != nil || len(want) < 20 {
			t.Fatalf("%s: %d blocks, %v", codec, len(want), err)
		}
		for _, workers := range []int{1, 2, 3, 8} {
			got, err := parallelBlocks(t, data, workers)
			if err != nil {
				t.Fatalf("%s, %d workers: %v", codec, workers, err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s, %d workers: the blocks differ from NextBlock's", codec, workers)
			}
		}
	}
}

// A damaged block is reported with NextBlock's error after the blocks
// before it were emitted, whether the damage is in the framing (the sync
// marker) or in the compressed data.
func TestBlocksDamage(t *testing.T) {
	for _, codec := range []string{CodecNull, CodecDeflate} {
		data := writeFile(t, codec, 3000, 200)
		good, _ := sequentialBlocks(t, data)
		// In block 10's sync marker, and in block 20's data (which only a
		// compressed codec may notice).
		for _, at := range []int64{good[11].off - 3, good[20].off + 8} {
			bad := bytes.Clone(data)
			bad[at] ^= 0xff
			want, wantErr := sequentialBlocks(t, bad)
			if wantErr == nil && at == good[20].off+8 {
				continue
			}
			for _, workers := range []int{1, 4} {
				got, err := parallelBlocks(t, bad, workers)
				if wantErr == nil || err == nil || err.Error() != wantErr.Error() {
					t.Fatalf("%s, byte %d, %d workers: error %v, NextBlock's %v", codec, at, workers, err, wantErr)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%s, byte %d, %d workers: %d blocks before the error, NextBlock gave %d", codec, at, workers, len(got), len(want))
				}
			}
		}
	}
}

// emit may stop the reading early, with or without an error; no
// goroutine is left writing to the results.
func TestBlocksStop(t *testing.T) {
	data := writeFile(t, CodecDeflate, 3000, 100)
	boom := errors.New("boom")
	for _, stopErr := range []error{nil, boom} {
		r, err := NewReader(bytes.NewReader(data), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		err = Blocks(r, 4, func(b Block) int64 { return b.Offset }, func(int64) (bool, error) {
			n++
			return n < 3, stopErr
		})
		if err != stopErr || n != 1 && stopErr != nil || n != 3 && stopErr == nil {
			t.Fatalf("stop with %v: err %v after %d blocks", stopErr, err, n)
		}
		if _, err := r.NextBlock(); err == nil {
			t.Fatal("the reader goes on after Blocks stopped")
		}
	}
}

// FuzzBlocks: on any input, Blocks gives exactly NextBlock's blocks and
// then its error (or the clean end), whatever the number of workers.
func FuzzBlocks(f *testing.F) {
	for _, codec := range Codecs {
		f.Add(writeFile(f, codec, 30, 50), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, workers uint8) {
		lim := Limits{MaxMetaSize: 1 << 16, MaxBlockSize: 1 << 20}
		seq, err := NewReader(bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		var want []blockDigest
		var wantErr error
		for len(want) < 1<<12 {
			b, err := seq.NextBlock()
			if err != nil {
				if err != io.EOF {
					wantErr = err
				}
				break
			}
			want = append(want, blockDigest{b.Offset, b.Count, string(b.Data)})
		}
		if len(want) == 1<<12 {
			return // long enough
		}
		par, _ := NewReader(bytes.NewReader(data), lim)
		var got []blockDigest
		gotErr := Blocks(par, int(workers%5)+1, func(b Block) blockDigest {
			return blockDigest{b.Offset, b.Count, string(b.Data)}
		}, func(d blockDigest) (bool, error) {
			got = append(got, d)
			return true, nil
		})
		if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("Blocks: %d blocks, error %v; NextBlock: %d blocks, error %v", len(got), gotErr, len(want), wantErr)
		}
	})
}
