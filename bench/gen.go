package bench

// Generated code is committed; these lines document how it is made. Run
// `go generate` in this directory after changing testdata/order.avsc or the
// generator.

//go:generate go run ./internal/regen
//go:generate go run github.com/actgardner/gogen-avro/v10/cmd/gogen-avro@v10.2.1 -package=gogen -sources-comment=false internal/gogen testdata/order.avsc
