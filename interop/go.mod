module gitlab.com/acme/avroctl/interop

go 1.26.0

require (
	github.com/twmb/franz-go/pkg/sr v1.8.0
	gitlab.com/acme/avroctl v0.0.0
	gitlab.com/acme/avroctl/events/v2 v2.0.0
)

require (
	github.com/dsnet/compress v0.0.1 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/ulikunitz/xz v0.5.17 // indirect
)

replace gitlab.com/acme/avroctl => ..

replace gitlab.com/acme/avroctl/events/v2 => ../events
