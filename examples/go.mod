module gitlab.com/acme/avroctl/examples

go 1.24.0

require (
	gitlab.com/acme/avroctl v0.0.0
	gitlab.com/acme/avroctl/events v0.0.0
)

require github.com/twmb/franz-go/pkg/sr v1.8.0 // indirect

replace gitlab.com/acme/avroctl/events => ../events

replace gitlab.com/acme/avroctl => ..
