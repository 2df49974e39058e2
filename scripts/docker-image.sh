#!/usr/bin/env bash
# Builds the local Elasticsearch image for the Docker proof without any registry, and caches it:
#   1. a Debian root filesystem (`debootstrap --variant=minbase`, the machine's own apt mirror and release),
#      cached as a tarball in <cache>/docker/rootfs;
#   2. plus the JDK the sandbox's nodes of that version use (copied from the machine), the integ-test-zip the
#      sandbox already fetched, an `elasticsearch` user (uid 1000, as in Elastic's image) and
#      sandbox/docker/entrypoint.sh, laid out as Elastic's image is (/usr/share/elasticsearch, data in
#      /usr/share/elasticsearch/data);
#   3. `docker import` into our engine (scripts/docker-engine.sh, which must be running), tagged
#      es-ccr/elasticsearch-integ:<version> and labelled with a hash of every input: rebuilt only when one changes.
#   bash scripts/docker-image.sh [version]   (a major or x.y.z; default CCR_DOCKER_ES_VERSION, else 9)
# Needs root (debootstrap, dockerd). Prints the tag on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[docker-image $(date +%H:%M:%S)] $*" >&2; }
fail() { echo "[docker-image] ERROR: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap and dockerd do; uid $(id -u) here)"
command -v debootstrap >/dev/null || fail "debootstrap is not installed: run bash scripts/docker-setup.sh"
cache="${CCR_CACHE_DIR:-/var/cache/es-ccr}/docker"
engine=$(bash scripts/docker-engine.sh status) || fail "our Docker engine is not running: bash scripts/docker-engine.sh start"
export DOCKER_HOST=${engine%% *}; DOCKER_HOST=${DOCKER_HOST#DOCKER_HOST=}
# Debian's client of the same release as the engine (another docker client on PATH may be newer than the engine).
dockercli=/usr/bin/docker; [ -x "$dockercli" ] || dockercli=docker
label() { "$dockercli" image inspect --format "{{ index .Config.Labels \"$1\" }}" "$tag" 2>/dev/null || true; }

# version tag esHome jdkHome jdkFeature: the distribution (fetched if missing) and the JDK the sandbox's nodes use.
inputs_sh=$(npx tsx sandbox/docker/image.ts "${1:-${CCR_DOCKER_ES_VERSION:-9}}") || fail "cannot resolve the image's inputs (see above)"
eval "$inputs_sh"

# The machine's Debian release and mirror (deb822 or one-line sources), so debootstrap uses what apt uses here.
. /etc/os-release
suite="${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}"
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n' | grep -v security | head -1 || true)
[ -n "$mirror" ] || mirror=$(awk '$1=="deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
[ -n "$mirror" ] || fail "no Debian mirror found in /etc/apt/sources.list*"

rootfs_tar="$cache/rootfs/$suite-minbase.tar"
if [ ! -s "$rootfs_tar" ]; then
  say "debootstrap --variant=minbase $suite (mirror $mirror)"
  mkdir -p "$cache/rootfs"
  tmp=$(mktemp -d "$cache/rootfs/.bootstrap-XXXX")
  if ! debootstrap --variant=minbase "$suite" "$tmp/root" "$mirror" > "$cache/rootfs/debootstrap.log" 2>&1; then
    tail -15 "$cache/rootfs/debootstrap.log" >&2
    rm -rf "$tmp"
    fail "debootstrap failed (log: $cache/rootfs/debootstrap.log)"
  fi
  # No package lists or downloaded .debs in the image.
  rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*
  tar -C "$tmp/root" -cf "$tmp/rootfs.tar" .
  mv "$tmp/rootfs.tar" "$rootfs_tar"
  rm -rf "$tmp"
fi

# Everything the image is made of; the hash is its label, so a changed input means a rebuild.
dist_id=$(sha256sum "$esHome/lib/elasticsearch-$version.jar" | cut -c1-64)
inputs=$(printf '%s\n' "es=$version $dist_id" "jdk=$jdkHome $(sha256sum "$jdkHome/release" | cut -c1-64)" \
  "rootfs=$(stat -c '%s %Y' "$rootfs_tar")" "entrypoint=$(sha256sum sandbox/docker/entrypoint.sh | cut -c1-64)" \
  "script=$(sha256sum scripts/docker-image.sh | cut -c1-64)" | sha256sum | cut -c1-16)
have=$(label es-ccr.inputs)
if [ "$have" = "$inputs" ]; then say "$tag is up to date (inputs $inputs)"; echo "$tag"; exit 0; fi

say "building $tag (inputs $inputs; Java $jdkFeature from $jdkHome)"
work=$(mktemp -d "$cache/.image-XXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"
tar -C "$root" -xf "$rootfs_tar"
es="$root/usr/share/elasticsearch"
mkdir -p "$root/opt" "$es"
# Links dereferenced (the Debian JDK links into /etc/java-*; the copy must stand alone), dangling ones left out
# (Debian's lib/src.zip points into a package that is not installed).
mkdir -p "$root/opt/jdk"
(cd "$jdkHome" && find . -xtype l) > "$work/dangling"
tar -C "$jdkHome" -h --exclude-from="$work/dangling" -cf - . | tar -C "$root/opt/jdk" -xf -
cp -a "$esHome/." "$es/"
mkdir -p "$es/data" "$es/logs" "$es/plugins"
# Security auto-configuration (first start with a keystore, i.e. with ELASTIC_PASSWORD) would add cluster-state
# encryption secrets that only the default distribution has a module for; the integ-test-zip node then refuses to
# start ("unknown secure setting [cluster.state.encryption.active_password_id]"). The containers configure security
# themselves (the Docker backend's environment), so it is off in this image only.
printf '\n# es-ccr local image (scripts/docker-image.sh)\nxpack.security.autoconfiguration.enabled: false\n' >> "$es/config/elasticsearch.yml"
# A test image, where start-up on a busy machine matters and peak throughput does not: the JIT stops at C1 for the
# node and the CLI tools (keystore, launcher). Measured: 150 s instead of 191 s for two nodes booting side by side
# on 2 cores at load ~35.
printf -- '-XX:TieredStopAtLevel=1\n' > "$es/config/jvm.options.d/es-ccr-test-image.options"
install -m 0755 sandbox/docker/entrypoint.sh "$root/usr/local/bin/es-ccr-entrypoint.sh"
# Elastic's image runs the node as elasticsearch (uid 1000, gid 0); data volumes inherit the mount point's owner.
echo "elasticsearch:x:1000:0:Elasticsearch:/usr/share/elasticsearch:/bin/sh" >> "$root/etc/passwd"
echo "elasticsearch:*:19000:0:99999:7:::" >> "$root/etc/shadow"
chown -R 1000:0 "$es"
chmod -R g=u "$es"
say "image root: $(du -sh "$root" | cut -f1); importing"
old_id=$("$dockercli" image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
args=(
  --change "ENV PATH=/usr/share/elasticsearch/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  --change "ENV ES_JAVA_HOME=/opt/jdk"
  --change "ENV CLI_JAVA_OPTS=-XX:TieredStopAtLevel=1"
  --change "WORKDIR /usr/share/elasticsearch"
  --change "USER 1000:0"
  --change "EXPOSE 9200 9300"
  --change 'ENTRYPOINT ["/usr/local/bin/es-ccr-entrypoint.sh"]'
  --change "LABEL es-ccr.inputs=$inputs es-ccr.elasticsearch=$version"
)
tar -C "$root" -cf - . | "$dockercli" import "${args[@]}" - "$tag" >/dev/null || fail "docker import of $tag failed"
# The JDK must run in this root filesystem (its own libraries, nothing from the host's).
if ! out=$("$dockercli" run --rm --network none --entrypoint /opt/jdk/bin/java "$tag" -version 2>&1); then
  "$dockercli" image rm "$tag" >/dev/null 2>&1 || true
  fail "the JDK copied from $jdkHome does not run in the $suite minbase image: $out"
fi
# The previous build of this tag is now untagged: remove it (its layer is of no further use).
new_id=$("$dockercli" image inspect --format '{{.Id}}' "$tag")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then "$dockercli" image rm "$old_id" >/dev/null 2>&1 || true; fi
say "built $tag ($new_id, $("$dockercli" image inspect --format '{{.Size}}' "$tag" | awk '{printf "%d MB", $1/1e6}'); $(echo "$out" | head -1))"
echo "$tag"
