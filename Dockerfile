# keylint in a minimal image: one static binary on `scratch` (no shell, no libc, no git —
# keylint reads repositories itself). Run it on a mounted checkout:
#   docker run --rm -v "$PWD:/src" -w /src ghcr.io/<owner>/keylint scan --staged
#
# `docker build .` compiles from source (the `source` stage, the default). The release
# workflow builds `--target release` from the static musl binaries it already built and
# checksummed (dist/linux-<arch>/keylint), so the image holds exactly the released binary.

FROM rust:1-alpine AS build
WORKDIR /keylint
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY rules rules
RUN cargo build --release --locked && strip target/release/keylint

FROM scratch AS release
ARG TARGETARCH
COPY dist/linux-${TARGETARCH}/keylint /keylint
WORKDIR /src
ENTRYPOINT ["/keylint"]

FROM scratch AS source
COPY --from=build /keylint/target/release/keylint /keylint
WORKDIR /src
ENTRYPOINT ["/keylint"]
