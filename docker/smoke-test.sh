#!/usr/bin/env bash
# The operator's first hour, as a script: build the image, run it against a throwaway Synapse,
# and check what an operator checks. Prints each figure; exits non-zero on the first failure.
#
#   docker/smoke-test.sh                      # with the builder your Docker uses by default
#   DOCKER_BUILDKIT=0 docker/smoke-test.sh    # the legacy builder
#   DOCKER_BUILDKIT=1 docker/smoke-test.sh    # BuildKit (Docker 20.10 has it built in)
#
# Needs: a running Docker engine (20.10 or later), and a Python that has this project's test
# extras (`pip install -e '.[test]'`, for Synapse from PyPI): PYTHON=... (default: python3).
# The helper imports the package from this checkout, whatever PYTHON has installed.
# Synapse listens on 127.0.0.1 only and the bot's container uses the host's network, so
# nothing is published. Not part of .ci/run (CI has no Docker engine).
# Other knobs: DOCKER (the client, default docker), KEEP=1 (keep the image and the work dir).
# DOCKER_BUILDKIT=1 needs a client that still builds with BuildKit itself: Docker 20.10's does;
# a client of Docker 23 or later hands BuildKit builds to the buildx plugin and fails without
# it. With two clients on the PATH, name the one to use, e.g. DOCKER=/usr/bin/docker.
#
# Checks, in order: the build context holds only what the image needs (no .git, .env,
# config.yaml, data); the image builds; a root-owned bind mount on /data is one line and exit 2;
# the bot logs in, provisions the example config's space and turns healthy (seconds from the
# container's start, and from its first sync); an organizer's !botstatus is answered; PID 1 is
# the bot and runs as uid and gid 10001 with umask 0077; every directory in /data (itself
# included) is exactly 0700 and every file exactly 0600, all owned by 10001 (a `docker exec`
# backup too); `docker stop` ends it cleanly within 10 s; a new container on the same volume
# keeps the device. Any failed step (a command substitution included) fails the script.
#
# Without access to a registry (as on an offline build machine), make a stand-in for the base
# image, a Debian bookworm with Python 3.11 under the name python:3.11-slim, from a Debian
# mirror (run as root; debootstrap is a Debian package):
#   debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
#     bookworm root http://deb.debian.org/debian
#   for n in python python3; do ln -sf /usr/bin/python3 root/usr/local/bin/$n; done
#   ln -sf /usr/bin/pip3 root/usr/local/bin/pip
#   # only if this machine reaches PyPI through a proxy with a CA of its own: trust it there too
#   cp /usr/local/share/ca-certificates/*.crt root/usr/local/share/ca-certificates/
#   chroot root update-ca-certificates
#   tar -C root -c . | docker import - python:3.11-slim
# and start the engine without a network of its own (builds and containers then use the host's):
#   dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs &
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DOCKER=${DOCKER:-docker}
PYTHON=${PYTHON:-python3}
UID_IN_IMAGE=10001
TAG="matrixcowork-smoke:$$"
NAME="matrixcowork-smoke-$$"
VOLUME="matrixcowork-smoke-$$"
WORK=$(mktemp -d /tmp/matrixcowork-smoke.XXXXXX)
BUILDER=$([ "${DOCKER_BUILDKIT:-}" = 1 ] && echo BuildKit || { [ "${DOCKER_BUILDKIT:-}" = 0 ] && echo legacy || echo default; })

