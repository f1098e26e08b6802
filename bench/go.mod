module gitlab.com/acme/avroctl/bench

go 1.26.0

replace gitlab.com/acme/avroctl => ..

require (
	github.com/actgardner/gogen-avro/v10 v10.2.1
	github.com/hamba/avro/v2 v2.31.0
	github.com/linkedin/goavro/v2 v2.15.0
	github.com/twmb/avro v1.9.1
	github.com/twmb/franz-go v1.22.3
	github.com/twmb/franz-go/pkg/kadm v1.20.0
	github.com/twmb/franz-go/pkg/sr v1.8.0
	gitlab.com/acme/avroctl v0.0.0-00010101000000-000000000000
	gitlab.com/acme/avroctl/events/v2 v2.0.0
	gitlab.com/acme/avroctl/kafka v0.0.0
)

require (
	github.com/dsnet/compress v0.0.1 // indirect
	github.com/go-viper/mapstructure/v2 v2.4.0 // indirect
	github.com/golang/snappy v1.0.0 // indirect
	github.com/json-iterator/go v1.1.12 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/modern-go/concurrent v0.0.0-20180306012644-bacd9c7ef1dd // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
	github.com/pierrec/lz4/v4 v4.1.33 // indirect
	github.com/twmb/franz-go/pkg/kmsg v1.15.1 // indirect
	github.com/ulikunitz/xz v0.5.17 // indirect
)

replace gitlab.com/acme/avroctl/events/v2 => ../events

replace gitlab.com/acme/avroctl/kafka => ../kafka
