module gitlab.com/acme/avroctl/examples

go 1.26.0

require (
	github.com/twmb/avro v1.9.1
	github.com/twmb/franz-go v1.22.3
	github.com/twmb/franz-go/pkg/kadm v1.20.0
	gitlab.com/acme/avroctl v0.0.0
	gitlab.com/acme/avroctl/events/v2 v2.0.0
	modernc.org/sqlite v1.62.0
)

require (
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/pierrec/lz4/v4 v4.1.33 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/twmb/franz-go/pkg/kmsg v1.15.1 // indirect
	golang.org/x/sys v0.49.0 // indirect
	modernc.org/libc v1.80.1 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
)

require (
	github.com/twmb/franz-go/pkg/sr v1.8.0 // indirect
	gitlab.com/acme/avroctl/examples/evolution/nextevents v0.0.0
	gitlab.com/acme/avroctl/kafka v0.0.0
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)

replace gitlab.com/acme/avroctl/events/v2 => ../events

replace gitlab.com/acme/avroctl => ..

replace gitlab.com/acme/avroctl/kafka => ../kafka

replace gitlab.com/acme/avroctl/examples/evolution/nextevents => ./evolution/nextevents
