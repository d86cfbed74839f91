# The few verbs a newcomer needs. `make test` is the README's test command.
GO ?= go
export CGO_ENABLED = 1

.PHONY: build run test bench lint docs screenshots release-check clean

build: ## build ./nstui
	$(GO) build -o nstui .

run: build ## build and open the TUI (as root to see everything)
	./nstui

test: ## the whole suite, as root, with the race detector
	scripts/deps.sh
	$(GO) test -race -count=1 -p 1 -v -timeout 30m ./...

bench: ## Go benchmarks (figures, not pass/fail)
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint: ## gofmt, go vet
	test -z "$$(gofmt -l .)"
	$(GO) vet ./...

docs: ## man pages and shell completions into dist/docs
	$(GO) run -tags gendocs . gen-docs dist/docs

screenshots: ## regenerate screenshots/*.png from the real binary (tmux + freeze)
	screenshots/make.sh

release-check: ## validate .goreleaser.yaml
	goreleaser check

clean:
	rm -rf nstui dist
