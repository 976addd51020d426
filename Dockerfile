# pgrampart in a container: docker build -t pgrampart:0.1.0 .
#   docker run --rm -v "$PWD:/src" pgrampart:0.1.0 check .
# The build stage makes the Debian package (debian/) with the packages
# building needs; the final image installs only that .deb, so apt brings the
# runtime libraries its Depends name and nothing of the toolchain.

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential meson ninja-build pkg-config debhelper dpkg-dev \
      libpg-query-dev libprotobuf-c-dev libyaml-dev libpq-dev libpcre2-dev libjansson-dev \
      libtree-sitter-dev libmd4c-dev libgit2-dev scdoc \
      ca-certificates nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build/pgrampart
COPY . .
# The tree-sitter grammars: the pinned npm packs (ci/grammars.sh).
RUN ci/grammars.sh \
 && dpkg-buildpackage -us -uc -b \
 && mkdir /debs && mv ../pgrampart_*.deb /debs/

FROM debian:bookworm-slim
COPY --from=build /debs/ /tmp/debs/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/debs/pgrampart_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/debs \
 && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent pgrampart
USER pgrampart
WORKDIR /src
ENTRYPOINT ["pgrampart"]
CMD ["check", "."]
