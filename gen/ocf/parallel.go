package ocf

import (
	"bytes"
	"io"
	"sync"
)

// Blocks reads the file's blocks in order and calls work on each one,
// decompressed, on up to workers goroutines at once; emit receives the
// results in the file's order. Reading stays sequential (one goroutine
// owns r); decompressing and whatever work does with a block (decoding its
// datums into JSON) run in parallel, which is where the time goes.
//
// The Block given to work is valid only during the call. At most
// 2*workers+1 blocks are in flight, so memory is bounded by the block size
// limit times that, whatever the file's size.
//
// Blocks returns nil at the clean end of the file; emit's error, or nil as
// soon as emit says to stop; or the error of the first block that cannot
// be read or decompressed (an *Error, as NextBlock returns), after emit has
// had the results of every block before it. After Blocks returns, r reads
// no further.
func Blocks[T any](r *Reader, workers int, work func(Block) T, emit func(T) (more bool, err error)) error {
	if r.err != nil {
		return r.err
	}
	workers = max(workers, 1)
	type result struct {
		t   T
		err error
	}
	type job struct {
		raw *bytes.Buffer
		rb  rawBlock
		res chan result
	}
	inFlight := 2 * workers
	jobs := make(chan job)
	// order holds each block's result channel in file order; its capacity
	// is what bounds the blocks in flight.
	order := make(chan chan result, inFlight)
	free := make(chan *bytes.Buffer, inFlight+workers+1)
	done := make(chan struct{})
	var wg sync.WaitGroup

	wg.Add(1)
	go func() { // the reader
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		for {
			var buf *bytes.Buffer
			select {
			case buf = <-free:
			default:
				buf = new(bytes.Buffer)
			}
			rb, err := r.readRaw(buf)
			if err != nil {
				if err != io.EOF {
					r.err = err
					res := make(chan result, 1)
					res <- result{err: err}
					select {
					case order <- res:
					case <-done:
					}
				}
				return
			}
			res := make(chan result, 1)
			select {
			case order <- res:
			case <-done:
				return
			}
			select {
			case jobs <- job{raw: buf, rb: rb, res: res}:
			case <-done:
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dec := decompressor{codec: r.codec, limit: r.lim.MaxBlockSize}
			for j := range jobs {
				b, err := r.decompressBlock(&dec, j.raw.Bytes(), j.rb)
				var t T
				if err == nil {
					t = work(b)
				}
				j.res <- result{t: t, err: err} // buffered: never blocks
				select {
				case free <- j.raw:
				default:
				}
			}
		}()
	}

	stop := func() {
		close(done)
		wg.Wait()
	}
	for res := range order {
		out := <-res
		if out.err != nil {
			stop()
			return out.err
		}
		more, err := emit(out.t)
		if err != nil || !more {
			stop()
			if r.err == nil {
				r.err = errStopped
			}
			return err
		}
	}
	stop()
	return nil
}

// errStopped is what a Reader returns after Blocks stopped early: the
// blocks in flight were read but not given out.
var errStopped = &Error{Msg: "the reader was stopped by Blocks part-way through the file"}
