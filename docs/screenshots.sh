#!/usr/bin/env bash
# Screenshots of the demo in a real Matrix client, for the README (docs/screenshot-*.png).
#
# Starts `matrixcowork demo` in a temporary folder on free ports, starts the desktop client
# nheko under a virtual X display (Xvfb), logs in as the demo member anna with the login the
# demo prints (full Matrix id, homeserver typed by hand), opens the rooms "Coworking",
# "Monatlicher Sync" and "Webinare" and saves one picture of each into docs/. Everything it
# started is stopped at the end, also on failure or Ctrl-C. Takes one to two minutes.
#
# Not part of .ci/run (CI has no display and no nheko). Needs, on Linux without a display:
#   - matrixcowork with the demo extras on PATH, or in .venv/ (pip install -e ".[demo]");
#   - Debian/Ubuntu packages: nheko (0.11) xvfb xdotool imagemagick dbus gnome-keyring
#     fonts-noto-color-emoji (nheko keeps its secrets in a keyring; this script runs a
#     throwaway one on a private D-Bus, and nheko with a throwaway profile).
# Usage: docs/screenshots.sh            (from anywhere; writes into the repository's docs/)
#        KEEP=1 docs/screenshots.sh     (keeps the temporary folder and prints its path)
#
# The clicks and key presses fit nheko 0.11 in a 1280x800 window. If a picture looks wrong,
# the raw screenshots and nheko's and the demo's logs are in the temporary folder (KEEP=1).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
MEMBER=anna

step() { printf '[%3ds] %s\n' "$SECONDS" "$*"; }
die() { echo "screenshots: $*" >&2; exit 1; }

# wait_for SECONDS COMMAND...: true once COMMAND succeeds, false after SECONDS.
wait_for() {
    local limit=$(( SECONDS + $1 )); shift
    until "$@" >/dev/null 2>&1; do
        (( SECONDS < limit )) || return 1
        sleep 0.5
    done
}

# ---------------------------------------------------------------------------------------------
# The client part: runs inside `dbus-run-session` (started by the main part below), so the
# keyring and nheko end with that session.
if [[ "${1:-}" == "--client" ]]; then
    shots=$WORK/raw
    mkdir -p "$shots"
    printf 'screenshots' | gnome-keyring-daemon --unlock --components=secrets \
        >"$WORK/keyring.log" 2>&1
    nheko >"$WORK/nheko.log" 2>&1 &
    nheko_pid=$!
    trap 'kill "$nheko_pid" 2>/dev/null || true; wait "$nheko_pid" 2>/dev/null || true' EXIT
    shot() { sleep "${2:-3}"; xdotool mousemove 1279 799; sleep 0.5
             import -window root "$shots/$1.png"; step "  took $1"; }
    room() {  # open a room by name with nheko's quick switcher (Ctrl+K)
        xdotool key ctrl+k; sleep 1; xdotool type --delay 40 "$1"; sleep 1.5
        xdotool key Return
    }

    wait_for 60 xdotool search --onlyvisible --name '^nheko$' || die "nheko shows no window"
    win=$(xdotool search --onlyvisible --name '^nheko$' | head -1)
    xdotool windowmove "$win" 0 0 windowsize "$win" 1280 800
    sleep 2
    step "nheko is up; logging in as $USER_ID"
    xdotool mousemove 721 532 click 1           # LOGIN on the welcome page
    sleep 2
    xdotool mousemove 640 374 click 1           # the Matrix ID field
    xdotool type --delay 30 "$USER_ID"
    xdotool key Tab                             # to the password; nheko tries .well-known
    wait_for 30 grep -q "Autodiscovery failed" "$WORK/nheko.log" \
        || sleep 5                              # then it shows the homeserver field
    sleep 1
    xdotool type --delay 30 "$PASSWORD"
    xdotool key Tab Tab ctrl+a                  # device name, homeserver address
    xdotool type --delay 30 "$HOMESERVER"
    sleep 1
    xdotool key Return
    if ! wait_for 60 grep -q '^access_token=' "$XDG_CONFIG_HOME/nheko/nheko.conf"; then
        import -window root "$shots/login-failed.png"
        die "nheko did not log in (see $shots/login-failed.png)"
    fi
    step "logged in; waiting for the first sync"
    # nheko then asks to "Setup Encryption" (not needed for a demo; it is no window of its own
    # and Escape does not close it): Cancel, bottom right.
    sleep 15
    xdotool mousemove 1213 761 click 1
    sleep 2

    room "Coworking"                            # the room, not the space "Coworking Demo"
    sleep 3
    xdotool mousemove 750 450                   # scroll up to today's check-in post
    for _ in 1 2 3 4 5 6; do xdotool click 4; sleep 0.2; done
    shot coworking
    room "Monatlicher Sync"
    shot sync 4
    room "Webinare"
    shot webinars 4
    exit 0
