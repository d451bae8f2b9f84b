#!/usr/bin/env bash
# Generates the Python client's code (messages, type stubs, gRPC stubs) from
# proto/ into notification_client/gen/, with Debian's protoc and
# grpc_python_plugin (packages protobuf-compiler, protobuf-compiler-grpc) and
# the google/protobuf/*.proto files protoc compiles against (libprotobuf-dev).
# The output is committed; CI checks that running this changes nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/../../proto" && pwd)
out="$here/notification_client/gen"
protoc=${PROTOC:-protoc}
plugin=${GRPC_PYTHON_PLUGIN:-$(command -v grpc_python_plugin || true)}
[ -n "$plugin" ] || { echo "generate.sh: grpc_python_plugin not found (apt-get install protobuf-compiler-grpc)" >&2; exit 1; }
wkt=${PROTOC_INCLUDE:-/usr/include}
[ -f "$wkt/google/protobuf/timestamp.proto" ] || { echo "generate.sh: $wkt/google/protobuf/timestamp.proto not found (apt-get install libprotobuf-dev, or set PROTOC_INCLUDE)" >&2; exit 1; }

# The committed code comes from this protoc; its runtime is python3-protobuf 4.21 (Debian 12).
expected="libprotoc 3.21.12"
actual=$("$protoc" --version)
[ "$actual" = "$expected" ] || echo "generate.sh: warning: $actual, not $expected: the output will differ from the committed code" >&2

services=(notification/v1/notification.proto notification/v1/rule.proto notification/v1/stream.proto notification/v1/topic.proto notification/v1/job.proto notification/v1/preference.proto)
imports=(google/api/annotations.proto google/api/http.proto)

rm -rf "$out"
mkdir -p "$out"
"$protoc" -I "$proto" -I "$wkt" --python_out="$out" --pyi_out="$out" "${services[@]}" "${imports[@]}"
"$protoc" -I "$proto" -I "$wkt" --grpc_out="$out" --plugin=protoc-gen-grpc="$plugin" "${services[@]}"

# protoc imports generated modules by their path under proto/ ("from notification.v1 import
# ..."), which only works with gen/ itself on sys.path; import them from this package instead.
find "$out" -name '*.py' -o -name '*.pyi' | sort | xargs sed -i -E \
  's/^from (notification\.v1|google\.api) import /from notification_client.gen.\1 import /'
find "$out" -type d | sort | while read -r dir; do : >"$dir/__init__.py"; done
