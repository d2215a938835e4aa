#!/usr/bin/env bash
# Make `docker compose` available to validate docker-compose.yml. The machine has the
# docker client but no compose plugin and no engine; the plugin is built from the Go
# module proxy once and kept in ~/.docker/cli-plugins.
set -euo pipefail
VERSION="${COMPOSE_VERSION:-v2.29.7}"
if docker compose version >/dev/null 2>&1; then
    echo "compose: $(docker compose version --short 2>/dev/null || echo present)"
    exit 0
fi
command -v docker >/dev/null || { echo "compose: the docker client is not installed" >&2; exit 1; }
command -v go >/dev/null || { echo "compose: Go is needed to build the compose plugin" >&2; exit 1; }
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
log="$build/build.log"
if ! GOFLAGS=-mod=mod GOBIN="$build/bin" go install \
        -ldflags "-X github.com/docker/compose/v2/internal.Version=$VERSION" \
        "github.com/docker/compose/v2/cmd@$VERSION" >"$log" 2>&1; then
    echo "compose: building the plugin failed; last lines:" >&2
    tail -n 10 "$log" >&2
    exit 1
fi
mkdir -p "$HOME/.docker/cli-plugins"
install -m 0755 "$build/bin/cmd" "$HOME/.docker/cli-plugins/docker-compose"
echo "compose: built docker compose $VERSION"
