module gitlab.com/acme/avroctl

go 1.24.0

require (
	github.com/magefile/mage v1.17.2
	github.com/spf13/cobra v1.10.2
	github.com/twmb/franz-go/pkg/sr v1.8.0
	go.yaml.in/yaml/v3 v3.0.6
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
)
