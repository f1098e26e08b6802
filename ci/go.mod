module gitlab.com/acme/avroctl/ci

go 1.24.0
