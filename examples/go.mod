module gitlab.com/acme/avroctl/examples

go 1.26.0

require (
	github.com/twmb/avro v1.9.1
	gitlab.com/acme/avroctl v0.0.0
	gitlab.com/acme/avroctl/events/v2 v2.0.0
)

require (
	github.com/twmb/franz-go/pkg/sr v1.8.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)

replace gitlab.com/acme/avroctl/events/v2 => ../events

replace gitlab.com/acme/avroctl => ..
