# syntax=docker/dockerfile:1
#
# The Samenspel server as a container: a static Go binary on Alpine, run as
# an unprivileged user, with PocketBase's data (SQLite, local photos) in the
# /pb_data volume. See docker-compose.yml for the server with MinIO.
#
#   docker build -t samenspel .
#   docker run -p 8090:8090 -v samenspel-data:/pb_data samenspel
#
# Keep the Go version equal to go.mod's (server/compose_test.go checks).

FROM golang:1.26.8 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/samenspel .

FROM alpine:3.22
# ca-certificates for S3 over TLS, tzdata for Europe/Amsterdam dates;
# busybox's wget serves the health check.
RUN apk add --no-cache ca-certificates tzdata \
    && addgroup -S -g 10001 samenspel \
    && adduser -S -D -H -u 10001 -G samenspel samenspel \
    && mkdir /pb_data && chown samenspel:samenspel /pb_data
COPY --from=build /out/samenspel /usr/local/bin/samenspel
USER 10001:10001
VOLUME /pb_data
EXPOSE 8090
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8090/api/health || exit 1
ENTRYPOINT ["/usr/local/bin/samenspel"]
CMD ["serve", "--http=0.0.0.0:8090", "--dir=/pb_data"]
