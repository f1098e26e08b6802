module gitlab.com/acme/avroctl

go 1.24.0

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/magefile/mage v1.17.2 // indirect
	github.com/spf13/cobra v1.10.2 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	github.com/twmb/franz-go/pkg/sr v1.8.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
