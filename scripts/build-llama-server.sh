#!/usr/bin/env bash
# Build native llama.cpp `llama-server` from the llama.cpp sources that llama-cpp-python's sdist
# vendors (the same version the app embeds), into build/llama-server/bin/. Nothing is kept in git.
# Usage: scripts/build-llama-server.sh [PYTHON]   (prints the binary's path; ~10 min on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
version=$("$python" -c "import llama_cpp; print(llama_cpp.__version__)")
out=build/llama-server
binary=$out/bin/llama-server
if [ -x "$binary" ] && [ "$(cat "$out/version" 2>/dev/null)" = "$version" ]; then
  echo "$binary"
  exit 0
fi
command -v cmake >/dev/null || { echo "cmake is needed to build llama-server" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out/src"
"$python" -m pip download --quiet --no-deps --no-binary :all: "llama-cpp-python==$version" -d "$out/src" >&2
tar -xzf "$out"/src/llama_cpp_python-*.tar.gz -C "$out/src"
llama=$(echo "$out"/src/llama_cpp_python-*/vendor/llama.cpp)
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# No web UI download, no HTTPS, no curl: a plain OpenAI-compatible server on the CPU.
cmake -S "$llama" -B "$out/cmake" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >&2
cmake --build "$out/cmake" --target llama-server -j "$(nproc)" >&2
mkdir -p "$out/bin"
cp "$out/cmake/bin/llama-server" "$binary"
echo "$version" > "$out/version"
rm -rf "$out/src" "$out/cmake"
echo "$binary"
