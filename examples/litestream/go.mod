module github.com/ferrolite/ferrolite/examples/litestream

go 1.25.0

require github.com/ferrolite/ferrolite/go v0.0.0

require (
	github.com/tetratelabs/wazero v1.12.0 // indirect
	golang.org/x/sys v0.44.0 // indirect
)

replace github.com/ferrolite/ferrolite/go => ../../go
