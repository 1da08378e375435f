#!/usr/bin/env bash
# Install the system programs some tests use, if they are missing:
#   - LibreOffice Calc, headless (`soffice --headless --convert-to xlsx|xls|ods|csv`), used to
#     re-save test workbooks the way a real spreadsheet application writes them, and Impress
#     and Draw, which open the QBR slides and the PDF pack;
#   - Chromium, used by the HTML report tests;
#   - a Java runtime (OpenJDK 17, headless) for the local Spark session of the engine tests.
#
# Idempotent: installs only what is missing and runs `apt-get update` at most once.
# Needs Debian/Ubuntu apt-get and root. Without them it explains and exits 0; the tests that
# need these programs then skip and say why.
#
# Package choice: `libreoffice-calc-nogui` with --no-install-recommends is the smallest set
# that converts between xlsx, xls, ods and csv headless (no X11, no Java, no fonts beyond
# OpenSymbol). `libreoffice-calc` is the fallback where the -nogui flavour does not exist.
set -euo pipefail

say() { printf 'install-system-deps: %s\n' "$*"; }

if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get is not available on this system: nothing installed."
  say "Install LibreOffice (soffice), Chromium and Java 17 with your package manager; tests that need them skip."
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  say "not running as root: nothing installed. Re-run with sudo to install LibreOffice and Chromium."
  say "Tests that need them skip until then."
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update_once() {
  if [ "$updated" -eq 0 ]; then
    say "running apt-get update"
    apt-get update -qq >/dev/null
    updated=1
  fi
}

# Is a package available from the configured sources? (Needs the package lists.)
available() {
  apt-cache show "$1" >/dev/null 2>&1
}

install_pkgs() {
  say "installing: $* (with --no-install-recommends)"
  # dpkg's progress goes to a log; errors still reach stderr.
  apt-get install -y -qq --no-install-recommends "$@" >"${TMPDIR:-/tmp}/install-system-deps.log"
}

# LibreOffice Calc, headless.
if command -v soffice >/dev/null 2>&1; then
  say "LibreOffice already installed: $(command -v soffice)"
else
  apt_update_once
  if available libreoffice-calc-nogui; then
    install_pkgs libreoffice-calc-nogui
  elif available libreoffice-calc; then
    install_pkgs libreoffice-calc
  else
    say "no LibreOffice Calc package found in the apt sources: skipped"
  fi
  if command -v soffice >/dev/null 2>&1; then
    say "LibreOffice installed: $(command -v soffice)"
  fi
fi

# LibreOffice Impress and Draw, headless: the report tests open the QBR slides (.pptx) and the
# PDF pack in them.
for part in impress draw; do
  if dpkg -s "libreoffice-$part-nogui" >/dev/null 2>&1 || dpkg -s "libreoffice-$part" >/dev/null 2>&1; then
    say "LibreOffice ${part^} already installed"
    continue
  fi
  apt_update_once
  if available "libreoffice-$part-nogui"; then
    install_pkgs "libreoffice-$part-nogui"
  elif available "libreoffice-$part"; then
    install_pkgs "libreoffice-$part"
  else
    say "no LibreOffice ${part^} package found in the apt sources: skipped"
  fi
done

# Chromium.
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  say "Chromium already installed: $(command -v chromium || command -v chromium-browser)"
else
  apt_update_once
  if available chromium; then
    install_pkgs chromium
    say "Chromium installed: $(command -v chromium || true)"
  else
    say "no chromium package found in the apt sources: skipped"
  fi
fi

# Java for Spark (Spark 4 needs Java 17 or newer).
if command -v java >/dev/null 2>&1; then
  say "Java already installed: $(command -v java)"
else
  apt_update_once
  if available openjdk-17-jre-headless; then
    install_pkgs openjdk-17-jre-headless
    say "Java installed: $(command -v java || true)"
  else
    say "no openjdk-17-jre-headless package found in the apt sources: skipped"
  fi
fi

say "done"
