module gitlab.com/acme/avroctl/interop

go 1.26.0

require gitlab.com/acme/avroctl v0.0.0

replace gitlab.com/acme/avroctl => ..

require gitlab.com/acme/avroctl/events/v2 v2.0.0

replace gitlab.com/acme/avroctl/events/v2 => ../events
