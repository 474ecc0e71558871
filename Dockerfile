# syntax=docker/dockerfile:1
# One image for every Glocal component: `glocal serve <gateway|requests|training|events|research>`,
# `glocal migrate`. Build: docker build -t glocal .
#
# Stages: chef (toolchain + cargo-chef) -> planner (dependency recipe) -> builder (dependencies
# cached in their own layer, then scripts/build-release, the same command CI runs) -> runtime
# (distroless, non-root, the binary only).

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
# Dependencies only: this layer is reused until Cargo.toml or Cargo.lock change.
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --release --locked --recipe-path recipe.json --bin glocal
COPY . .
RUN scripts/build-release /out

FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
LABEL org.opencontainers.image.title="glocal" \
      org.opencontainers.image.description="Glocal: gateway and services of the international-affairs bureau platform" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=builder /out/glocal /usr/local/bin/glocal
USER 65532:65532
ENV GLOCAL_ENVIRONMENT=production
# gateway HTTP, services gRPC, services metrics
EXPOSE 8080 50051 50052 50053 50054 9091 9092 9093 9094
ENTRYPOINT ["/usr/local/bin/glocal"]
CMD ["serve", "gateway"]