fi

# ---------------------------------------------------------------------------------------------
# The main part: demo, display, client, pictures, clean-up.
for tool in nheko Xvfb xdotool import convert dbus-run-session gnome-keyring-daemon python3; do
    command -v "$tool" >/dev/null || die "needs $tool (see the header of $0)"
done
if command -v matrixcowork >/dev/null; then
    MATRIXCOWORK=$(command -v matrixcowork)
elif [[ -x "$REPO/.venv/bin/matrixcowork" ]]; then
    MATRIXCOWORK=$REPO/.venv/bin/matrixcowork
else
    die "needs matrixcowork with the demo extras: pip install -e '.[demo]'"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/matrixcowork-shots.XXXXXX")
demo_pid='' xvfb_pid=''
cleanup() {
    set +e
    if [[ -n "$xvfb_pid" ]]; then kill "$xvfb_pid" 2>/dev/null; wait "$xvfb_pid" 2>/dev/null; fi
    if [[ -n "$demo_pid" ]] && kill -0 "$demo_pid" 2>/dev/null; then
        kill -TERM "$demo_pid"                  # the demo stops its bot and Synapse
        wait_for 30 bash -c "! kill -0 $demo_pid"
        kill -KILL -- "-$demo_pid" 2>/dev/null  # whatever is left of its process group
        wait "$demo_pid" 2>/dev/null
    fi
    if [[ -n "${KEEP:-}" ]]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r PORT WEB_PORT < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
)
step "starting the demo (homeserver port $PORT) in $WORK"
setsid "$MATRIXCOWORK" demo --dir "$WORK/demo" --port "$PORT" --web-port "$WEB_PORT" \
    >"$WORK/demo.out" 2>&1 </dev/null &
demo_pid=$!
wait_for 300 grep -q "The demo community is running" "$WORK/demo.out" \
    || { tail -20 "$WORK/demo.out" >&2; die "the demo did not come up"; }

# The login exactly as the demo prints it.
HOMESERVER=$(awk '$1 == "homeserver:" {print $2; exit}' "$WORK/demo.out")
USER_ID=$(awk -v m="@$MEMBER:" '$1 == "user:" && index($2, m) == 1 {print $2; exit}' \
    "$WORK/demo.out")
PASSWORD=$(awk -v u="$USER_ID" '$1 == "user:" && $2 == u {print $4; exit}' "$WORK/demo.out")
[[ -n "$HOMESERVER" && -n "$USER_ID" && -n "$PASSWORD" ]] || die "no login in the demo's output"
step "demo is running: $USER_ID on $HOMESERVER"

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$WORK/display" 2>"$WORK/xvfb.log" &
xvfb_pid=$!
wait_for 20 test -s "$WORK/display" || die "Xvfb did not start"
DISPLAY=:$(cat "$WORK/display")
step "Xvfb on $DISPLAY"

client_home=$WORK/home
mkdir -p "$client_home/run" && chmod 700 "$client_home/run"
env HOME="$client_home" XDG_CONFIG_HOME="$client_home/.config" \
    XDG_DATA_HOME="$client_home/.local/share" XDG_CACHE_HOME="$client_home/.cache" \
    XDG_RUNTIME_DIR="$client_home/run" DISPLAY="$DISPLAY" WORK="$WORK" \
    USER_ID="$USER_ID" PASSWORD="$PASSWORD" HOMESERVER="$HOMESERVER" SECONDS="$SECONDS" \
    dbus-run-session -- "$0" --client 2> >(grep -v "Failed to set fd limit" >&2)

for name in coworking sync webinars; do
    convert "$WORK/raw/$name.png" -strip -colors 256 "PNG8:$HERE/screenshot-$name.png"
    step "docs/screenshot-$name.png: $(( $(stat -c %s "$HERE/screenshot-$name.png") / 1024 )) KB"
done
step "done"
