# tenet in a container: `docker build -t tenet .`, then for example
#   docker run --rm -v "$PWD:/work" tenet check policies/br --events examples/acme-br.jsonl
# The image runs as an unprivileged user in /work (mount the policies and
# logs there).

# Build: the toolchain of the crate's minimum Rust version.
FROM rust:1.89-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin tenet

# Run: only the binary (calendars are built into it).
FROM debian:bookworm-slim
COPY --from=build /src/target/release/tenet /usr/local/bin/tenet
RUN useradd --create-home --uid 10001 tenet
USER tenet
WORKDIR /work
ENTRYPOINT ["tenet"]
CMD ["--help"]
