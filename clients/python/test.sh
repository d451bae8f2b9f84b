#!/usr/bin/env bash
# Runs the Python client's tests (pytest); they start the service themselves.
# Debian's python3-grpcio and python3-protobuf belong to /usr/bin/python3, so
# that is the default; PYTHON=path picks another interpreter (a venv, say).
# Further arguments go to pytest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "${PYTHON:-/usr/bin/python3}" -m pytest "$here" "$@"