figure() { printf '  %-52s %s\n' "$1" "$2"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
helper() { SMOKE_REPO="$REPO" "$PYTHON" "$WORK/helper.py" "$WORK" "$@"; }

cleanup() {
  local code=$?
  set +e
  if [ "$code" != 0 ] && "$DOCKER" inspect "$NAME" >/dev/null 2>&1; then
    echo "--- last log lines of the bot ---" >&2
    "$DOCKER" logs --tail 30 "$NAME" >&2
  fi
  "$DOCKER" rm -f "$NAME" "$NAME-probe" >/dev/null 2>&1
  "$DOCKER" volume rm -f "$VOLUME" >/dev/null 2>&1
  [ -f "$WORK/synapse.pid" ] && kill -TERM -- "-$(cat "$WORK/synapse.pid")" 2>/dev/null
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept: image $TAG, work dir $WORK"
  else
    "$DOCKER" rmi -f "$TAG" "$TAG-context" >/dev/null 2>&1
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

"$PYTHON" -c 'import synapse, yaml' 2>/dev/null \
  || fail "$PYTHON has no Synapse: pip install -e '.[test]' (or set PYTHON=...)"
"$DOCKER" info >/dev/null 2>&1 || fail "no Docker engine answers ($DOCKER info)"

cat > "$WORK/helper.py" <<'PY'
"""The Matrix side of the smoke test: Synapse, accounts, the bot's config, !botstatus."""
import json, os, sys, time, urllib.parse
from pathlib import Path

import yaml

repo = Path(os.environ["SMOKE_REPO"])
sys.path.insert(0, str(repo))
from matrixcowork.ops.devserver import DevServer, DevServerError, free_port  # noqa: E402

work, command = Path(sys.argv[1]), sys.argv[2]
state_file = work / "state.json"
state = json.loads(state_file.read_text()) if state_file.exists() else {}
server = DevServer(work / "synapse", port=state.get("port"), relaxed=False)


def call(method, path, body=None, token=None):
    return server._request(method, path, body, token)


if command == "start":
    started = time.monotonic()
    server.start(timeout=180)
    state.update(port=server.port, url=server.url)
    (work / "synapse.pid").write_text(str(server.process.pid))
    anna = server.register("anna.orga", "anna-password", admin=True)
    bot = server.register("smoke-bot", "bot-password-" + str(server.port))
    # Deployment step 4: lift the bot's rate limit, as an admin; Synapse's defaults stay on.
    call("POST", f"/_synapse/admin/v1/users/{bot.user_id}/override_ratelimit",
         {"messages_per_second": 0, "burst_count": 0}, anna.access_token)
    call("POST", "/_matrix/client/v3/logout", {}, bot.access_token)  # the bot logs in itself
    state.update(anna=anna.user_id, anna_token=anna.access_token, bot=bot.user_id,
                 bot_password=bot.password)
    config = yaml.safe_load((repo / "config.example.yaml").read_text())
    web_port = free_port()
    config.update(homeserver=server.url, user_id=bot.user_id, admins=[anna.user_id],
                  moderators=[], allowed_servers=[anna.user_id.split(":", 1)[1]])
    config["web"].update(host="127.0.0.1", port=web_port, public_url=f"http://127.0.0.1:{web_port}")
    (work / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    state["web_port"] = web_port
    state_file.write_text(json.dumps(state))
    print(f"{time.monotonic() - started:.1f}")

elif command == "env":
    print(f"MATRIXCOWORK_PASSWORD={state['bot_password']}")

elif command == "web-port":
    print(state["web_port"])

elif command == "botstatus":
    token = state["anna_token"]
    room = state.get("room")
    if room is None:
        # a direct chat: the bot declines an invitation to any other room outside its space
        room = call("POST", "/_matrix/client/v3/createRoom",
                    {"preset": "trusted_private_chat", "is_direct": True,
                     "invite": [state["bot"]]}, token)["room_id"]
        state["room"] = room
        state_file.write_text(json.dumps(state))
    quoted = urllib.parse.quote(room)
    deadline = time.monotonic() + 60
    while True:
        members = call("GET", f"/_matrix/client/v3/rooms/{quoted}/joined_members", None, token)
        if state["bot"] in members["joined"]:
            break
        if time.monotonic() > deadline:
            sys.exit("the bot did not join the organizer's room within 60 s")
        time.sleep(0.3)
    started = time.monotonic()
    sent = call("PUT", f"/_matrix/client/v3/rooms/{quoted}/send/m.room.message/smoke{time.time_ns()}",
                {"msgtype": "m.text", "body": "!botstatus"}, token)["event_id"]
    while time.monotonic() < started + 60:
        page = call("GET", f"/_matrix/client/v3/rooms/{quoted}/messages?dir=b&limit=20", None, token)
        for event in page["chunk"]:
            content = event.get("content", {})
            reply_to = content.get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")
            if event["sender"] == state["bot"] and reply_to == sent:
                first = content.get("body", "").splitlines()[0]
                print(f"{time.monotonic() - started:.2f} s ({first})")
                sys.exit(0)
        time.sleep(0.3)
    sys.exit("no answer to !botstatus within 60 s")

elif command == "devices":
    user = urllib.parse.quote(state["bot"])
    devices = call("GET", f"/_synapse/admin/v2/users/{user}/devices", None, state["anna_token"])
    print(" ".join(sorted(d["device_id"] for d in devices["devices"])))
PY

echo "matrixcowork smoke test: $("$DOCKER" version -f 'Docker {{.Server.Version}}'), builder: $BUILDER"

# --- the build context ---------------------------------------------------------------------
# A probe image made from the same context (.dockerignore at the root) lists what it holds.
printf 'FROM python:3.11-slim\nCOPY . /context\n' \
  | "$DOCKER" build -q --network host -f - -t "$TAG-context" "$REPO" >/dev/null
context=$("$DOCKER" run --rm --network none --entrypoint sh "$TAG-context" -c \
  'cd /context && ls -A | sort | tr "\n" " "; find . -name __pycache__ | head -1')
figure "build context" "$context"
[ "$context" = "README.md matrixcowork pyproject.toml " ] \
  || fail "the build context holds more than the image needs: $context"
"$DOCKER" rmi -f "$TAG-context" >/dev/null

# --- the image -----------------------------------------------------------------------------
started=$(now)
"$DOCKER" build --network host -f "$REPO/docker/Dockerfile" -t "$TAG" "$REPO" >"$WORK/build.log" 2>&1 \
  || { tail -20 "$WORK/build.log" >&2; fail "docker build failed (log above)"; }
built=$(since "$started")
figure "build (s)" "$built"
base=$("$DOCKER" image inspect -f '{{.Size}}' python:3.11-slim)
size=$("$DOCKER" image inspect -f '{{.Size}}' "$TAG")
figure "image over the base (MB)" "$(( (size - base) / 1000000 ))"
healthcheck=$("$DOCKER" image inspect -f '{{json .Config.Healthcheck}}' "$TAG")
figure "health check" "$healthcheck"

# --- Synapse and the accounts --------------------------------------------------------------
synapse_up=$(helper start)
figure "Synapse started, accounts registered (s)" "$synapse_up"
helper env > "$WORK/env"
chmod 600 "$WORK/env"
chmod 644 "$WORK/config.yaml"
run_bot() {
  "$DOCKER" run "$@" --network host --env-file "$WORK/env" \
    --read-only --cap-drop ALL --security-opt no-new-privileges \
    -v "$WORK/config.yaml:/config/config.yaml:ro" "$TAG"
}

# --- a data dir the bot cannot write -------------------------------------------------------
mkdir -m 0755 "$WORK/root-owned"
set +e
run_bot --rm --name "$NAME-probe" -v "$WORK/root-owned:/data" >"$WORK/root-owned.out" 2>&1
code=$?
set -e
lines=$(wc -l <"$WORK/root-owned.out")
figure "root-owned /data: exit code, lines" "$code, $lines"
figure "  its line" "$(head -c 300 "$WORK/root-owned.out")"
[ "$code" = 2 ] && [ "$lines" = 1 ] \
  && grep -q "uid $UID_IN_IMAGE" "$WORK/root-owned.out" && grep -q "fix: chown" "$WORK/root-owned.out" \
  || fail "a root-owned /data should be one line with the uid and the fix, exit 2"

# --- first start ---------------------------------------------------------------------------
# Every result goes into a variable before it is printed: `figure "..." "$(command)"` would
# print an empty figure and go on when the command fails, `set -e` or not.
start_bot() {  # seconds from the container's start (not from `docker run`) to live and healthy
  local called
  called=$(now)
  run_bot -d --name "$NAME" -v "$VOLUME:/data" >/dev/null
  CREATED=$(since "$called")
  wait_live_and_healthy
  AFTER_SYNC=$(minus "$HEALTHY" "$LIVE")
}

# The log into a file first: `docker logs | grep -m1` ends docker logs with SIGPIPE, which
# pipefail turns into a failure (or, with `&& fail`, into a silent pass).
bot_log() { "$DOCKER" logs "$NAME" >"$WORK/bot.log" 2>&1; }

stamp() { [ -n "$1" ] && date -d "$1" +%s.%N; }  # an empty time is an error, not midnight
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

wait_live_and_healthy() {  # sets LIVE and HEALTHY, from the bot's log and Docker's probe log
  local started_at started status live_line live_at probe probe_at deadline
  deadline=$(( $(date +%s) + 150 ))
  started_at=$("$DOCKER" inspect -f '{{.State.StartedAt}}' "$NAME")
  started=$(stamp "$started_at") || fail "no start time of the container: '$started_at'"
  while [ "$(date +%s)" -lt "$deadline" ]; do
    status=$("$DOCKER" inspect -f '{{.State.Health.Status}} {{.State.Status}}' "$NAME")
    case "$status" in
      healthy*)
        # the log's times are the container's (UTC), "2026-12-01 09:00:01,234"
        bot_log
        live_line=$(grep -m1 "matrixcowork is live" "$WORK/bot.log" | cut -c1-23)
        [ -n "$live_line" ] || fail "healthy, but no 'matrixcowork is live' in the log"
        live_at=$(stamp "${live_line/,/.} UTC") || fail "no time in the log line: '$live_line'"
        LIVE=$(minus "$live_at" "$started")
        probe=$("$DOCKER" inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{.End}}{{"\n"}}{{end}}' "$NAME" \
          | awk '$1 == 0 && !seen { print $2, $3, $4; seen = 1 }')  # "2026-12-01 09:00:11.2 +0000 UTC"
        probe_at=$(stamp "$probe") || fail "healthy, but no passed probe in Docker's log: '$probe'"
        HEALTHY=$(minus "$probe_at" "$started")
        return 0 ;;
      *exited*|*dead*) fail "the bot's container stopped: $status" ;;
    esac
    sleep 0.5
  done
  fail "not healthy within 150 s (status: $status)"
}

start_bot
figure "first start: docker run (s; vfs copies the image)" "$CREATED"
figure "first start: live after its first sync (s)" "$LIVE"
figure "first start: healthy (s)" "$HEALTHY"
figure "  healthy after the first sync (s)" "$AFTER_SYNC"
grep -m1 "space provisioned" "$WORK/bot.log" | cut -c1-160 | sed 's/^/  log: /' || true
web_port=$(helper web-port)
healthz=$("$PYTHON" -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$web_port/healthz', timeout=5).read().decode())")
figure "GET /healthz" "$healthz"
answered=$(helper botstatus)
figure "!botstatus answered in" "$answered"

# --- user, umask, modes --------------------------------------------------------------------
# Read from PID 1, the bot itself (the image's ENTRYPOINT, no init), not from the shell that
# `docker exec` starts: that one could run as another user than the bot.
pid1=$("$DOCKER" exec "$NAME" sh -c 'tr "\0" " " </proc/1/cmdline; echo; grep -E "^(Uid|Gid|Umask):" /proc/1/status')
cmdline=$(echo "$pid1" | head -1)
uids=$(echo "$pid1" | awk '$1 == "Uid:" { print $2, $3, $4, $5 }')
gids=$(echo "$pid1" | awk '$1 == "Gid:" { print $2, $3, $4, $5 }')
umask=$(echo "$pid1" | awk '$1 == "Umask:" { print $2 }')
figure "PID 1" "$cmdline"
figure "PID 1: uid (real, effective, saved, fs), gid, umask" "$uids; $gids; $umask"
case "$cmdline" in */matrixcowork\ run\ *) ;; *) fail "PID 1 is not the bot: $cmdline" ;; esac
all_ids="$UID_IN_IMAGE $UID_IN_IMAGE $UID_IN_IMAGE $UID_IN_IMAGE"
[ "$uids" = "$all_ids" ] && [ "$gids" = "$all_ids" ] && [ "$umask" = 0077 ] \
  || fail "the bot should run as uid and gid $UID_IN_IMAGE with umask 0077: $uids; $gids; $umask"
