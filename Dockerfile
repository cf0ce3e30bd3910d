# The environment rtwasm measures in, for artifact evaluation:
#   docker build -t rtwasm . && docker run --rm rtwasm
# runs `go tool mage all` (the smoke profile) in the container; add
# -v /var/run/docker.sock:/var/run/docker.sock to measure docker:engine, and
# -e RTWASM_PROFILE=claims for the paper's claims. The Debian packages are the
# toolchain's (toolchain.DebianPackages) and those of the runtimes' set-up
# (busybox-static, stress-ng), plus runc and valgrind; a test holds this list
# to the code. Node.js 20 and WAMR/Wasmer/Wasmtime CLIs are not in Debian 12:
# those runtimes are recorded as unavailable.
ARG DEBIAN_IMAGE=debian:bookworm
FROM ${DEBIAN_IMAGE}

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates curl unzip git \
      clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32 libc6-dev musl-dev gcc musl-tools \
      busybox-static stress-ng runc valgrind \
 && rm -rf /var/lib/apt/lists/*

# Behind a TLS-intercepting proxy, pass its CA certificate (PEM text):
#   --build-arg EXTRA_CA_CERT="$(cat proxy-ca.crt)"
ARG EXTRA_CA_CERT=""
RUN if [ -n "$EXTRA_CA_CERT" ]; then \
      printf '%s\n' "$EXTRA_CA_CERT" > /usr/local/share/ca-certificates/extra-ca.crt && update-ca-certificates; \
    fi

# Go from the module proxy: the toolchain module GOTOOLCHAIN downloads
# (golang.org/toolchain), at the go.mod's version (a test holds them equal).
ARG GO_VERSION=1.26.8
ARG GOPROXY=https://proxy.golang.org
RUN arch="$(dpkg --print-architecture)" \
 && curl -fsSL -o /tmp/go.zip "${GOPROXY}/golang.org/toolchain/@v/v0.0.1-go${GO_VERSION}.linux-${arch}.zip" \
 && unzip -q /tmp/go.zip -d /tmp/go \
 && mv "/tmp/go/golang.org/toolchain@v0.0.1-go${GO_VERSION}.linux-${arch}" /usr/local/go \
 && chmod +x /usr/local/go/bin/* /usr/local/go/pkg/tool/*/* \
 && rm -rf /tmp/go /tmp/go.zip
ENV PATH=/usr/local/go/bin:/root/go/bin:$PATH GOTOOLCHAIN=local GOPROXY=${GOPROXY}

WORKDIR /rtwasm
COPY go.mod go.sum ./
RUN go mod download
COPY . .
CMD ["go", "tool", "mage", "all"]