"$DOCKER" exec "$NAME" matrixcowork backup -c /config/config.yaml /data/backup.db >/dev/null
# type (d, f, ...), mode, owner uid and gid, path: directories exactly 0700, files exactly 0600
modes=$("$DOCKER" exec "$NAME" find /data -printf '%y %m %U %G %p\n' | sort -k5)
echo "$modes" | sed 's/^/  mode: /'
bad=$(echo "$modes" | awk -v id="$UID_IN_IMAGE" '
  $3 != id || $4 != id { print; next }
  $1 == "d" && $2 == "700" { next }
  $1 == "f" && $2 == "600" { next }
  { print }')
[ -z "$bad" ] || fail "in /data, not the bot's alone (directories 0700, files 0600): $bad"
dirs=$(echo "$modes" | awk '$1 == "d"' | wc -l)
files=$(echo "$modes" | awk '$1 == "f"' | wc -l)
figure "/data and everything in it (incl. a docker exec backup)" \
  "$dirs dirs 0700, $files files 0600, uid:gid $UID_IN_IMAGE:$UID_IN_IMAGE"
exec_umask=$("$DOCKER" exec "$NAME" sh -c umask)
figure "umask of another docker exec (sh)" "$exec_umask"
"$DOCKER" exec "$NAME" rm /data/backup.db
device=$(helper devices)
figure "the bot's devices" "$device"
[ -n "$device" ] || fail "the bot has no device"

# --- stop and a new container on the same volume -------------------------------------------
started=$(now)
"$DOCKER" stop -t 30 "$NAME" >/dev/null
stopped=$(since "$started")
code=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$NAME")
figure "docker stop (s), exit code" "$stopped, $code"
awk -v s="$stopped" 'BEGIN { exit !(s < 10) }' || fail "docker stop took $stopped s"
[ "$code" = 0 ] || fail "the bot exited with $code on SIGTERM"
bot_log
if grep -q "Traceback" "$WORK/bot.log"; then fail "a traceback in the bot's log"; fi
"$DOCKER" rm "$NAME" >/dev/null

start_bot
figure "new container, same volume: docker run (s)" "$CREATED"
figure "new container, same volume: live (s)" "$LIVE"
figure "new container, same volume: healthy (s)" "$HEALTHY"
figure "  healthy after the first sync (s)" "$AFTER_SYNC"
answered=$(helper botstatus)
figure "!botstatus answered in" "$answered"
after=$(helper devices)
figure "the bot's devices after it" "$after"
[ "$after" = "$device" ] || fail "the device changed: $device -> $after"
bot_log
if grep -q "Traceback" "$WORK/bot.log"; then fail "a traceback in the bot's log"; fi

echo "smoke test passed ($BUILDER builder)"
